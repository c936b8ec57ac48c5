"""The app's side of sync without the network: batches in order per case, answers, the
needs-attention list, progress through the transition table, number low mark, offline login."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.actor import SYSTEM
from app.case_states import Action
from app.rules.problems import RuleError
from app.storage.audit import verify_chain
from app.storage.models import CaseEvent, OutboxEvent
from app.usecases.credentials import NEVER_ONLINE, offline_login, remember_online_login
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from app.usecases.numbers import remaining_numbers
from app.usecases.queries import case_detail
from app.usecases.sync_pull import (
    LeasedBlock,
    ProgressEntry,
    apply_progress,
    store_leased_block,
    years_needing_numbers,
)
from app.usecases.sync_state import (
    EventAnswer,
    event_statuses,
    list_attention,
    record_answers,
    resolve_attention,
    set_sync_setting,
    sync_overview,
    take_batch,
)
from tests.conftest import as_user
from tests.helpers import all_provided, find_item, person


def _accepted_case(ctx, clerk) -> str:
    g = find_item(ctx, "个体工商户设立登记")
    return intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT)).value.number


def _answer_all(batch, outcome="applied", except_=None):
    except_ = except_ or {}
    return [except_.get(e.event_id, EventAnswer(e.event_id, outcome)) for e in batch.events]


def test_a_batch_is_marked_sending_before_it_leaves_and_stays_so_until_answered(ctx, clerk) -> None:
    a, b = _accepted_case(ctx, clerk), _accepted_case(ctx, clerk)
    batch = take_batch(ctx, 10)
    assert [(e.case_number, e.kind) for e in batch.events] == [
        (a, "case.receive"), (a, "case.accept"), (b, "case.receive"), (b, "case.accept")]
    with ctx.read() as s:
        assert {r.status for r in s.scalars(select(OutboxEvent))} == {"sending"}
    # No answer came (the process died, the line dropped): the same events go again, same ids.
    again = take_batch(ctx, 10)
    assert [e.event_id for e in again.events] == [e.event_id for e in batch.events]
    assert all(e.attempts == 2 for e in again.events)
    summary = record_answers(ctx, again, _answer_all(again)).value
    assert summary.applied == 4 and sync_overview(ctx).queued == 0
    assert take_batch(ctx, 10).events == ()


def test_a_rejected_event_holds_its_case_only_until_a_person_resolves_it(ctx, clerk) -> None:
    a, b = _accepted_case(ctx, clerk), _accepted_case(ctx, clerk)
    batch = take_batch(ctx, 10)
    receive_a = next(e for e in batch.events if e.case_number == a and e.kind == "case.receive")
    accept_a = next(e for e in batch.events if e.case_number == a and e.kind == "case.accept")
    answers = _answer_all(batch, except_={
        receive_a.event_id: EventAnswer(receive_a.event_id, "rejected", "ITEM_SUSPENDED", "该事项已暂停"),
        accept_a.event_id: EventAnswer(accept_a.event_id, "rejected", "CASE_UNKNOWN", "办件不存在"),
    })
    summary = record_answers(ctx, batch, answers).value
    assert (summary.applied, summary.rejected, summary.held) == (2, 1, 1)
    assert event_statuses(ctx, b) == [("case.receive", "done", "applied"), ("case.accept", "done", "applied")]
    [item] = list_attention(ctx)
    assert (item.case_number, item.code, item.event_kind, item.held_events) == (a, "ITEM_SUSPENDED", "case.receive", 1)
    # Case b's later work goes; case a's accept waits behind its rejected receive.
    decision = _accepted_case(ctx, clerk)
    nxt = take_batch(ctx, 10)
    assert {e.case_number for e in nxt.events} == {decision}
    record_answers(ctx, nxt, _answer_all(nxt))
    assert sync_overview(ctx).attention == 1 and sync_overview(ctx).queued == 1

    with pytest.raises(RuleError) as denied:
        resolve_attention(ctx, clerk, item.item_id, "requeue")
    assert denied.value.code == "PERMISSION_DENIED"
    boss = as_user(ctx, "super01")
    resolve_attention(ctx, boss, item.item_id, "requeue", "事项已恢复")
    resent = take_batch(ctx, 10)
    assert [(e.case_number, e.kind) for e in resent.events] == [(a, "case.receive"), (a, "case.accept")]
    record_answers(ctx, resent, _answer_all(resent))
    [history] = list_attention(ctx, include_resolved=True)
    assert (history.resolution, history.resolved_by, history.resolution_note) == ("requeue", "super01", "事项已恢复")
    assert list_attention(ctx) == [] and sync_overview(ctx).queued == 0
    with ctx.read() as s:
        assert verify_chain(s).intact


def test_acknowledging_needs_a_note_and_releases_the_case(ctx, clerk) -> None:
    a = _accepted_case(ctx, clerk)
    batch = take_batch(ctx, 1)  # just the receive
    record_answers(ctx, batch, [EventAnswer(batch.events[0].event_id, "rejected", "X", "原因")])
    [item] = list_attention(ctx)
    boss = as_user(ctx, "super01")
    with pytest.raises(RuleError) as no_note:
        resolve_attention(ctx, boss, item.item_id, "acknowledge")
    assert no_note.value.code == "RESOLUTION_NOTE_REQUIRED"
    resolve_attention(ctx, boss, item.item_id, "acknowledge", "已电话告知市场监管局")
    assert [(e.case_number, e.kind) for e in take_batch(ctx, 10).events] == [(a, "case.accept")]
    with pytest.raises(RuleError) as twice:
        resolve_attention(ctx, boss, item.item_id, "requeue")
    assert twice.value.code == "ATTENTION_ALREADY_RESOLVED"


def test_progress_moves_a_case_to_awaiting_pickup_once_and_queues_nothing_back(ctx, clerk) -> None:
    n = _accepted_case(ctx, clerk)
    with ctx.read() as s:
        queued_before = len(s.scalars(select(OutboxEvent)).all())
    entries = [ProgressEntry(n, "in_progress", progress_id="1"), ProgressEntry(n, "concluded_approved", progress_id="2"),
               ProgressEntry(n, "certificate_ready", progress_id="3")]
    summary = apply_progress(ctx, entries, "3").value
    assert summary.moved == 3
    assert case_detail(ctx, clerk, n).state == "awaiting_pickup"
    again = apply_progress(ctx, entries, "3").value  # a replay changes nothing
    assert (again.moved, again.already) == (0, 3)
    with ctx.read() as s:
        assert len(s.scalars(select(OutboxEvent)).all()) == queued_before
        actors = {e.actor for e in s.scalars(select(CaseEvent).where(CaseEvent.action == "certificate_ready"))}
    assert actors == {"platform"}


def test_progress_that_skips_steps_goes_through_the_table(ctx, clerk) -> None:
    n = _accepted_case(ctx, clerk)
    s = apply_progress(ctx, [ProgressEntry(n, "certificate_ready", progress_id="9")], "9").value
    assert s.moved == 1 and case_detail(ctx, clerk, n).state == "awaiting_pickup"
    with ctx.read() as ses:
        steps = [e.action for e in ses.scalars(select(CaseEvent).where(CaseEvent.actor == "platform").order_by(CaseEvent.id))]
    assert steps == ["start_processing", "conclude_approved", "certificate_ready"]
    unknown = apply_progress(ctx, [ProgressEntry("620321202699999990", "in_progress")], "10").value
    assert unknown.unknown == 1


def test_low_mark_asks_for_a_block_and_the_first_platform_block_retires_demo_numbers(ctx, clock) -> None:
    set_sync_setting(ctx, SYSTEM, "number_low_mark", "50")
    assert years_needing_numbers(ctx) == [2026]  # only demo numbers so far: none official
    stored = store_leased_block(ctx, LeasedBlock(2026, 1001, 1100, "L1"))
    assert stored.value and stored.changes.numbers  # the views are told: the count in the status bar changed
    assert remaining_numbers(ctx) == 100  # the demo block is retired
    assert years_needing_numbers(ctx) == []
    assert store_leased_block(ctx, LeasedBlock(2026, 1001, 1100, "L1")).value is False  # idempotent
    clock.now = datetime(2026, 12, 20, 9, 0, tzinfo=clock.now.tzinfo)
    assert years_needing_numbers(ctx) == [2027]  # next year's prefix before New Year


def test_offline_login_only_after_an_online_one(ctx) -> None:
    with pytest.raises(RuleError) as never:
        offline_login(ctx, "newclerk", "secret123")
    assert never.value.code == NEVER_ONLINE and "联网" in never.value.message
    actor = remember_online_login(ctx, "newclerk", "secret123", "孙梅", "clerk", "5号窗")
    again = offline_login(ctx, "newclerk", "secret123")
    assert (again.clerk_id, again.display_name, again.role) == (actor.clerk_id, "孙梅", "clerk")
    with pytest.raises(RuleError) as wrong:
        offline_login(ctx, "newclerk", "wrong-password")
    assert wrong.value.code == "LOGIN_FAILED"

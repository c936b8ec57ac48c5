"""The intake save path writes its rows with Core statements and its audit records once, at the
seal (issue 15). What an auditor relies on must hold exactly as before: every case and party
row the save wrote is stated in the chain as stored, the chain stays linear with a second
program writing the same database, and a refused save leaves nothing — no row, no record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.case_states import Action, State
from app.config import Paths
from app.context import open_context
from app.rules.decisions import Tick
from app.rules.problems import RuleError
from app.storage.models import AuditRecord, Case, OutboxEvent, Party
from app.usecases.audit_integrity import verify_audit
from app.usecases.auth import login
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput, receive_case
from app.usecases.numbers import remaining_numbers
from app.usecases.setup import DEMO_PASSWORD
from tests.audit.support import tamper
from tests.helpers import all_provided, find_item, person, resident_id


def _counts(ctx) -> tuple[int, int, int, int]:  # noqa: ANN001
    with ctx.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Case, Party, OutboxEvent, AuditRecord))


def test_new_and_returning_applicants_agents_and_decisions_all_verify(ctx, clerk, data_dir) -> None:  # noqa: ANN001
    g = find_item(ctx, "个体工商户设立登记")
    ticks = all_provided(g)
    agent = person("王秀英", resident_id("620321", "19900315", "002"), "13993510000")
    receive_case(ctx, clerk, IntakeInput(g.item_id, person(), ticks))  # a new applicant
    # The same applicant with a new phone (her row is updated), with an agent who is new.
    receive_case(ctx, clerk, IntakeInput(g.item_id, person(phone="13800000001"), ticks, agent=agent,
                                         authorisation="委托办理个体工商户设立登记"))
    with ctx.read() as s:
        assert s.scalar(select(Party.phone).where(Party.name == "张桂兰")) == "13800000001"
    # Received and accepted in one transaction: the case is inserted, then moved.
    intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), ticks), Decision(Action.ACCEPT))
    report = verify_audit(ctx)
    assert report.ok, report.findings
    assert report.rows_checked == 3 + 2  # three cases, two people

    # An edit behind the app's back to the case that was inserted and moved in one go shows.
    with ctx.read() as s:
        moved = s.scalar(select(Case.id).where(Case.state == State.ACCEPTED.value))
    tamper(data_dir / "clerkdesk.db", f"UPDATE cases SET state = '{State.RECEIVED.value}' WHERE id = {moved}")
    report = verify_audit(ctx)
    assert not report.ok and any("办件" in f.message for f in report.findings), report.findings


def test_two_programs_saving_into_one_database_keep_one_chain(ctx, clerk, data_dir, clock) -> None:  # noqa: ANN001
    """A second window (another process) on the same database: each save chains after the
    other's last record, never after a head it remembered."""
    other = open_context(Paths(data_dir), clock=clock)
    try:
        other_clerk = login(other, "clerk01", DEMO_PASSWORD)
        g = find_item(ctx, "个体工商户设立登记")
        ticks = all_provided(g)
        for i in range(6):
            who, actor = (ctx, clerk) if i % 2 == 0 else (other, other_clerk)
            receive_case(who, actor, IntakeInput(g.item_id, person(id_number=resident_id("620321", "19700101", f"{i:03d}")),
                                                 ticks))
        report = verify_audit(ctx)
        assert report.ok, report.findings
        assert report.rows_checked == 6 + 6
        with ctx.read() as s:
            links = s.execute(select(AuditRecord.prev_hash, AuditRecord.hash).order_by(AuditRecord.seq)).all()
        assert all(b.prev_hash == a.hash for a, b in zip(links, links[1:], strict=False))
    finally:
        other.close()


def test_a_save_refused_after_its_rows_were_written_leaves_nothing(ctx, clerk) -> None:  # noqa: ANN001
    """The scanned page of a material is checked after the party, the case and the materials
    went in: the refusal rolls all of it back, and the next save chains as if it never was."""
    g = find_item(ctx, "个体工商户设立登记")
    ticks = all_provided(g)
    before, numbers_left = _counts(ctx), remaining_numbers(ctx)
    bad = [Tick(ticks[0].material_id, ticks[0].name, ticks[0].provided, 1, scans=("0" * 64,)), *ticks[1:]]
    with pytest.raises(RuleError) as err:
        receive_case(ctx, clerk, IntakeInput(g.item_id, person(), bad))
    assert err.value.problems[0].code == "SCAN_MISSING"
    assert _counts(ctx) == before
    assert remaining_numbers(ctx) == numbers_left  # the official number it took is not lost
    receive_case(ctx, clerk, IntakeInput(g.item_id, person(), ticks))
    assert remaining_numbers(ctx) == numbers_left - 1
    report = verify_audit(ctx)
    assert report.ok, report.findings
    assert _counts(ctx)[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)

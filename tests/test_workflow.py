"""The case workflow table as a clerk, a supervisor and the platform meet it: what each may do
next, what is refused and why, and what the table derives (events, progress, certificates)."""

from __future__ import annotations

import pytest

from app.actor import PLATFORM, SYSTEM, Actor
from app.case_states import (
    CASE_WORKFLOW,
    CERTIFICATE_STATES,
    FINAL,
    PLATFORM_ACTIONS,
    PROGRESS_TARGETS,
    Action,
    State,
)
from app.documents import DocumentKind
from app.events import EVENT_TYPES
from app.permissions import Perm, Role
from app.rules.problems import RuleError
from app.workflow import By, Owed, Step, Workflow

CLERK = Actor(1, "clerk01", "李晓燕", Role.CLERK)
STATION = Actor(2, "station01", "王建国", Role.STATION)
PICKUP = Actor(3, "pickup01", "张丽", Role.PICKUP)
ADMIN = Actor(5, "admin01", "陈工", Role.ADMIN)


def actions(state: State, actor: Actor) -> set[Action]:
    return {r.action for r in CASE_WORKFLOW.next_steps(state, actor)}


def test_a_clerk_at_a_received_case_is_offered_exactly_the_outcomes_of_law_32() -> None:
    # 行政许可法 第三十二条: accept, one-time notice, reject, correct on the spot (+ the applicant may withdraw).
    assert actions(State.RECEIVED, CLERK) == {Action.ACCEPT, Action.REQUEST_SUPPLEMENT, Action.REJECT,
                                              Action.CORRECT_ON_SPOT, Action.WITHDRAW}
    # Deemed acceptance is the law's, taken by the terminal, never offered as a button.
    assert Action.DEEM_ACCEPTED not in actions(State.RECEIVED, CLERK)


def test_each_role_sees_only_what_it_may_do() -> None:
    assert actions(State.RECEIVED, PICKUP) == set()
    assert actions(State.RECEIVED, ADMIN) == set()
    assert actions(State.AWAITING_PICKUP, PICKUP) == {Action.COLLECT, Action.MAIL, Action.PRINT_CERTIFICATE}
    assert actions(State.AWAITING_PICKUP, STATION) == {Action.PRINT_CERTIFICATE}  # no hand-over role
    # A station may not run special procedures (no CASE_PROCESS), a county clerk may — offered as
    # the special procedure itself (processing starts on the way, in the same transaction).
    assert actions(State.ACCEPTED, STATION) == {Action.WITHDRAW}
    assert actions(State.ACCEPTED, CLERK) == {Action.SUSPEND_CLOCK, Action.WITHDRAW}
    assert actions(State.SUSPENDED, CLERK) == {Action.RESUME_CLOCK}


def test_a_supplementation_returns_the_case_to_review_not_to_acceptance() -> None:
    assert actions(State.AWAITING_SUPPLEMENT, CLERK) == {Action.RESUBMIT, Action.WITHDRAW}
    assert CASE_WORKFLOW.next_state(State.AWAITING_SUPPLEMENT, Action.RESUBMIT) == State.RECEIVED


def test_a_move_not_in_the_table_is_refused_in_chinese() -> None:
    with pytest.raises(RuleError) as err:
        CASE_WORKFLOW.check(State.REJECTED, Action.ACCEPT, CLERK)
    assert err.value.code == "CASE_TRANSITION_NOT_ALLOWED"
    assert err.value.message == "办件当前状态为“不予受理”，不能执行“受理”。"


def test_who_may_take_a_step_is_part_of_the_row() -> None:
    with pytest.raises(RuleError) as err:
        CASE_WORKFLOW.check(State.IN_PROGRESS, Action.CONCLUDE_APPROVED, CLERK)
    assert err.value.code == "STEP_NOT_FOR_ACTOR" and "政务服务平台" in err.value.message
    with pytest.raises(RuleError) as err:
        CASE_WORKFLOW.check(State.RECEIVED, Action.ACCEPT, PLATFORM)
    assert err.value.code == "STEP_NOT_FOR_ACTOR"
    with pytest.raises(RuleError) as err:
        CASE_WORKFLOW.check(State.RECEIVED, Action.ACCEPT, SYSTEM)
    assert err.value.code == "STEP_NOT_FOR_ACTOR"
    with pytest.raises(RuleError) as err:
        CASE_WORKFLOW.check(State.RECEIVED, Action.ACCEPT, PICKUP)
    assert err.value.code == "PERMISSION_DENIED"
    assert CASE_WORKFLOW.check(State.RECEIVED, Action.DEEM_ACCEPTED, SYSTEM).to == State.ACCEPTED


def test_nothing_more_can_happen_to_a_final_case() -> None:
    assert FINAL == {State.REJECTED, State.WITHDRAWN, State.CONCLUDED_DENIED, State.DELIVERED, State.COLLECTED}
    # A mailed certificate is not done until the courier's delivery confirmation, and only the platform reports it.
    (out,) = CASE_WORKFLOW.rows_from(State.MAILED)
    assert out.to == State.DELIVERED and out.by == frozenset({By.PLATFORM}) and out.event is None
    assert CASE_WORKFLOW.next_steps(State.MAILED) == []  # no button offers it to a person
    for state in FINAL - CERTIFICATE_STATES:
        assert CASE_WORKFLOW.rows_from(state) == []
    # A collected certificate may still be reprinted, but the case goes nowhere.
    assert {r.to for r in CASE_WORKFLOW.rows_from(State.COLLECTED)} == {State.COLLECTED}


def test_every_state_can_be_reached_from_intake() -> None:
    start = CASE_WORKFLOW.creation()
    assert start.action == Action.RECEIVE and start.to == State.RECEIVED and start.perm == Perm.CASE_INTAKE
    seen, frontier = {start.to}, [start.to]
    while frontier:
        for r in CASE_WORKFLOW.rows_from(frontier.pop()):
            if r.to not in seen:
                seen.add(r.to)
                frontier.append(r.to)
    assert seen == set(State)


def test_every_event_a_row_sends_has_a_typed_payload_and_the_platform_steps_send_none() -> None:
    for row in CASE_WORKFLOW.steps:
        if row.event:
            assert row.event in EVENT_TYPES, f"{row.action} sends {row.event} without a typed payload"
        if row.by == frozenset({By.PLATFORM}):
            assert row.event_for(PLATFORM) is None
    assert CASE_WORKFLOW.step(State.SUSPENDED, Action.RESUME_CLOCK).event_for(CLERK) == "case.resume_clock"
    assert CASE_WORKFLOW.step(State.SUSPENDED, Action.RESUME_CLOCK).event_for(PLATFORM) is None


def test_documents_owed_come_from_the_rows() -> None:
    accept = CASE_WORKFLOW.step(State.RECEIVED, Action.ACCEPT)
    assert [o.kind for o in accept.documents] == [DocumentKind.ACCEPTANCE, DocumentKind.RECEIPT,
                                                    DocumentKind.TOLERANCE_COMMITMENT]
    assert Owed(DocumentKind.TOLERANCE_COMMITMENT, only_if="tolerated") in accept.documents
    assert [o.kind for o in CASE_WORKFLOW.step(State.RECEIVED, Action.REJECT).documents] == [DocumentKind.REJECTION]
    assert CERTIFICATE_STATES == {State.CONCLUDED_APPROVED, State.AWAITING_PICKUP, State.COLLECTED}


def test_progress_reports_map_to_the_platforms_own_steps() -> None:
    assert PROGRESS_TARGETS == {"in_progress": State.IN_PROGRESS, "concluded_approved": State.CONCLUDED_APPROVED,
                                "concluded_denied": State.CONCLUDED_DENIED, "certificate_ready": State.AWAITING_PICKUP,
                                "collected": State.COLLECTED, "mailed": State.MAILED, "delivered": State.DELIVERED}
    assert Action.ACCEPT not in PLATFORM_ACTIONS and Action.CERTIFICATE_READY in PLATFORM_ACTIONS
    # A late report of an earlier step changes nothing; a denied case is not "past" approval.
    assert CASE_WORKFLOW.is_past(State.AWAITING_PICKUP, State.IN_PROGRESS)
    assert not CASE_WORKFLOW.is_past(State.CONCLUDED_DENIED, State.CONCLUDED_APPROVED)
    assert not CASE_WORKFLOW.is_past(State.WITHDRAWN, State.IN_PROGRESS)
    assert CASE_WORKFLOW.is_past(State.DELIVERED, State.AWAITING_PICKUP)  # a late certificate_ready changes nothing


def test_a_table_with_two_rows_for_one_move_is_refused_when_built() -> None:
    row = Step(State.RECEIVED, Action.ACCEPT, State.ACCEPTED, Perm.CASE_DECIDE)
    with pytest.raises(ValueError, match="two rows"):
        Workflow("broken", (row, row), {State.RECEIVED: "x"}, {Action.ACCEPT: "y"})

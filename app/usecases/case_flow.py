"""The one path every case state change takes: the workflow row is checked (state, who,
permission), the case moves, a timeline entry is added, the deadlines are recomputed, and
the audit record and the platform event (the row's) are written in the same transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.case_states import CASE_WORKFLOW, CLOCK_RUNNING, PENDING_DECISION, Action, State
from app.events import EVENT_TYPES, to_wire
from app.rules.case_number import check_case_number
from app.rules.deadlines import ACCEPTANCE_LIMIT_DAYS, Suspension, compute_deadlines, yellow_date
from app.rules.problems import Problem, RuleError
from app.storage.models import Case, CaseEvent, ClockSuspension, ServiceItem
from app.unit_of_work import UnitOfWork
from app.workflow import Step


def load_case(s: Session, number: str) -> Case:
    n = check_case_number(number)
    case = s.scalars(select(Case).where(Case.number == n)).first()
    if case is None:
        raise RuleError(Problem("CASE_NOT_FOUND", f"没有编号为 {n} 的办件。", "number"))
    return case


def suspensions_of(s: Session, case_id: int) -> list[Suspension]:
    rows = s.scalars(select(ClockSuspension).where(ClockSuspension.case_id == case_id).order_by(ClockSuspension.id))
    return [Suspension(r.procedure, r.started_on, r.ended_on, r.limit_days) for r in rows]


def refresh_deadlines(uow: UnitOfWork, case: Case, item: ServiceItem | None = None,
                      suspensions: list[Suspension] | None = None) -> None:
    """`suspensions` may be given when known (a new case has none) to save a query."""
    s = uow.session
    item = item or s.get(ServiceItem, case.item_id)
    if suspensions is None:
        suspensions = suspensions_of(s, case.id)
    for name, value in deadline_columns(uow, State(case.state), case.round_received_on, case.accepted_on,
                                        item.committed_limit_days, item.legal_limit_days, suspensions).items():
        setattr(case, name, value)


def deadline_columns(uow: UnitOfWork, state: State, round_received_on: date, accepted_on: date | None,
                     committed_limit_days: int, legal_limit_days: int, suspensions: list[Suspension]) -> dict[str, object]:
    """The case's deadline columns for its state (also for a case not yet written: intake)."""
    cal = uow.calendar
    d = compute_deadlines(cal, round_received_on, accepted_on, committed_limit_days, legal_limit_days, suspensions,
                          uow.today)
    cols: dict[str, object] = {
        "acceptance_due": d.acceptance_due.date,
        "committed_due": d.committed_due.date if d.committed_due else None,
        "legal_due": d.legal_due.date if d.legal_due else None,
        "due_confirmed": all(x.confirmed for x in (d.acceptance_due, d.committed_due, d.legal_due) if x),
    }
    if state in PENDING_DECISION:
        cols["watch_due"] = cols["acceptance_due"]
        cols["watch_yellow_on"] = yellow_date(cal, round_received_on, ACCEPTANCE_LIMIT_DAYS)
    elif state in CLOCK_RUNNING and accepted_on and d.committed_due:
        cols["watch_due"] = cols["committed_due"]
        cols["watch_yellow_on"] = yellow_date(cal, accepted_on, committed_limit_days, d.suspended_days)
    else:
        # Awaiting the applicant, suspended, or done: no running deadline to warn about.
        cols["watch_due"] = None
        cols["watch_yellow_on"] = None
    return cols


def check_step(uow: UnitOfWork, case: Case | None, action: Action) -> Step[State, Action]:
    """The workflow row for `action` on `case` (None: creating one), if the actor may take it."""
    return CASE_WORKFLOW.check(case.state if case is not None else None, action, uow.actor)


def apply_transition(uow: UnitOfWork, case: Case, action: Action, note: str = "", **detail: object) -> Step[State, Action]:
    """Move `case` by `action` as the unit of work's actor. The row names the platform event;
    its typed data (app/events.py) takes the extra fields from `detail`. A step the platform
    itself reported is audited like any other but never queued back to it."""
    row = check_step(uow, case, action)
    before = State(case.state)
    case.state = row.to.value
    case.updated_at = uow.now
    refresh_deadlines(uow, case)
    kind = row.event_for(uow.actor)
    if kind:
        wire = uow.send(case.number, EVENT_TYPES[kind](from_=before.value, to=row.to.value, round=case.round,
                                                       note=note, **detail))
    else:
        wire = {"from": before.value, "to": row.to.value, "round": case.round, "note": note,
                **{k: to_wire(v) for k, v in detail.items()}}
        uow.audit(f"case.{action.value}", "case", case.number, wire)
    timeline = {k: v for k, v in wire.items() if k not in ("from", "to", "round", "note")}
    uow.session.add(CaseEvent(case_id=case.id, at=uow.now, actor=uow.actor.username, action=action.value,
                              from_state=before.value, to_state=row.to.value, note=note, detail=timeline))
    uow.changes.case(case.number)
    return row

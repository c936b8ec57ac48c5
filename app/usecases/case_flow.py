"""The one path every case state change takes: check the transition table, move the case,
add a timeline entry, recompute the deadlines, and record audit + outbox in the same
transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.case_states import CLOCK_RUNNING, PENDING_DECISION, Action, State, next_state
from app.context import AppContext
from app.rules.case_number import check_case_number
from app.rules.deadlines import ACCEPTANCE_LIMIT_DAYS, Suspension, compute_deadlines, yellow_date
from app.rules.problems import Problem, RuleError
from app.storage.models import Case, CaseEvent, ClockSuspension, ServiceItem
from app.usecases.recording import record


def load_case(s: Session, number: str) -> Case:
    n = check_case_number(number)
    case = s.scalars(select(Case).where(Case.number == n)).first()
    if case is None:
        raise RuleError(Problem("CASE_NOT_FOUND", f"没有编号为 {n} 的办件。", "number"))
    return case


def suspensions_of(s: Session, case_id: int) -> list[Suspension]:
    rows = s.scalars(select(ClockSuspension).where(ClockSuspension.case_id == case_id).order_by(ClockSuspension.id))
    return [Suspension(r.procedure, r.started_on, r.ended_on, r.limit_days) for r in rows]


def refresh_deadlines(
    s: Session, ctx: AppContext, case: Case, item: ServiceItem | None = None, suspensions: list[Suspension] | None = None
) -> None:
    """`suspensions` may be given when known (a new case has none) to save a query."""
    item = item or s.get(ServiceItem, case.item_id)
    today = ctx.today()
    if suspensions is None:
        suspensions = suspensions_of(s, case.id)
    d = compute_deadlines(
        ctx.calendar, case.round_received_on, case.accepted_on, item.committed_limit_days, item.legal_limit_days,
        suspensions, today,
    )
    case.acceptance_due = d.acceptance_due.date
    case.committed_due = d.committed_due.date if d.committed_due else None
    case.legal_due = d.legal_due.date if d.legal_due else None
    case.due_confirmed = all(x.confirmed for x in (d.acceptance_due, d.committed_due, d.legal_due) if x)
    state = State(case.state)
    if state in PENDING_DECISION:
        case.watch_due = case.acceptance_due
        case.watch_yellow_on = yellow_date(ctx.calendar, case.round_received_on, ACCEPTANCE_LIMIT_DAYS)
    elif state in CLOCK_RUNNING and case.accepted_on and d.committed_due:
        case.watch_due = case.committed_due
        case.watch_yellow_on = yellow_date(ctx.calendar, case.accepted_on, item.committed_limit_days, d.suspended_days)
    else:
        # Awaiting the applicant, suspended, or done: no running deadline to warn about.
        case.watch_due = None
        case.watch_yellow_on = None


def apply_transition(
    s: Session,
    ctx: AppContext,
    actor: str,
    case: Case,
    action: Action,
    note: str = "",
    detail: dict | None = None,
    on: date | None = None,
    notify_platform: bool = True,
) -> State:
    """`notify_platform=False` for a step the platform itself reported (case progress): it is
    audited like any other, but not queued back to the platform that sent it."""
    before = State(case.state)
    after = next_state(before, action)
    now = ctx.now()
    case.state = after.value
    case.updated_at = now
    detail = dict(detail or {})
    s.add(CaseEvent(case_id=case.id, at=now, actor=actor, action=action.value, from_state=before.value,
                    to_state=after.value, note=note, detail=detail))
    refresh_deadlines(s, ctx, case)
    payload = {"from": before.value, "to": after.value, "round": case.round, "note": note, **detail}
    if on is not None:
        payload["effective_on"] = on.isoformat()
    record(s, ctx, actor, f"case.{action.value}", "case", case.number, payload,
           event_kind=f"case.{action.value}" if notify_platform else None, case_number=case.number)
    return after

"""Finding cases again: today's, mine, awaiting supplementation, near or past deadline,
by number, by applicant ID or name; and one case with its timeline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar, cast

from sqlalchemy import Select, and_, func, or_, select

from app.actor import PLATFORM, SYSTEM, Actor
from app.case_states import CASE_WORKFLOW, CLOCK_RUNNING, PENDING_DECISION, STATE_LABELS, State
from app.context import AppContext
from app.documents import MaterialLine, PartySnapshot
from app.permissions import Perm, can
from app.rules.case_number import normalise_case_number
from app.rules.deadlines import DeadlineLevel, Suspension, suspension_overrun
from app.rules.problems import RuleError
from app.rules.text import mask_id_number, mask_personal_data, mask_phone
from app.storage.models import Case, CaseEvent, Clerk, ClockSuspension, MaterialSubmission, Party, ServiceItem
from app.usecases.case_flow import load_case
from app.usecases.numbers import remaining_numbers

WATCHED_STATES = [s.value for s in PENDING_DECISION | CLOCK_RUNNING]


class CaseFilter(StrEnum):
    TODAY = "today"
    MINE = "mine"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    AWAITING_PICKUP = "awaiting_pickup"  # 待领取: the pick-up desk's list
    NEAR_DEADLINE = "near_deadline"  # yellow or red
    OVERDUE = "overdue"
    ALL = "all"


FILTER_LABELS = {
    CaseFilter.TODAY: "今日收件",
    CaseFilter.MINE: "我经办的",
    CaseFilter.AWAITING_SUPPLEMENT: "待补正",
    CaseFilter.AWAITING_PICKUP: "待领取",
    CaseFilter.NEAR_DEADLINE: "临期/超期",
    CaseFilter.OVERDUE: "已超期",
    CaseFilter.ALL: "全部",
}


@dataclass(frozen=True)
class CaseRow:
    number: str
    item_name: str
    applicant_name: str
    applicant_id_masked: str  # a list shows many citizens at once: never the whole number
    state: str
    state_label: str
    received_at: datetime
    watch_due: date | None
    level: DeadlineLevel
    due_confirmed: bool
    clerk_name: str
    supplement_due: date | None = None  # while 待补正: what the one-time notice asked for


def level_of(watch_due: date | None, watch_yellow_on: date | None, today: date) -> DeadlineLevel:
    if watch_due is None:
        return DeadlineLevel.NONE
    if today > watch_due:
        return DeadlineLevel.RED
    if watch_yellow_on is not None and today >= watch_yellow_on:
        return DeadlineLevel.YELLOW
    return DeadlineLevel.NONE


def _base() -> Select:
    return (
        select(Case.number, ServiceItem.name, Party.name, Party.id_number, Case.state, Case.received_at, Case.watch_due,
               Case.watch_yellow_on, Case.due_confirmed, Clerk.display_name, Case.supplement_due)
        .join(ServiceItem, ServiceItem.id == Case.item_id)
        .join(Party, Party.id == Case.applicant_id)
        .join(Clerk, Clerk.id == Case.clerk_id)
    )


def _prefix_range(column, prefix: str):  # noqa: ANN001, ANN202
    """`column` starts with `prefix`, as a range the column's index can serve (LIKE cannot)."""
    return and_(column >= prefix, column < prefix + "\uffff")


def _search_clause(text: str):  # noqa: ANN202
    """A case number (whole, or its first digits), an applicant's or agent's ID number, or
    the start of a name. Every branch is an indexed lookup on `cases`, so SQLite answers
    the OR by uniting index probes instead of scanning a million cases."""
    t = text.strip()
    norm = normalise_case_number(t)
    people = select(Party.id).where(_prefix_range(Party.name, t))
    clauses = [Case.applicant_id.in_(people)]
    if norm:
        ids = select(Party.id).where(Party.id_number == norm)
        clauses += [Case.number == norm, Case.applicant_id.in_(ids), Case.agent_id.in_(ids)]
        if norm.isdigit() and 6 <= len(norm) < 18:
            clauses.append(_prefix_range(Case.number, norm))
    return or_(*clauses)


def list_cases(ctx: AppContext, actor: Actor, which: CaseFilter, text: str = "", limit: int = 500) -> list[CaseRow]:
    actor.require(Perm.CASE_VIEW)
    today = ctx.today()
    q = _base()
    if which == CaseFilter.TODAY:
        # A range of the index the list is sorted by (ix_cases_received_at; migration 0015).
        q = q.where(Case.received_at >= datetime.combine(today, time()),
                    Case.received_at < datetime.combine(today + timedelta(days=1), time()))
    elif which == CaseFilter.MINE:
        q = q.where(Case.clerk_id == actor.clerk_id)
    elif which == CaseFilter.AWAITING_SUPPLEMENT:
        q = q.where(Case.state == State.AWAITING_SUPPLEMENT.value)
    elif which == CaseFilter.AWAITING_PICKUP:
        q = q.where(Case.state == State.AWAITING_PICKUP.value)
    elif which == CaseFilter.NEAR_DEADLINE:
        q = q.where(Case.watch_yellow_on <= today, Case.state.in_(WATCHED_STATES))
    elif which == CaseFilter.OVERDUE:
        q = q.where(and_(Case.watch_due < today, Case.state.in_(WATCHED_STATES)))
    if text.strip():
        q = q.where(_search_clause(text))
    # Deadlines first where the deadline is the point; the oldest certificate first at the pick-up desk.
    order = (Case.watch_due.asc() if which in (CaseFilter.NEAR_DEADLINE, CaseFilter.OVERDUE)
             else Case.updated_at.asc() if which == CaseFilter.AWAITING_PICKUP else Case.received_at.desc())
    rows = ctx_rows(ctx, q.order_by(order).limit(limit))
    return [
        CaseRow(r[0], r[1], r[2], mask_id_number(r[3]), r[4], STATE_LABELS[State(r[4])], r[5], r[6],
                level_of(r[6], r[7], today), r[8], r[9], r[10])
        for r in rows
    ]


def ctx_rows(ctx: AppContext, q: Select) -> list:
    with ctx.read() as s:
        return s.execute(q).all()


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str  # the username stored with the step
    action: str
    from_state: str
    to_state: str
    note: str
    detail: dict
    actor_name: str = ""  # as people know them: the clerk's display name, 本终端系统, 政务服务平台


@dataclass(frozen=True)
class CaseDetail:
    number: str
    item_id: int
    item_name: str
    item_code: str
    department: str
    state: str
    state_label: str
    round: int
    channel: str
    applicant: PartySnapshot
    agent: PartySnapshot | None
    authorisation: str
    clerk_name: str
    window_no: str
    received_at: datetime
    accepted_on: date | None
    acceptance_basis: str
    acceptance_due: date
    committed_due: date | None
    legal_due: date | None
    due_confirmed: bool
    level: DeadlineLevel
    reject_reason: str
    competent_agency: str
    remedy: str
    suspensions: tuple[tuple[str, int, date, date | None, bool], ...]  # procedure, limit, start, end, overrun
    submissions: tuple[MaterialLine, ...]  # every round's, in order
    timeline: tuple[TimelineEntry, ...]
    next_actions: tuple[str, ...]


def _party(p: Party | None, whole: bool = True) -> PartySnapshot | None:
    """`whole` False: for someone who may look the case up but does not serve the applicant
    (DESIGN §6a, shown only where the task needs it): a person's number and phone masked, no
    address. An organisation's credit code is public and stays whole."""
    if p is None:
        return None
    snap = PartySnapshot.of(p)
    if whole:
        return snap
    number = snap.id_number if snap.kind == "organisation" else mask_id_number(snap.id_number)
    return replace(snap, id_number=number, phone=mask_phone(snap.phone), address="")


_T = TypeVar("_T")


def _masked_text(value: _T) -> _T:
    """Every ID and phone number in free text (a note, the authorisation) or a step's detail (a
    补正 note, a reason), at any depth. Typed as given: a string stays a string (a tuple comes
    back a list, as JSON would have it)."""
    if isinstance(value, str):
        return cast(_T, mask_personal_data(value))
    if isinstance(value, dict):
        return cast(_T, {k: _masked_text(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return cast(_T, [_masked_text(v) for v in value])
    return value


def case_detail(ctx: AppContext, actor: Actor, number: str) -> CaseDetail:
    actor.require(Perm.CASE_VIEW)
    with ctx.read() as s:
        case = load_case(s, number)
        item = s.get(ServiceItem, case.item_id)
        clerk = s.get(Clerk, case.clerk_id)
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
        subs = s.scalars(select(MaterialSubmission).where(MaterialSubmission.case_id == case.id)
                         .order_by(MaterialSubmission.round, MaterialSubmission.id)).all()
        susp = s.scalars(select(ClockSuspension).where(ClockSuspension.case_id == case.id).order_by(ClockSuspension.id)).all()
        # Result has keys(), so dict() would take it for a mapping: hand it the rows.
        names = {a.username: a.display_name for a in (SYSTEM, PLATFORM)} | dict(s.execute(
            select(Clerk.username, Clerk.display_name).where(Clerk.username.in_({e.actor for e in events}))).all())
        whole = can(actor.role, Perm.PERSONAL_DATA)
        shown = (lambda value: value) if whole else _masked_text  # free text may hold a number too
        return CaseDetail(
            number=case.number, item_id=item.id, item_name=item.name, item_code=item.implementation_code,
            department=item.department, state=case.state, state_label=STATE_LABELS[State(case.state)], round=case.round,
            channel=case.channel, applicant=_party(s.get(Party, case.applicant_id), whole),
            agent=_party(s.get(Party, case.agent_id) if case.agent_id else None, whole),
            authorisation=shown(case.authorisation),
            clerk_name=clerk.display_name, window_no=case.window_no, received_at=case.received_at,
            accepted_on=case.accepted_on, acceptance_basis=case.acceptance_basis, acceptance_due=case.acceptance_due,
            committed_due=case.committed_due, legal_due=case.legal_due, due_confirmed=case.due_confirmed,
            level=level_of(case.watch_due, case.watch_yellow_on, ctx.today()), reject_reason=case.reject_reason,
            competent_agency=case.competent_agency, remedy=case.remedy,
            suspensions=tuple(
                (x.procedure, x.limit_days, x.started_on, x.ended_on,
                 suspension_overrun(ctx.calendar, Suspension(x.procedure, x.started_on, x.ended_on, x.limit_days), ctx.today()))
                for x in susp
            ),
            submissions=tuple(MaterialLine.of(x, round=x.round) for x in subs),
            timeline=tuple(TimelineEntry(e.at, e.actor, e.action, e.from_state, e.to_state, shown(e.note),
                                         shown(e.detail), names.get(e.actor) or e.actor) for e in events),
            # What this person may do next: the workflow's rows from this state, by permission.
            next_actions=tuple(r.action.value for r in CASE_WORKFLOW.next_steps(case.state, actor)),
        )


@dataclass(frozen=True)
class StatusSummary:
    overdue: int
    near_deadline: int
    awaiting_supplement: int
    numbers_left: int  # official numbers this terminal can still issue offline this year


def status_summary(ctx: AppContext) -> StatusSummary:
    today = ctx.today()
    numbers_left = remaining_numbers(ctx)
    with ctx.read() as s:
        def count(*where) -> int:  # noqa: ANN002
            return s.scalar(select(func.count()).select_from(Case).where(*where)) or 0
        return StatusSummary(
            overdue=count(Case.watch_due < today, Case.state.in_(WATCHED_STATES)),
            near_deadline=count(Case.watch_yellow_on <= today, Case.state.in_(WATCHED_STATES)),
            awaiting_supplement=count(Case.state == State.AWAITING_SUPPLEMENT.value),
            numbers_left=numbers_left,
        )


def lookup_case(ctx: AppContext, actor: Actor, text: str) -> str | None:
    """Exact lookup for the pick-up desk: a case number (check character verified) or None."""
    actor.require(Perm.CASE_VIEW)
    try:
        with ctx.read() as s:
            return load_case(s, text).number
    except RuleError:
        return None



"""The simulated back office (业务部门): an accepted case moves on, one step per
`back_office_delay_seconds`, to 办理中, then 办结 (approved, or not for a share of cases),
then — when approved — certificate ready for pick-up. Each step is a progress update the
case's terminal pulls. A case in a special procedure (suspended) waits until it resumes."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.auth import Principal
from sandbox.events import denied
from sandbox.paging import parse_cursor
from sandbox.store import PlatformCase, ProgressRow
from sync.contract import PROGRESS_STEP_LABELS, ProgressPage, ProgressUpdate

_MAX_ROUNDS = 4  # accepted → in_progress → concluded → certificate ready: at most 3 steps per case


def _next_step(case: PlatformCase, denial_share: float) -> tuple[str, str] | None:
    """(new state, progress step) the back office takes next, or None if it has nothing to do."""
    if case.state == "accepted":
        return "in_progress", "in_progress"
    if case.state == "in_progress":
        return ("concluded_denied", "concluded_denied") if denied(case.case_number, denial_share) else (
            "concluded_approved", "concluded_approved")
    if case.state == "concluded_approved":
        return "awaiting_pickup", "certificate_ready"
    return None


def advance_due_cases(s: Session, delay_seconds: float, denial_share: float) -> int:
    """Take every step that is due now; with no delay a case goes all the way at once.
    Returns the number of steps taken."""
    taken = 0
    for _ in range(_MAX_ROUNDS):
        now = clock.now()
        due = s.scalars(select(PlatformCase).where(PlatformCase.office_due_at.is_not(None),
                                                   PlatformCase.office_due_at <= clock.stored(now))).all()
        if not due:
            break
        for case in due:
            step = _next_step(case, denial_share)
            if step is None:
                if case.state != "suspended":  # a suspended case gets a new due time when it resumes
                    case.office_due_at = None
                continue
            case.state = step[0]
            case.office_due_at = clock.stored(now + timedelta(seconds=delay_seconds))
            s.add(ProgressRow(progress_id=str(uuid.uuid4()), case_number=case.case_number,
                              terminal_id=case.terminal_id, step=step[1], at=clock.stored(now),
                              note=f"业务部门：{PROGRESS_STEP_LABELS[step[1]]}"))
            taken += 1
        s.flush()
        if delay_seconds > 0:
            break
    return taken


def bring_forward(s: Session, delay_seconds: float) -> int:
    """A shorter delay applies to steps already scheduled too (a trainer speeding things up)."""
    latest = clock.stored(clock.now() + timedelta(seconds=delay_seconds))
    return s.execute(update(PlatformCase).where(PlatformCase.office_due_at > latest)
                     .values(office_due_at=latest)).rowcount


def progress_page(s: Session, who: Principal, since: str, limit: int) -> ProgressPage:
    """Steps after the cursor, oldest first, of the cases the terminal is entitled to
    (sandbox.enrolment.entitled, as one query)."""
    after = parse_cursor(since)
    mine = ProgressRow.terminal_id.in_(who.own_ids)
    if who.hall:
        hall_rule = PlatformCase.handed_to_hall == who.hall
        if who.desk == "pickup":
            hall_rule = or_(hall_rule, PlatformCase.hall == who.hall)
        mine = or_(mine, ProgressRow.case_number.in_(select(PlatformCase.case_number).where(hall_rule)))
    rows = s.scalars(select(ProgressRow).where(ProgressRow.seq > after, mine)
                     .order_by(ProgressRow.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    updates = [ProgressUpdate(progress_id=r.progress_id, case_number=r.case_number, step=r.step,
                              at=clock.loaded(r.at), note=r.note) for r in rows]
    return ProgressPage(updates=updates, next_cursor=str(rows[-1].seq) if rows else since, has_more=more)

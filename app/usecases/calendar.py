"""The platform's holiday calendar for a year overrides the package default."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.case_states import FINAL, State
from app.changes import Changes, OpResult
from app.context import AppContext
from app.permissions import Perm
from app.rules.workdays import calendar_to_file, parse_calendar_file
from app.storage.models import CalendarYear, Case
from app.usecases.case_flow import refresh_deadlines
from app.usecases.recording import record


def _store(s: Session, ctx: AppContext, data: dict, source: str) -> int:
    cal = parse_calendar_file(data)
    row = s.get(CalendarYear, cal.year)
    if row is None:
        s.add(CalendarYear(year=cal.year, data=calendar_to_file(cal), source=source, received_at=ctx.now()))
    else:
        row.data, row.source, row.received_at = calendar_to_file(cal), source, ctx.now()
    return cal.year


def import_calendar(ctx: AppContext, actor: Actor | None, data: dict, source: str = "platform") -> OpResult[int]:
    """Store the year's official calendar and recompute every open case whose deadlines it
    touches: a deadline counted on weekends only becomes the official one."""
    if actor is not None:
        actor.require(Perm.CALENDAR_IMPORT)
    with ctx.unit_of_work() as s:
        year = _store(s, ctx, data, source)
    ctx.reload_calendar()
    with ctx.unit_of_work() as s:
        touched = _refresh_open_cases(s, ctx, year)
        record(s, ctx, actor.username if actor else "admin", "calendar.import", "calendar", str(year),
               {"source": source, "cases_recomputed": len(touched)})
    return OpResult(year, Changes(cases=frozenset(touched)))


def _refresh_open_cases(s: Session, ctx: AppContext, year: int) -> list[str]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    open_states = [st.value for st in State if st not in FINAL]
    in_year = or_(*(and_(col >= start, col <= end) for col in (Case.acceptance_due, Case.committed_due, Case.legal_due)))
    cases = s.scalars(select(Case).where(Case.state.in_(open_states), or_(Case.due_confirmed.is_(False), in_year))).all()
    for case in cases:
        refresh_deadlines(s, ctx, case)
    return [c.number for c in cases]

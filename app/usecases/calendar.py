"""The platform's holiday calendar for a year overrides the package default."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select

from app.actor import Actor
from app.case_states import FINAL, State
from app.changes import OpResult
from app.context import AppContext
from app.permissions import Perm
from app.rules.workdays import calendar_to_file, parse_calendar_file
from app.storage.models import CalendarYear, Case
from app.unit_of_work import UnitOfWork
from app.usecases.case_flow import refresh_deadlines


def _store(uow: UnitOfWork, data: dict, source: str) -> int:
    cal = parse_calendar_file(data)
    row = uow.session.get(CalendarYear, cal.year)
    if row is None:
        row = CalendarYear(year=cal.year)
    row.data, row.source, row.received_at = calendar_to_file(cal), source, uow.now
    uow.put_calendar_year(row)
    return cal.year


def import_calendar(ctx: AppContext, actor: Actor, data: dict, source: str = "platform") -> OpResult[int]:
    """Store the year's official calendar and recompute every open case whose deadlines it
    touches (one transaction: the unit of work's calendar already counts the new year), so a
    deadline counted on weekends only becomes the official one."""
    actor.require(Perm.CALENDAR_IMPORT)
    with ctx.unit_of_work(actor) as uow:
        year = _store(uow, data, source)
        touched = _refresh_open_cases(uow, year)
        uow.audit("calendar.import", "calendar", str(year), {"source": source, "cases_recomputed": len(touched)})
    return OpResult(year, uow.changes.freeze())


def _refresh_open_cases(uow: UnitOfWork, year: int) -> list[str]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    open_states = [st.value for st in State if st not in FINAL]
    in_year = or_(*(and_(col >= start, col <= end) for col in (Case.acceptance_due, Case.committed_due, Case.legal_due)))
    cases = uow.session.scalars(select(Case).where(Case.state.in_(open_states), or_(Case.due_confirmed.is_(False), in_year))).all()
    for case in cases:
        refresh_deadlines(uow, case)
        uow.changes.case(case.number)
    return [c.number for c in cases]

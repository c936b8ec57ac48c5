"""The platform's holiday calendar for a year overrides the package default."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.actor import Actor
from app.changes import Changes, OpResult
from app.context import AppContext
from app.permissions import Perm
from app.rules.workdays import calendar_to_file, parse_calendar_file
from app.storage.models import CalendarYear
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
    if actor is not None:
        actor.require(Perm.CALENDAR_IMPORT)
    with ctx.unit_of_work() as s:
        year = _store(s, ctx, data, source)
        record(s, ctx, actor.username if actor else "admin", "calendar.import", "calendar", str(year), {"source": source})
    ctx.reload_calendar()
    return OpResult(year, Changes(cases=frozenset()))

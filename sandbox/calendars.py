"""Holiday calendars the platform publishes (clerkdesk.calendar/v1): by default the official
calendar from the chinese-calendar package, for every year it knows; files in --calendar-dir
(one year each) take precedence, so a trainer can publish next year's calendar early."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar

from sync.contract import CalendarFile


@cache
def _package_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays)


def package_calendar(year: int) -> CalendarFile | None:
    """Weekdays off and weekend days worked in `year`, or None if the package does not know it."""
    if year not in _package_years():
        return None
    holidays, workdays = [], []
    day = date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        if day.weekday() >= 5 and working:
            workdays.append(day)
        elif day.weekday() < 5 and not working:
            holidays.append(day)
        day += timedelta(days=1)
    return CalendarFile(year=year, holidays=holidays, workdays=workdays)


class Calendars:
    def __init__(self, calendar_dir: Path | None = None):
        self._files: dict[int, CalendarFile] = {}
        for path in sorted(calendar_dir.glob("*.json")) if calendar_dir else []:
            cal = CalendarFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
            self._files[cal.year] = cal
        self._cache: dict[int, CalendarFile | None] = {}

    def for_year(self, year: int) -> CalendarFile | None:
        if year in self._files:
            return self._files[year]
        if year not in self._cache:
            self._cache[year] = package_calendar(year)
        return self._cache[year]

    def years(self) -> list[int]:
        return sorted(set(self._files) | _package_years())

"""Working days on the official Chinese calendar (法定节假日 and 调休上班).

Time limits in 行政许可 are counted in working days (行政许可法 第八十二条), so every due date
depends on the State Council's yearly holiday notice. The chinese-calendar package is the
default source; a calendar file sent by the platform overrides it for its year. A year with
neither is counted Monday–Friday and every date reaching into it is marked unconfirmed,
because the real notice may move it.

Per year we precompute the sorted ordinals of its working days once, so counting and adding
are a couple of binary searches per year touched instead of a day-by-day walk.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import chinese_calendar

from app.rules.problems import Problem, RuleError

CALENDAR_SCHEMA = "clerkdesk.calendar/v1"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # strict: fromisoformat also takes "20270101" etc.


@dataclass(frozen=True)
class YearCalendar:
    """One year's official calendar, stored as the exceptions to Monday–Friday."""

    year: int
    holidays: frozenset[dt.date]  # weekdays that are off (法定节假日)
    workdays: frozenset[dt.date]  # weekend days that are working (调休上班)
    source: str = "platform"  # "platform" | "chinese-calendar"


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    confirmed: bool  # False if any year from start to due has no official calendar


# --- the chinese-calendar package ---------------------------------------------------------


@lru_cache(maxsize=1)
def package_years() -> frozenset[int]:
    """Years the installed chinese-calendar knows, derived from its data, never hard-coded.

    The package accepts [min, max] of its holiday table; we also require the year to have
    entries, so a gap in its data cannot pass as a year with no holidays at all.
    """
    # The package lists every holiday day (weekends included), so each year it knows has entries.
    known = {d.year for d in chinese_calendar.holidays}
    if not known:
        return frozenset()
    low, high = min(known), max(known)  # the range its is_workday accepts
    return frozenset(y for y in range(low, high + 1) if y in known)


@cache
def package_calendar(year: int) -> YearCalendar | None:
    """The package's calendar for `year` in our shape, or None if it does not cover it."""
    if year not in package_years():
        return None
    holidays, workdays = set(), set()
    for day in _days_of(year):
        # Ask through the public is_workday so package-internal layout changes cannot bite.
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:
            return None
        weekend = day.weekday() >= 5
        if weekend and working:
            workdays.add(day)
        elif not weekend and not working:
            holidays.add(day)
    return YearCalendar(year, frozenset(holidays), frozenset(workdays), source="chinese-calendar")


# --- calendar files from the platform -----------------------------------------------------


def _bad(code: str, message: str, field: str = "") -> Problem:
    return Problem(code, message, field)


def _parse_dates(raw: object, key: str, year: int | None, problems: list[Problem]) -> list[dt.date]:
    label = "放假日期" if key == "holidays" else "调休上班日期"
    if not isinstance(raw, list):
        problems.append(_bad("CALENDAR_INVALID", f"日历文件中的{label}应为日期列表。", key))
        return []
    out = []
    for item in raw:
        if not isinstance(item, str) or not _ISO_DATE.fullmatch(item):
            problems.append(_bad("CALENDAR_DATE_FORMAT", f"{label}“{item}”格式不正确，应为YYYY-MM-DD。", key))
            continue
        try:
            day = dt.date.fromisoformat(item)
        except ValueError:
            problems.append(_bad("CALENDAR_DATE_FORMAT", f"{label}“{item}”不是有效日期。", key))
            continue
        if year is not None and day.year != year:
            problems.append(
                _bad("CALENDAR_DATE_OUTSIDE_YEAR", f"{label}“{item}”不在日历年度{year}年内。", key)
            )
            continue
        out.append(day)
    return out


def parse_calendar_file(data: dict) -> YearCalendar:
    """A platform calendar file as a YearCalendar, or RuleError listing every problem.

    Refused: wrong schema, bad year, malformed dates, dates outside the year, a date in both
    lists, a 调休上班 date that is Monday–Friday (it would be a working day anyway, so it is a
    typo for some weekend date), and a year with no weekday holiday at all (impossible under
    全国年节及纪念日放假办法, so the file is truncated).
    Accepted and dropped: weekend days listed as holidays, because the official notices (and
    chinese-calendar) list whole holiday spans such as 10月1日至8日 including the weekend.
    Duplicates are harmless and accepted.
    """
    if not isinstance(data, dict):
        raise RuleError(_bad("CALENDAR_INVALID", "日历文件内容不是有效的对象。"))
    problems: list[Problem] = []
    if data.get("schema") != CALENDAR_SCHEMA:
        problems.append(
            _bad("CALENDAR_SCHEMA", f"日历文件格式版本不符，应为{CALENDAR_SCHEMA}。", "schema")
        )
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not dt.MINYEAR < year < dt.MAXYEAR:
        problems.append(_bad("CALENDAR_YEAR", "日历文件的年度缺失或无效。", "year"))
        year = None
    for key in ("holidays", "workdays"):
        if key not in data:
            problems.append(_bad("CALENDAR_INVALID", f"日历文件缺少“{key}”列表。", key))
    holidays = _parse_dates(data.get("holidays", []), "holidays", year, problems)
    workdays = _parse_dates(data.get("workdays", []), "workdays", year, problems)

    for day in sorted(set(holidays) & set(workdays)):
        problems.append(
            _bad("CALENDAR_DATE_CONFLICT", f"{day.isoformat()}同时列为放假和调休上班，请核对。", "workdays")
        )
    for day in sorted(set(workdays)):
        if day.weekday() < 5:
            problems.append(
                _bad(
                    "CALENDAR_WORKDAY_NOT_WEEKEND",
                    f"调休上班日期{day.isoformat()}是工作日（周一至周五），应为周六或周日，请核对。",
                    "workdays",
                )
            )
    weekday_holidays = frozenset(d for d in holidays if d.weekday() < 5)
    if year is not None and "holidays" in data and not weekday_holidays and not problems:
        problems.append(
            _bad("CALENDAR_NO_HOLIDAYS", f"{year}年日历没有任何工作日放假，文件可能不完整。", "holidays")
        )
    if problems:
        raise RuleError(problems)
    assert year is not None  # for the type checker: a bad year always adds a problem
    return YearCalendar(year, weekday_holidays, frozenset(workdays), source="platform")


def calendar_to_file(cal: YearCalendar) -> dict:
    """Inverse of parse_calendar_file (dates sorted, so the output is stable)."""
    return {
        "schema": CALENDAR_SCHEMA,
        "year": cal.year,
        "holidays": [d.isoformat() for d in sorted(cal.holidays)],
        "workdays": [d.isoformat() for d in sorted(cal.workdays)],
    }


# --- counting -----------------------------------------------------------------------------


def _days_of(year: int) -> Iterable[dt.date]:
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    return (dt.date.fromordinal(o) for o in range(first, last + 1))


def _as_date(value: dt.date) -> dt.date:
    # datetime is a subclass of date; keep results plain dates.
    return value.date() if isinstance(value, dt.datetime) else value


def _check_override(year: int, cal: YearCalendar) -> list[Problem]:
    problems = []
    if year != cal.year:
        problems.append(_bad("CALENDAR_YEAR_MISMATCH", f"{year}年的日历内容实为{cal.year}年。", "year"))
    elif any(d.year != cal.year for d in cal.holidays | cal.workdays):
        problems.append(_bad("CALENDAR_DATE_OUTSIDE_YEAR", f"{cal.year}年日历含有其他年度的日期。"))
    return problems


class WorkCalendar:
    """Working-day arithmetic over official calendars; overrides win over the package."""

    def __init__(self, overrides: Mapping[int, YearCalendar] | None = None, use_package: bool = True):
        overrides = dict(overrides or {})
        problems = [p for year, cal in overrides.items() for p in _check_override(year, cal)]
        if problems:
            raise RuleError(problems)
        self._overrides = overrides
        self._use_package = use_package
        self._index: dict[int, tuple[int, ...]] = {}  # year -> sorted ordinals of working days

    def official_calendar(self, year: int) -> YearCalendar | None:
        """The calendar in force for `year`, or None if only weekends are known."""
        if year in self._overrides:
            return self._overrides[year]
        return package_calendar(year) if self._use_package else None

    def is_confirmed_year(self, year: int) -> bool:
        if year in self._overrides:
            return True
        return self._use_package and year in package_years()

    def _working_ordinals(self, year: int) -> tuple[int, ...]:
        cached = self._index.get(year)
        if cached is not None:
            return cached
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise RuleError(_bad("WORKDAYS_OUT_OF_RANGE", "日期超出可计算范围。"))
        cal = self.official_calendar(year)
        holidays = cal.holidays if cal else frozenset()
        workdays = cal.workdays if cal else frozenset()
        ordinals = tuple(
            d.toordinal()
            for d in _days_of(year)
            if d in workdays or (d.weekday() < 5 and d not in holidays)
        )
        self._index[year] = ordinals
        return ordinals

    def is_working_day(self, d: dt.date) -> bool:
        d = _as_date(d)
        ordinals = self._working_ordinals(d.year)
        i = bisect_right(ordinals, d.toordinal())
        return i > 0 and ordinals[i - 1] == d.toordinal()

    def _confirmed_span(self, first: dt.date, last: dt.date) -> bool:
        return all(self.is_confirmed_year(y) for y in range(first.year, last.year + 1))

    def add_working_days(self, start: dt.date, n: int) -> DueDate:
        """The n-th working day strictly after `start`; n=0 is `start` itself (即办件)."""
        start = _as_date(start)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise RuleError(_bad("WORKDAYS_NEGATIVE", "工作日天数必须是不小于0的整数。", "days"))
        if n == 0:
            return DueDate(start, self.is_confirmed_year(start.year))
        year, remaining = start.year, n
        ordinals = self._working_ordinals(year)
        i = bisect_right(ordinals, start.toordinal())
        while i + remaining > len(ordinals):  # the due date lies in a later year
            remaining -= len(ordinals) - i
            year += 1
            ordinals, i = self._working_ordinals(year), 0
        due = dt.date.fromordinal(ordinals[i + remaining - 1])
        return DueDate(due, self._confirmed_span(start, due))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end; 0 if end <= start."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        lo, hi = start.toordinal(), end.toordinal()
        total = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._working_ordinals(year)
            total += bisect_right(ordinals, hi) - bisect_right(ordinals, lo)
        return total

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after `d`."""
        return self.add_working_days(d, 1).date

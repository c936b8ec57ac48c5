import datetime as dt
from collections.abc import Callable

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.problems import RuleError
from app.rules.workdays import (
    CALENDAR_SCHEMA,
    DueDate,
    WorkCalendar,
    YearCalendar,
    calendar_to_file,
    package_calendar,
    package_years,
    parse_calendar_file,
)

D = dt.date.fromisoformat
CAL = WorkCalendar()
FIRST, LAST = min(package_years()), max(package_years())  # derived, never hard-coded

# No example database: tests must not write files into the repository.
props = settings(database=None, deadline=None, max_examples=200)

# Mostly covered years, plus a margin of uncovered ones on both sides.
dates = st.dates(dt.date(FIRST - 2, 1, 1), dt.date(LAST + 3, 12, 31))
days = st.integers(min_value=0, max_value=400)


def naive_add(cal: WorkCalendar, start: dt.date, n: int) -> dt.date:
    d, left = start, n
    while left:
        d += dt.timedelta(days=1)
        left -= cal.is_working_day(d)
    return d


def calendar_file(year: int, holidays: list[str], workdays: list[str], **extra: object) -> dict:
    return {"schema": CALENDAR_SCHEMA, "year": year, "holidays": holidays, "workdays": workdays} | extra


def codes(exc: pytest.ExceptionInfo[RuleError]) -> set[str]:
    return {p.code for p in exc.value.problems}


# --- what the package covers ----------------------------------------------------------------


def test_package_covers_a_contiguous_range_including_2025_and_2026() -> None:
    years = package_years()
    assert set(years) == set(range(FIRST, LAST + 1))
    assert {2025, 2026} <= years
    with pytest.raises(NotImplementedError):  # the package itself refuses the next year
        chinese_calendar.is_workday(dt.date(LAST + 1, 1, 2))
    assert package_calendar(LAST + 1) is None


def test_package_calendar_keeps_only_real_exceptions() -> None:
    cal = package_calendar(2026)
    assert cal is not None and cal.source == "chinese-calendar"
    assert all(d.weekday() < 5 for d in cal.holidays)
    assert all(d.weekday() >= 5 for d in cal.workdays)
    # 2026 notice: 春节 2月15日至23日放假, 2月14日(周六)、2月28日(周六)上班.
    assert cal.workdays == {D("2026-01-04"), D("2026-02-14"), D("2026-02-28"), D("2026-05-09"),
                            D("2026-09-20"), D("2026-10-10")}
    assert {D("2026-02-16"), D("2026-02-20"), D("2026-02-23")} <= cal.holidays
    assert D("2026-02-15") not in cal.holidays  # a Sunday: off anyway, not an exception


@props
@given(dates.filter(lambda d: FIRST <= d.year <= LAST))
def test_matches_chinese_calendar_on_covered_years(d: dt.date) -> None:
    assert CAL.is_working_day(d) == chinese_calendar.is_workday(d)


# --- concrete dates a clerk would check ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 国庆+中秋 2025: 10月1日至8日放假; 9月28日(周日)、10月11日(周六)上班.
        # After 09-30: 10-09(1) 10-10(2) 10-11 Sat(3) 10-13(4) 10-14(5).
        ("2025-09-30", 5, "2025-10-14"),
        # After 09-26 Fri: 09-28 Sun(1) 09-29(2) 09-30(3) 10-09(4) 10-10(5).
        ("2025-09-26", 5, "2025-10-10"),
        ("2025-09-27", 1, "2025-09-28"),  # Saturday -> the 调休 Sunday
        ("2025-09-30", 1, "2025-10-09"),
        # 20 days after 09-30: 8 in 10-09..10-17, 10-20..24, 10-27..31, 11-03, 11-04.
        ("2025-09-30", 20, "2025-11-04"),
        # 春节 2026: 2月15日至23日放假; 2月14日(周六)、2月28日(周六)上班.
        # After 02-13 Fri: 02-14 Sat(1) 02-24(2) 02-25(3) 02-26(4) 02-27(5).
        ("2026-02-13", 5, "2026-02-27"),
        ("2026-02-12", 5, "2026-02-26"),
        # After 02-10: 02-11..13(3) 02-14(4) 02-24..27(8) 02-28 Sat(9) 03-02..06(14)
        # 03-09..13(19) 03-16(20).
        ("2026-02-10", 20, "2026-03-16"),
        # 元旦 2026: 1月1日至3日放假, 1月4日(周日)上班.
        ("2025-12-31", 1, "2026-01-04"),
        ("2025-12-31", 0, "2025-12-31"),  # 即办件
    ],
)
def test_due_dates_across_holidays(start: str, n: int, due: str) -> None:
    assert CAL.add_working_days(D(start), n) == DueDate(D(due), True)
    if n:
        assert CAL.working_days_between(D(start), D(due)) == n


def test_holiday_and_adjusted_days() -> None:
    assert not CAL.is_working_day(D("2025-10-08"))  # Wednesday, holiday
    assert CAL.is_working_day(D("2025-10-11"))  # Saturday, 调休上班
    assert not CAL.is_working_day(D("2025-10-12"))
    assert CAL.next_working_day(D("2026-02-14")) == D("2026-02-24")
    assert CAL.working_days_between(D("2025-09-30"), D("2025-10-08")) == 0
    assert CAL.working_days_between(D("2025-10-14"), D("2025-09-30")) == 0


def test_negative_days_refused() -> None:
    with pytest.raises(RuleError) as exc:
        CAL.add_working_days(D("2025-01-02"), -1)
    assert codes(exc) == {"WORKDAYS_NEGATIVE"}


# --- properties -----------------------------------------------------------------------------


@props
@given(dates, st.integers(min_value=1, max_value=400))
def test_due_is_nth_working_day_after_start(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n).date
    assert due > start
    assert CAL.is_working_day(due)
    assert CAL.working_days_between(start, due) == n
    assert CAL.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@props
@given(dates, st.integers(min_value=0, max_value=40))
def test_agrees_with_day_by_day_walk(start: dt.date, n: int) -> None:
    assert CAL.add_working_days(start, n).date == naive_add(CAL, start, n)


@props
@given(dates, days, days)
def test_monotonic_in_n(start: dt.date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    if lo < hi:
        assert CAL.add_working_days(start, lo).date < CAL.add_working_days(start, hi).date
    else:
        assert CAL.add_working_days(start, lo) == CAL.add_working_days(start, hi)


@props
@given(dates)
def test_zero_days_is_the_start_date(start: dt.date) -> None:
    assert CAL.add_working_days(start, 0) == DueDate(start, CAL.is_confirmed_year(start.year))


@props
@given(dates)
def test_next_working_day(d: dt.date) -> None:
    nxt = CAL.next_working_day(d)
    assert CAL.is_working_day(nxt) and nxt > d
    assert CAL.working_days_between(d, nxt - dt.timedelta(days=1)) == 0


@props
@given(st.lists(dates, min_size=3, max_size=3).map(sorted))
def test_between_is_additive(abc: list[dt.date]) -> None:
    a, b, c = abc
    total = CAL.working_days_between(a, c)
    assert total == CAL.working_days_between(a, b) + CAL.working_days_between(b, c)
    assert total == sum(CAL.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (c - a).days + 1))


@props
@given(dates, days)
def test_confirmed_iff_every_touched_year_is_covered(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due.confirmed == all(FIRST <= y <= LAST for y in range(start.year, due.date.year + 1))


# --- years without an official calendar -----------------------------------------------------


@props
@given(st.dates(dt.date(2099, 1, 1), dt.date(2099, 12, 31)))
def test_uncovered_year_counts_weekends_only(d: dt.date) -> None:
    assert CAL.is_working_day(d) == (d.weekday() < 5)
    assert CAL.add_working_days(d, 3).confirmed is False


def test_crossing_into_an_uncovered_year_is_unconfirmed() -> None:
    assert not CAL.is_confirmed_year(LAST + 1)
    assert CAL.add_working_days(dt.date(LAST, 12, 1), 5).confirmed is True
    due = CAL.add_working_days(dt.date(LAST, 12, 20), 30)
    assert due.date.year == LAST + 1 and due.confirmed is False
    # Passing through an uncovered year taints the date even if the last year is known.
    later = WorkCalendar({LAST + 2: _weekday_holiday_calendar(LAST + 2)})
    assert later.is_confirmed_year(LAST + 2)
    through = later.add_working_days(dt.date(LAST, 12, 1), 300)
    assert through.date.year == LAST + 2 and through.confirmed is False


def test_2099_is_plain_monday_to_friday() -> None:
    # 2099-01-01 is a Thursday; the real 元旦 is not known, so it counts as a working day.
    assert CAL.add_working_days(D("2098-12-31"), 1) == DueDate(D("2099-01-01"), False)
    assert CAL.add_working_days(D("2099-01-01"), 5) == DueDate(D("2099-01-08"), False)


def test_without_package_everything_is_unconfirmed_weekdays() -> None:
    bare = WorkCalendar(use_package=False)
    assert not bare.is_confirmed_year(2025)
    assert bare.is_working_day(D("2025-10-01"))  # Wednesday: no notice known
    assert bare.add_working_days(D("2025-09-30"), 5) == DueDate(D("2025-10-07"), False)


# --- overrides ------------------------------------------------------------------------------


def _weekday_holiday_calendar(year: int) -> YearCalendar:
    first_monday = next(dt.date(year, 1, i) for i in range(1, 8) if dt.date(year, 1, i).weekday() == 0)
    return YearCalendar(year, frozenset({first_monday}), frozenset())


@props
@given(st.dates(dt.date(FIRST, 1, 1), dt.date(LAST + 5, 12, 31)), st.data())
def test_overrides_win(day: dt.date, data: st.DataObject) -> None:
    year = day.year
    if day.weekday() < 5:
        cal = YearCalendar(year, frozenset({day}), frozenset())
        expected = False
    else:
        cal = YearCalendar(year, frozenset(), frozenset({day}))
        expected = True
    wc = WorkCalendar({year: cal})
    assert wc.is_confirmed_year(year)
    assert wc.is_working_day(day) is expected
    other = data.draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)).filter(lambda d: d != day))
    assert wc.is_working_day(other) == (other.weekday() < 5)  # the package is ignored for that year
    assert wc.add_working_days(dt.date(year, 1, 1), 5).confirmed is True


def test_override_for_2027_confirms_dates_into_2027() -> None:
    cal = parse_calendar_file(calendar_file(LAST + 1, [f"{LAST + 1}-01-01"], []))
    wc = WorkCalendar({LAST + 1: cal})
    due = wc.add_working_days(dt.date(LAST, 12, 20), 30)
    assert due.confirmed is True
    assert due == DueDate(naive_add(wc, dt.date(LAST, 12, 20), 30), True)


def test_override_year_mismatch_refused() -> None:
    with pytest.raises(RuleError) as exc:
        WorkCalendar({2027: _weekday_holiday_calendar(2028)})
    assert codes(exc) == {"CALENDAR_YEAR_MISMATCH"}


# --- calendar files -------------------------------------------------------------------------

GOOD_2027 = calendar_file(
    2027,
    ["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-06"],  # 02-06 is a Saturday
    ["2027-02-20"],  # Saturday
)


def test_parse_good_file_drops_weekend_holidays() -> None:
    cal = parse_calendar_file(GOOD_2027)
    assert cal == YearCalendar(
        2027,
        frozenset({D("2027-01-01"), D("2027-02-08"), D("2027-02-09"), D("2027-02-10")}),
        frozenset({D("2027-02-20")}),
        source="platform",
    )
    assert parse_calendar_file(calendar_to_file(cal)) == cal


def test_package_calendar_round_trips_through_a_file() -> None:
    cal = package_calendar(2025)
    assert cal is not None
    back = parse_calendar_file(calendar_to_file(cal))
    assert (back.year, back.holidays, back.workdays) == (cal.year, cal.holidays, cal.workdays)


@props
@given(st.integers(min_value=2000, max_value=2200), st.data())
def test_round_trip(year: int, data: st.DataObject) -> None:
    in_year = st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31))
    holidays = data.draw(st.frozensets(in_year.filter(lambda d: d.weekday() < 5), min_size=1, max_size=30))
    workdays = data.draw(st.frozensets(in_year.filter(lambda d: d.weekday() >= 5), max_size=8))
    cal = YearCalendar(year, holidays, workdays)
    assert parse_calendar_file(calendar_to_file(cal)) == cal


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda f: f | {"schema": "clerkdesk.calendar/v2"}, "CALENDAR_SCHEMA"),
        (lambda f: {k: v for k, v in f.items() if k != "schema"}, "CALENDAR_SCHEMA"),
        (lambda f: f | {"year": "2027"}, "CALENDAR_YEAR"),
        (lambda f: f | {"year": True}, "CALENDAR_YEAR"),
        (lambda f: {k: v for k, v in f.items() if k != "workdays"}, "CALENDAR_INVALID"),
        (lambda f: f | {"holidays": "2027-01-01"}, "CALENDAR_INVALID"),
        (lambda f: f | {"holidays": [*f["holidays"], "2027/10/01"]}, "CALENDAR_DATE_FORMAT"),
        (lambda f: f | {"holidays": [*f["holidays"], "20271001"]}, "CALENDAR_DATE_FORMAT"),
        (lambda f: f | {"holidays": [*f["holidays"], "2027-02-30"]}, "CALENDAR_DATE_FORMAT"),
        (lambda f: f | {"holidays": [*f["holidays"], 20271001]}, "CALENDAR_DATE_FORMAT"),
        (lambda f: f | {"holidays": [*f["holidays"], "2026-12-31"]}, "CALENDAR_DATE_OUTSIDE_YEAR"),
        (lambda f: f | {"workdays": ["2028-01-08"]}, "CALENDAR_DATE_OUTSIDE_YEAR"),
        (lambda f: f | {"holidays": [*f["holidays"], "2027-02-20"]}, "CALENDAR_DATE_CONFLICT"),
        (lambda f: f | {"workdays": ["2027-02-22"]}, "CALENDAR_WORKDAY_NOT_WEEKEND"),  # a Monday
        (lambda f: f | {"holidays": ["2027-02-06"]}, "CALENDAR_NO_HOLIDAYS"),  # weekend only
        (lambda f: f | {"holidays": []}, "CALENDAR_NO_HOLIDAYS"),
    ],
)
def test_bad_files_refused(mutate: Callable[[dict], dict], code: str) -> None:
    with pytest.raises(RuleError) as exc:
        parse_calendar_file(mutate(dict(GOOD_2027)))
    assert code in codes(exc)
    assert all(p.message and not p.message.isascii() for p in exc.value.problems)  # Chinese text


def test_not_a_dict_refused() -> None:
    with pytest.raises(RuleError) as exc:
        parse_calendar_file(["2027-01-01"])  # type: ignore[arg-type]
    assert codes(exc) == {"CALENDAR_INVALID"}


def test_every_problem_is_reported_at_once() -> None:
    bad = calendar_file(2027, ["2027-13-01", "2026-10-01"], ["2027-02-22"], schema="v0")
    with pytest.raises(RuleError) as exc:
        parse_calendar_file(bad)
    assert codes(exc) == {
        "CALENDAR_SCHEMA",
        "CALENDAR_DATE_FORMAT",
        "CALENDAR_DATE_OUTSIDE_YEAR",
        "CALENDAR_WORKDAY_NOT_WEEKEND",
    }


def test_duplicates_are_harmless() -> None:
    dup = calendar_file(2027, ["2027-01-01", "2027-01-01"], ["2027-02-20", "2027-02-20"])
    assert parse_calendar_file(dup).holidays == {D("2027-01-01")}

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.deadlines import (
    ACCEPTANCE_LIMIT_DAYS,
    PRE_REVIEW_LIMIT_DAYS,
    CaseDeadlines,
    DeadlineLevel,
    Suspension,
    compute_deadlines,
    deadline_level,
    suspension_overrun,
    yellow_date,
)
from app.rules.problems import RuleError
from app.rules.workdays import DueDate, WorkCalendar, package_years

D = dt.date.fromisoformat
CAL = WorkCalendar()
FIRST, LAST = min(package_years()), max(package_years())
props = settings(database=None, deadline=None, max_examples=200)
dates = st.dates(dt.date(FIRST, 1, 1), dt.date(LAST + 2, 12, 31))


def codes(exc: pytest.ExceptionInfo[RuleError]) -> set[str]:
    return {p.code for p in exc.value.problems}


def expert(start: str, end: str | None, limit: int = 10) -> Suspension:
    return Suspension("专家评审", D(start), D(end) if end else None, limit)


# --- due dates --------------------------------------------------------------------------------


def test_case_across_national_day_2025() -> None:
    # Received Fri 09-26, accepted Tue 09-30; 国庆 10月1日至8日放假, 9月28日/10月11日上班.
    got = compute_deadlines(CAL, D("2025-09-26"), D("2025-09-30"), 5, 20, [], D("2025-10-09"))
    assert got == CaseDeadlines(
        acceptance_due=DueDate(D("2025-10-10"), True),  # 09-28, 29, 30, 10-09, 10-10
        committed_due=DueDate(D("2025-10-14"), True),  # 10-09, 10, 11(Sat), 13, 14
        legal_due=DueDate(D("2025-11-04"), True),
        suspended_days=0,
        clock_running=True,
    )


def test_case_across_spring_festival_2026() -> None:
    # 春节 2026: 2月15日至23日放假, 2月14日/2月28日(周六)上班.
    got = compute_deadlines(CAL, D("2026-02-12"), D("2026-02-13"), 5, 20, [], D("2026-02-13"))
    assert got.acceptance_due == DueDate(D("2026-02-26"), True)  # 02-13, 14, 24, 25, 26
    assert got.committed_due == DueDate(D("2026-02-27"), True)  # 02-14, 24, 25, 26, 27
    # 20 days after 02-13: 02-14, 24..27 (5), 02-28 (6), 03-02..06 (11), 03-09..13 (16),
    # 03-16..19 (20).
    assert got.legal_due == DueDate(D("2026-03-19"), True)


def test_not_accepted_yet_has_only_the_acceptance_due() -> None:
    got = compute_deadlines(CAL, D("2025-09-30"), None, 5, 20, [], D("2025-10-09"))
    assert got.acceptance_due == DueDate(D("2025-10-14"), True)
    assert got.committed_due is None and got.legal_due is None
    assert got.acceptance_due == CAL.add_working_days(D("2025-09-30"), ACCEPTANCE_LIMIT_DAYS)


def test_due_in_a_year_without_calendar_is_unconfirmed() -> None:
    start = dt.date(LAST, 12, 10)
    got = compute_deadlines(CAL, start, start, 20, 60, [], start)
    assert got.acceptance_due.confirmed is True
    assert got.legal_due is not None and got.legal_due.date.year == LAST + 1
    assert got.legal_due.confirmed is False


def test_same_day_service_is_due_on_acceptance_day() -> None:
    got = compute_deadlines(CAL, D("2025-11-03"), D("2025-11-03"), 0, 0, [], D("2025-11-03"))
    assert got.committed_due == got.legal_due == DueDate(D("2025-11-03"), True)


# --- suspensions ------------------------------------------------------------------------------

# Accepted Mon 2025-11-03, committed 10 days -> 11-17 without suspension.
ACCEPTED = D("2025-11-03")


def test_finished_suspension_pushes_due_dates() -> None:
    # (11-05, 11-11] holds 11-06, 07, 10, 11: 4 working days.
    got = compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, [expert("2025-11-05", "2025-11-11")], D("2025-11-20"))
    assert got.suspended_days == 4
    assert got.clock_running is True
    assert got.committed_due == DueDate(D("2025-11-21"), True)  # 11-17 + 4 working days
    assert got.legal_due == CAL.add_working_days(ACCEPTED, 24)


def test_open_suspension_keeps_pushing_and_stops_the_clock() -> None:
    s = expert("2025-11-05", None)
    got = compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, [s], D("2025-11-10"))
    assert got.suspended_days == 3  # 11-06, 07, 10
    assert got.clock_running is False
    assert got.committed_due == DueDate(D("2025-11-20"), True)
    next_day = compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, [s], D("2025-11-11"))
    assert next_day.suspended_days == 4
    assert next_day.committed_due == DueDate(D("2025-11-21"), True)


def test_planned_end_counts_only_up_to_today() -> None:
    got = compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, [expert("2025-11-05", "2025-11-20")], D("2025-11-07"))
    assert got.suspended_days == 2 and got.clock_running is False
    not_started = compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, [expert("2025-11-12", None)], D("2025-11-07"))
    assert not_started.suspended_days == 0 and not_started.clock_running is True


def test_overlapping_procedures_stop_the_clock_once() -> None:
    both = [expert("2025-11-05", "2025-11-11"), Suspension("公示", D("2025-11-07"), D("2025-11-12"), 5)]
    got = compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, both, D("2025-11-20"))
    assert got.suspended_days == 5  # (11-05, 11-12]: 06, 07, 10, 11, 12, not 4 + 3
    back_to_back = [expert("2025-11-05", "2025-11-07"), expert("2025-11-07", "2025-11-11")]
    assert compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, back_to_back, D("2025-11-20")).suspended_days == 4


def test_suspension_over_the_holiday_counts_working_days_only() -> None:
    s = Suspension("检验", D("2025-09-26"), D("2025-10-14"), 10)
    # 09-28, 29, 30, 10-09, 10, 11, 13, 14
    got = compute_deadlines(CAL, D("2025-09-25"), D("2025-09-25"), 5, 20, [s], D("2025-10-20"))
    assert got.suspended_days == 8


@props
@given(
    dates,
    st.integers(0, 60),
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 40)), max_size=4),
    st.integers(0, 200),
)
def test_suspension_never_shortens(start: dt.date, limit: int, raw: list[tuple[int, int]], age: int) -> None:
    today = start + dt.timedelta(days=age)
    spans = [
        Suspension("检测", start + dt.timedelta(days=a), start + dt.timedelta(days=a + b), limit) for a, b in raw
    ]
    plain = compute_deadlines(CAL, start, start, limit, limit, [], today)
    got = compute_deadlines(CAL, start, start, limit, limit, spans, today)
    assert plain.committed_due is not None and got.committed_due is not None
    assert got.committed_due.date >= plain.committed_due.date
    assert got.suspended_days <= sum(CAL.working_days_between(s.started_on, min(s.ended_on, today)) for s in spans)
    if got.suspended_days == 0:
        assert got.committed_due == plain.committed_due
    else:
        assert CAL.working_days_between(plain.committed_due.date, got.committed_due.date) == got.suspended_days


def test_suspension_overrun() -> None:
    s = Suspension("公示", D("2025-09-30"), None, 5)
    assert not suspension_overrun(CAL, s, D("2025-10-14"))  # exactly 5 working days used
    assert suspension_overrun(CAL, s, D("2025-10-15"))
    assert not suspension_overrun(CAL, Suspension("公示", D("2025-09-30"), D("2025-10-10"), 5), D("2025-12-01"))
    assert suspension_overrun(CAL, Suspension("公示", D("2025-09-30"), D("2025-10-20"), 5), D("2025-12-01"))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "accepted", "committed", "legal", "suspensions", "code"),
    [
        ("2025-11-03", "2025-11-02", 5, 20, [], "ACCEPTED_BEFORE_RECEIVED"),
        ("2025-11-03", "2025-11-03", 25, 20, [], "COMMITTED_EXCEEDS_LEGAL"),
        ("2025-11-03", "2025-11-03", -1, 20, [], "DEADLINE_DAYS_INVALID"),
        ("2025-11-03", "2025-11-03", 5, -20, [], "DEADLINE_DAYS_INVALID"),
        ("2025-11-03", "2025-11-04", 5, 20, [expert("2025-11-03", "2025-11-05")], "SUSPENSION_BEFORE_ACCEPTANCE"),
        ("2025-11-03", None, 5, 20, [expert("2025-11-05", None)], "SUSPENSION_BEFORE_ACCEPTANCE"),
        ("2025-11-03", "2025-11-03", 5, 20, [expert("2025-11-05", "2025-11-04")], "SUSPENSION_ENDS_BEFORE_START"),
        ("2025-11-03", "2025-11-03", 5, 20, [expert("2025-11-05", None, -1)], "SUSPENSION_LIMIT_INVALID"),
        ("2025-11-03", "2025-11-03", 5, 20, [Suspension(" ", D("2025-11-05"), None, 3)], "SUSPENSION_PROCEDURE_MISSING"),
    ],
)
def test_bad_case_data_refused(
    received: str, accepted: str | None, committed: int, legal: int, suspensions: list[Suspension], code: str
) -> None:
    with pytest.raises(RuleError) as exc:
        compute_deadlines(
            CAL, D(received), D(accepted) if accepted else None, committed, legal, suspensions, D("2025-11-20")
        )
    assert code in codes(exc)
    assert all(not p.message.isascii() for p in exc.value.problems)


# --- warning levels ---------------------------------------------------------------------------


def test_levels_for_a_ten_day_limit() -> None:
    due = CAL.add_working_days(ACCEPTED, 10)
    assert due.date == D("2025-11-17")
    assert yellow_date(CAL, ACCEPTED, 10) == D("2025-11-13")  # 8th working day = 80%

    def level(today: str) -> DeadlineLevel:
        return deadline_level(CAL, ACCEPTED, due, 10, D(today))

    assert level("2025-11-12") is DeadlineLevel.NONE
    assert level("2025-11-13") is DeadlineLevel.YELLOW
    assert level("2025-11-16") is DeadlineLevel.YELLOW  # Sunday, still 8 days used
    assert level("2025-11-17") is DeadlineLevel.YELLOW  # due today
    assert level("2025-11-18") is DeadlineLevel.RED


def test_levels_with_suspension() -> None:
    got = compute_deadlines(CAL, ACCEPTED, ACCEPTED, 10, 20, [expert("2025-11-05", "2025-11-11")], D("2025-11-20"))
    assert got.committed_due is not None
    assert yellow_date(CAL, ACCEPTED, 10, got.suspended_days) == D("2025-11-19")  # 11-13 + 4
    assert deadline_level(CAL, ACCEPTED, got.committed_due, 10, D("2025-11-18"), 4) is DeadlineLevel.NONE
    assert deadline_level(CAL, ACCEPTED, got.committed_due, 10, D("2025-11-19"), 4) is DeadlineLevel.YELLOW
    assert deadline_level(CAL, ACCEPTED, got.committed_due, 10, D("2025-11-24"), 4) is DeadlineLevel.RED


def test_acceptance_and_pre_review_levels() -> None:
    received = D("2025-09-30")
    due = CAL.add_working_days(received, ACCEPTANCE_LIMIT_DAYS)  # 10-14
    assert yellow_date(CAL, received, ACCEPTANCE_LIMIT_DAYS) == D("2025-10-13")  # 4th day
    assert deadline_level(CAL, received, due, ACCEPTANCE_LIMIT_DAYS, D("2025-10-08")) is DeadlineLevel.NONE
    assert deadline_level(CAL, received, due, ACCEPTANCE_LIMIT_DAYS, D("2025-10-15")) is DeadlineLevel.RED
    # Pre-review: 2 days, 80% rounds up to 2, so yellow only on the due day itself.
    pre = CAL.add_working_days(received, PRE_REVIEW_LIMIT_DAYS)
    assert pre.date == D("2025-10-10") == yellow_date(CAL, received, PRE_REVIEW_LIMIT_DAYS)


def test_limit_zero_is_yellow_on_the_day_and_red_after() -> None:
    due = CAL.add_working_days(ACCEPTED, 0)
    assert yellow_date(CAL, ACCEPTED, 0) == ACCEPTED
    assert deadline_level(CAL, ACCEPTED, due, 0, D("2025-11-02")) is DeadlineLevel.NONE
    assert deadline_level(CAL, ACCEPTED, due, 0, ACCEPTED) is DeadlineLevel.YELLOW
    assert deadline_level(CAL, ACCEPTED, due, 0, D("2025-11-04")) is DeadlineLevel.RED


def test_bad_limit_refused() -> None:
    with pytest.raises(RuleError) as exc:
        yellow_date(CAL, ACCEPTED, -1)
    assert codes(exc) == {"DEADLINE_DAYS_INVALID"}


@props
@given(dates, st.integers(0, 60), st.integers(0, 20), st.integers(-10, 200))
def test_level_matches_yellow_date_and_due(start: dt.date, limit: int, suspended: int, offset: int) -> None:
    today = start + dt.timedelta(days=offset)
    due = CAL.add_working_days(start, limit + suspended)
    turn = yellow_date(CAL, start, limit, suspended)
    assert start <= turn <= due.date
    level = deadline_level(CAL, start, due, limit, today, suspended)
    if today > due.date:
        assert level is DeadlineLevel.RED
    elif today >= turn:
        assert level is DeadlineLevel.YELLOW
    else:
        assert level is DeadlineLevel.NONE
    assert DeadlineLevel(level.value) is level and level.value in {"none", "yellow", "red"}

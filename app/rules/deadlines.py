"""Case time limits: acceptance, committed and legal due dates, special procedures, warnings.

All limits are working days counted from the day after the event (行政许可法 第八十二条).
Time spent in a special procedure (特别程序: 听证、检验、检测、鉴定、专家评审、公示 …) is not
counted (第四十五条), so it pushes the committed and legal due dates back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.rules.problems import Problem, RuleError
from app.rules.workdays import DueDate, WorkCalendar

ACCEPTANCE_LIMIT_DAYS = 5  # 行政许可法 第三十二条: 5日内一次告知
PRE_REVIEW_LIMIT_DAYS = 2  # 永昌办法 第十八条: 2个工作日内出具预审意见


@dataclass(frozen=True)
class Suspension:
    """A special procedure (特别程序) that stops the case clock."""

    procedure: str
    started_on: dt.date
    ended_on: dt.date | None  # None = still suspended
    limit_days: int  # its own time limit in working days


@dataclass(frozen=True)
class CaseDeadlines:
    acceptance_due: DueDate  # decide (受理/一次告知补正/不予受理) by then, else deemed accepted
    committed_due: DueDate | None  # None until accepted
    legal_due: DueDate | None  # None until accepted
    suspended_days: int  # working days the clock was stopped, up to today
    clock_running: bool  # False while a special procedure is in progress today


class DeadlineLevel(StrEnum):
    NONE = "none"
    YELLOW = "yellow"
    RED = "red"


def _is_days(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _suspension_problems(s: Suspension) -> list[Problem]:
    problems = []
    if not s.procedure.strip():
        problems.append(Problem("SUSPENSION_PROCEDURE_MISSING", "特别程序未填写名称。", "procedure"))
    if s.ended_on is not None and s.ended_on < s.started_on:
        problems.append(
            Problem("SUSPENSION_ENDS_BEFORE_START", f"特别程序“{s.procedure}”的结束日期早于开始日期。", "ended_on")
        )
    if not _is_days(s.limit_days):
        problems.append(
            Problem("SUSPENSION_LIMIT_INVALID", f"特别程序“{s.procedure}”的时限必须是不小于0的整数。", "limit_days")
        )
    return problems


def _end_so_far(s: Suspension, today: dt.date) -> dt.date:
    # Only days up to today count: an open procedure, or one with a planned end date, keeps
    # pushing the due dates day by day, and the elapsed-time warnings stay consistent.
    return today if s.ended_on is None else min(s.ended_on, today)


def _suspended_working_days(cal: WorkCalendar, suspensions: Sequence[Suspension], today: dt.date) -> int:
    # Merge overlapping procedures first: two procedures running at once (勘验 while 公示)
    # stop the one clock once, not twice.
    spans = sorted((s.started_on, _end_so_far(s, today)) for s in suspensions)
    total, current = 0, None
    for start, end in spans:
        if end <= start:
            continue
        if current is not None and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current is not None:
            total += cal.working_days_between(*current)
        current = (start, end)
    if current is not None:
        total += cal.working_days_between(*current)
    return total


def compute_deadlines(
    cal: WorkCalendar,
    received_on: dt.date,
    accepted_on: dt.date | None,
    committed_days: int,
    legal_days: int,
    suspensions: Sequence[Suspension],
    today: dt.date,
) -> CaseDeadlines:
    """Due dates as of `today`; RuleError if the case data cannot be right.

    committed_due/legal_due stay None until accepted_on is set: this function does not know
    whether a 补正 notice went out in time, so deemed acceptance (逾期不告知即为受理) is left to
    the caller, who can pass received_on as accepted_on.
    """
    problems: list[Problem] = []
    if not _is_days(committed_days):
        problems.append(Problem("DEADLINE_DAYS_INVALID", "承诺时限必须是不小于0的整数。", "committed_days"))
    if not _is_days(legal_days):
        problems.append(Problem("DEADLINE_DAYS_INVALID", "法定时限必须是不小于0的整数。", "legal_days"))
    if _is_days(committed_days) and _is_days(legal_days) and committed_days > legal_days:
        problems.append(
            Problem("COMMITTED_EXCEEDS_LEGAL", "承诺时限不能超过法定时限。", "committed_days")
        )
    if accepted_on is not None and accepted_on < received_on:
        problems.append(Problem("ACCEPTED_BEFORE_RECEIVED", "受理日期早于收件日期。", "accepted_on"))
    for s in suspensions:
        problems += _suspension_problems(s)
        # 特别程序 belong to the review after acceptance; earlier ones mean wrong dates.
        if accepted_on is None:
            problems.append(
                Problem(
                    "SUSPENSION_BEFORE_ACCEPTANCE",
                    f"办件尚未受理，不应有特别程序“{s.procedure}”。",
                    "started_on",
                )
            )
        elif s.started_on < accepted_on:
            problems.append(
                Problem(
                    "SUSPENSION_BEFORE_ACCEPTANCE",
                    f"特别程序“{s.procedure}”开始于受理之前，请核对日期。",
                    "started_on",
                )
            )
    if problems:
        raise RuleError(problems)

    suspended = _suspended_working_days(cal, suspensions, today)
    running = not any(
        s.started_on <= today and (s.ended_on is None or s.ended_on > today) for s in suspensions
    )
    committed_due = legal_due = None
    if accepted_on is not None:
        committed_due = cal.add_working_days(accepted_on, committed_days + suspended)
        legal_due = cal.add_working_days(accepted_on, legal_days + suspended)
    return CaseDeadlines(
        acceptance_due=cal.add_working_days(received_on, ACCEPTANCE_LIMIT_DAYS),
        committed_due=committed_due,
        legal_due=legal_due,
        suspended_days=suspended,
        clock_running=running,
    )


def _yellow_threshold(limit_days: int) -> int:
    # ceil(0.8 * limit) in integers, so 0.8 * 5 == 4 has no float rounding to worry about.
    return (4 * limit_days + 4) // 5


def _check_limit(limit_days: int, suspended_days: int) -> None:
    problems = []
    if not _is_days(limit_days):
        problems.append(Problem("DEADLINE_DAYS_INVALID", "时限必须是不小于0的整数。", "limit_days"))
    if not _is_days(suspended_days):
        problems.append(Problem("DEADLINE_DAYS_INVALID", "中止天数必须是不小于0的整数。", "suspended_days"))
    if problems:
        raise RuleError(problems)


def deadline_level(
    cal: WorkCalendar,
    start: dt.date,
    due: DueDate,
    limit_days: int,
    today: dt.date,
    suspended_days: int = 0,
) -> DeadlineLevel:
    """Red once today is past the due date; yellow from 80% of the limit used; else none.

    Used days = working days after `start` up to today, minus suspended days. With limit 0
    (即办件) the threshold is 0, so the case is yellow on its due date (= start, must be done
    today) and red the next day. Before `start` nothing is due yet: none.
    """
    _check_limit(limit_days, suspended_days)
    if today > due.date:
        return DeadlineLevel.RED
    if today < start:
        return DeadlineLevel.NONE
    used = cal.working_days_between(start, today) - suspended_days
    return DeadlineLevel.YELLOW if used >= _yellow_threshold(limit_days) else DeadlineLevel.NONE


def yellow_date(cal: WorkCalendar, start: dt.date, limit_days: int, suspended_days: int = 0) -> dt.date:
    """First date deadline_level turns yellow, so the app can store it and query by date."""
    _check_limit(limit_days, suspended_days)
    # The threshold-th counted working day; with limit 0 and no suspension that is start itself.
    return cal.add_working_days(start, _yellow_threshold(limit_days) + suspended_days).date


def suspension_overrun(cal: WorkCalendar, s: Suspension, today: dt.date) -> bool:
    """True if the special procedure has used (or, once ended, used) more than its own limit."""
    problems = _suspension_problems(s)
    if problems:
        raise RuleError(problems)
    return cal.working_days_between(s.started_on, _end_so_far(s, today)) > s.limit_days

"""The platform's calendar for a new year replaces the weekends-only guess, for new and
open cases alike."""

from __future__ import annotations

from datetime import date

from app.actor import SYSTEM
from app.usecases.calendar import import_calendar
from app.usecases.intake import IntakeInput, receive_case
from app.usecases.queries import CaseFilter, case_detail, list_cases
from tests.helpers import all_provided, find_item, person

CALENDAR_2027 = {
    "schema": "clerkdesk.calendar/v1",
    "year": 2027,
    # A made-up arrangement: New Year's Day and the following Monday off, the Sunday before worked.
    "holidays": ["2027-01-01", "2027-01-04"],
    "workdays": ["2027-01-03"],
}


def test_a_deadline_reaching_an_unknown_year_is_unconfirmed_until_the_platform_sends_it(ctx, clerk, clock) -> None:
    clock.set(2026, 12, 28, 10, 0)  # Monday
    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    before = case_detail(ctx, clerk, number)
    # 12-29, 12-30, 12-31, then weekdays only: 01-01 (Fri), 01-04 (Mon).
    assert (before.acceptance_due, before.due_confirmed) == (date(2027, 1, 4), False)
    row = next(r for r in list_cases(ctx, clerk, CaseFilter.TODAY) if r.number == number)
    assert row.due_confirmed is False  # the list marks it （未确认）

    import_calendar(ctx, SYSTEM, CALENDAR_2027)

    after = case_detail(ctx, clerk, number)
    # 12-29, 12-30, 12-31, 01-03 (worked Sunday), 01-05 — 01-01 and 01-04 are off.
    assert (after.acceptance_due, after.due_confirmed) == (date(2027, 1, 5), True)
    row = next(r for r in list_cases(ctx, clerk, CaseFilter.TODAY) if r.number == number)
    assert (row.watch_due, row.due_confirmed) == (date(2027, 1, 5), True)

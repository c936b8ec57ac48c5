"""Finding cases again: the lists a clerk and a supervisor use all day."""

from __future__ import annotations

from app.case_states import Action
from app.rules.case_number import display_case_number
from app.rules.deadlines import DeadlineLevel
from app.rules.decisions import Provided, Tick
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput, receive_case
from app.usecases.queries import CaseFilter, list_cases, lookup_case, status_summary
from tests.conftest import as_user
from tests.helpers import all_provided, find_item, first_required_non_verifiable, missing, person, resident_id


def numbers(rows) -> set[str]:
    return {r.number for r in rows}


def test_filters_today_mine_awaiting_and_search(ctx, clerk, clock) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    other = as_user(ctx, "station01")
    a = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT)).value.number
    b = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person("王芳", resident_id("620321", "19920304", "442"), "13800000001"),
                                                  missing(g, {first_required_non_verifiable(g)})),
                          Decision(Action.REQUEST_SUPPLEMENT)).value.number
    c = receive_case(ctx, other, IntakeInput(g.item_id, person("赵四", resident_id("620321", "19700101", "001"), "13800000002"),
                                             all_provided(g))).value.number
    assert numbers(list_cases(ctx, clerk, CaseFilter.TODAY)) == {a, b, c}
    assert numbers(list_cases(ctx, clerk, CaseFilter.MINE)) == {a, b}
    assert numbers(list_cases(ctx, clerk, CaseFilter.AWAITING_SUPPLEMENT)) == {b}
    assert numbers(list_cases(ctx, clerk, CaseFilter.ALL, "王芳")) == {b}
    assert numbers(list_cases(ctx, clerk, CaseFilter.ALL, resident_id("620321", "19700101", "001"))) == {c}
    assert numbers(list_cases(ctx, clerk, CaseFilter.ALL, display_case_number(a).lower())) == {a}
    clock.set(2026, 11, 21, 9, 0)
    assert list_cases(ctx, clerk, CaseFilter.TODAY) == []


def test_yellow_at_eighty_percent_and_red_when_overdue(ctx, clerk, clock) -> None:
    g = next(x for x in (find_item(ctx, q) for q in ("药品零售企业经营许可", "食品经营许可", "个体工商户设立登记"))
             if x.committed_limit_days >= 3)
    assert g.committed_limit_days >= 3  # so the day before yellow is a working day of its own
    number = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT)).value.number
    cal = ctx.calendar
    due = cal.add_working_days(clock().date(), g.committed_limit_days).date
    limit = g.committed_limit_days
    yellow_after = -(-limit * 8 // 10)  # working days used at which 80% is reached
    yellow_day = cal.add_working_days(clock().date(), yellow_after).date

    def level_on(day) -> DeadlineLevel:
        clock.set(day.year, day.month, day.day, 9, 0)
        return next(r.level for r in list_cases(ctx, clerk, CaseFilter.ALL) if r.number == number)

    before_yellow = cal.add_working_days(clock().date(), yellow_after - 1).date
    assert before_yellow < yellow_day
    assert level_on(before_yellow) == DeadlineLevel.NONE
    assert level_on(yellow_day) == DeadlineLevel.YELLOW
    assert number in numbers(list_cases(ctx, clerk, CaseFilter.NEAR_DEADLINE))
    assert number not in numbers(list_cases(ctx, clerk, CaseFilter.OVERDUE))
    after_due = cal.next_working_day(due)
    assert level_on(after_due) == DeadlineLevel.RED
    assert number in numbers(list_cases(ctx, clerk, CaseFilter.OVERDUE))
    assert status_summary(ctx).overdue == 1


def test_lookup_by_number_catches_a_typo(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    assert lookup_case(ctx, clerk, number) == number
    typo = number[:-3] + ("1" if number[-3] != "1" else "2") + number[-2:]
    assert lookup_case(ctx, clerk, typo) is None


def test_status_summary_counts_numbers_left_and_the_platform_queue(ctx, clerk) -> None:
    from app.usecases.sync_state import sync_overview

    g = find_item(ctx, "个体工商户设立登记")
    before, queued_before = status_summary(ctx), sync_overview(ctx).queued
    intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT))
    after = status_summary(ctx)
    assert sync_overview(ctx).queued == queued_before + 2  # receive + accept, one transaction
    assert after.numbers_left == before.numbers_left - 1


def test_search_by_name_start_and_by_agent_id(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    agent_id = resident_id("620302", "19900101", "123")
    agent = person("李明", agent_id, "13993500000")
    n = receive_case(ctx, clerk, IntakeInput(g.item_id, person("欧阳娜娜", resident_id("620321", "19950505", "222"),
                                                                "13800000003"), all_provided(g), agent=agent,
                                             authorisation="代为办理")).value.number
    assert numbers(list_cases(ctx, clerk, CaseFilter.ALL, "欧阳")) == {n}
    assert numbers(list_cases(ctx, clerk, CaseFilter.ALL, agent_id)) == {n}
    assert numbers(list_cases(ctx, clerk, CaseFilter.ALL, n[:12])) == {n}


def test_the_it_admin_looks_a_case_up_without_the_applicants_whole_number_phone_or_address(ctx, clerk) -> None:
    """DESIGN §6a: personal data only where the task needs it. The county's IT admin may look a
    case up (a sync problem, a support call); the people serving the applicant see it whole."""
    from app.usecases.queries import case_detail

    g = find_item(ctx, "个体工商户设立登记")
    agent_id = resident_id("620302", "19900101", "123")
    applicant = person("欧阳娜娜", resident_id("620321", "19950505", "222"), "13800000003")
    n = receive_case(ctx, clerk, IntakeInput(g.item_id, applicant, all_provided(g),
                                             agent=person("李明", agent_id, "13993500000"),
                                             authorisation=f"代为办理，受托人 {agent_id}")).value.number
    whole = case_detail(ctx, clerk, n)
    assert (whole.applicant.id_number, whole.applicant.phone) == (applicant.id_number, "13800000003")
    assert whole.applicant.address == applicant.address and agent_id in whole.authorisation
    for user in ("pickup01", "super01", "station01"):
        assert case_detail(ctx, as_user(ctx, user), n).applicant == whole.applicant

    seen = case_detail(ctx, as_user(ctx, "admin01"), n)
    assert seen.applicant.name == "欧阳娜娜" and seen.number == n  # still the case she asked about
    # A 补正 note that quotes a number (the one-time notice's list, in the timeline's detail).
    wrong = next(m for m in g.materials if m.required and not m.platform_verifiable)
    ticks = [Tick(t.material_id, t.name, Provided.COPY, 1, problem="incorrect",
                  problem_note=f"复印件上的号码 {agent_id} 不清晰") if t.name == wrong.name else t for t in all_provided(g)]
    n2 = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, applicant, ticks), Decision(Action.REQUEST_SUPPLEMENT)).value.number
    assert agent_id in str(case_detail(ctx, clerk, n2).timeline[-1].detail)  # whole for the clerk
    masked_steps = str(case_detail(ctx, as_user(ctx, "admin01"), n2).timeline)
    assert agent_id not in masked_steps and "不清晰" in masked_steps
    assert seen.applicant.id_number == applicant.id_number[:6] + "*" * 8 + applicant.id_number[-4:]
    assert seen.applicant.phone == "138****0003" and seen.applicant.address == ""
    assert agent_id not in str(seen) and applicant.id_number not in str(seen) and "13800000003" not in str(seen)

"""Intake and the decision, as 行政许可法 第三十二条 and 永昌办法 第十八条 require."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from app.case_states import Action, State
from app.rules.decisions import Provided, RejectGround, Tick
from app.rules.party import PartyInput
from app.rules.problems import RuleError
from app.storage.audit import verify_chain
from app.storage.models import AuditRecord, Case, OutboxEvent
from app.usecases.catalog import build_index, item_guide
from app.usecases.decisions import (
    Decision,
    correct_on_spot,
    decide_case,
    intake_and_decide,
    intake_problems,
    resubmit_materials,
    sweep_deemed_acceptances,
)
from app.usecases.intake import IntakeInput, receive_case, reusable_materials
from app.usecases.procedures import end_special_procedure, start_special_procedure
from app.usecases.queries import case_detail
from tests.conftest import as_user
from tests.helpers import (
    active_item_with_tolerable,
    all_provided,
    find_item,
    first_required_non_verifiable,
    missing,
    person,
    resident_id,
)


def counts(ctx) -> tuple[int, int, int]:
    with ctx.read() as s:
        return (s.scalar(select(func.count()).select_from(Case)), s.scalar(select(func.count()).select_from(OutboxEvent)),
                s.scalar(select(func.count()).select_from(AuditRecord)))


def test_accept_gives_official_number_deadlines_outbox_and_audit(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    before = counts(ctx)
    out = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT)).value
    assert out.state == State.ACCEPTED
    d = case_detail(ctx, clerk, out.number)
    assert d.number.startswith("6203212026") and d.applicant.name == "张桂兰"
    assert d.accepted_on == date(2026, 11, 20)
    # Committed deadline: N working days counted from the first working day after acceptance.
    assert d.committed_due == ctx.calendar.add_working_days(date(2026, 11, 20), g.committed_limit_days).date
    assert d.legal_due == ctx.calendar.add_working_days(date(2026, 11, 20), g.legal_limit_days).date
    after = counts(ctx)
    assert after[0] == before[0] + 1
    assert after[1] - before[1] == 2  # received + accepted, for the platform
    assert after[2] - before[2] >= 2
    assert [e.action for e in d.timeline] == ["receive", "accept"]


def test_supplementation_lists_every_missing_and_incorrect_material_at_once(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    required = [m for m in g.materials if m.required and not m.platform_verifiable]
    assert len(required) >= 2
    ticks = missing(g, {required[0].name})
    # The second one was brought but is wrong.
    ticks = [Tick(t.material_id, t.name, Provided.COPY, 1, problem="incorrect", problem_note="未加盖公章")
             if t.name == required[1].name else t for t in ticks]
    out = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), ticks), Decision(Action.REQUEST_SUPPLEMENT)).value
    assert out.state == State.AWAITING_SUPPLEMENT
    listed = {(line["name"], line["kind"]) for line in out.supplement}
    assert listed == {(required[0].name, "missing"), (required[1].name, "incorrect")}
    assert any(line["note"] == "未加盖公章" for line in out.supplement)


def test_cannot_accept_with_a_required_material_missing(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    name = first_required_non_verifiable(g)
    before = counts(ctx)
    with pytest.raises(RuleError) as err:
        intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), missing(g, {name})), Decision(Action.ACCEPT))
    assert err.value.code == "ACCEPT_MATERIALS_MISSING" and name in err.value.message
    assert counts(ctx) == before  # nothing half-saved


def test_supplementation_refused_when_nothing_is_missing(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    with pytest.raises(RuleError) as err:
        intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.REQUEST_SUPPLEMENT))
    assert err.value.code == "SUPPLEMENT_NOTHING_MISSING"


def test_rejection_needs_reason_and_competent_agency_and_carries_the_remedy(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    data = IntakeInput(g.item_id, person(), all_provided(g))
    with pytest.raises(RuleError) as err:
        intake_and_decide(ctx, clerk, data, Decision(Action.REJECT, RejectGround.NOT_COMPETENT.value, "不属本局"))
    assert {p.code for p in err.value.problems} == {"REJECT_NO_AGENCY"}
    out = intake_and_decide(ctx, clerk, data, Decision(Action.REJECT, RejectGround.NOT_COMPETENT.value,
                                                        "排污许可不属于本局职权范围", "金昌市生态环境局永昌分局")).value
    d = case_detail(ctx, clerk, out.number)
    assert d.state == State.REJECTED
    assert d.competent_agency == "金昌市生态环境局永昌分局"
    assert "六十日内" in d.remedy and "行政复议" in d.remedy and "六个月内" in d.remedy and "行政诉讼" in d.remedy


def test_tolerated_material_needs_a_future_promise_date(ctx, clerk) -> None:
    g = active_item_with_tolerable(ctx)
    m = next(m for m in g.materials if m.tolerable and m.required)
    base = all_provided(g)
    no_date = [Tick(m.material_id, m.name, tolerated=True) if t.material_id == m.material_id else t for t in base]
    with pytest.raises(RuleError) as err:
        intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), no_date), Decision(Action.ACCEPT))
    assert "TOLERANCE_NO_DATE" in {p.code for p in err.value.problems}
    ok = [Tick(m.material_id, m.name, tolerated=True, promise_date=date(2026, 12, 4), clerk_note="原件在外地")
          if t.material_id == m.material_id else t for t in base]
    out = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), ok), Decision(Action.ACCEPT)).value
    d = case_detail(ctx, clerk, out.number)
    assert any(s.tolerated and s.promise_date == date(2026, 12, 4) for s in d.submissions)


def test_suspended_item_cannot_be_taken_in_and_says_why(ctx, clerk) -> None:
    suspended = [h for h in build_index(ctx).search("", limit=10_000) if h.status != "active"]
    assert suspended, "demo catalog must contain suspended/terminated items"
    for hit in suspended:
        g = item_guide(ctx, hit.item_id)
        assert not g.can_take_in and ("暂停" in g.blocked_message() or "终止" in g.blocked_message())
        with pytest.raises(RuleError) as err:
            receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)))
        assert err.value.code == "ITEM_NOT_ACTIVE"


def test_bad_applicant_is_refused_with_all_problems_and_nothing_saved(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    valid = resident_id("620321", "19850612", "231")
    typo = valid[:-1] + ("1" if valid[-1] != "1" else "2")
    before = counts(ctx)
    with pytest.raises(RuleError) as err:
        receive_case(ctx, clerk, IntakeInput(g.item_id, PartyInput("person", "", id_number=typo, phone="123"), []))
    codes = {p.code for p in err.value.problems}
    assert {"NAME_EMPTY", "ID_CHECKSUM"} <= codes and any(c.startswith("PHONE") for c in codes)
    assert all(p.message for p in err.value.problems)
    assert counts(ctx) == before


def test_agent_needs_an_authorisation(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    agent = person("李明", resident_id("620302", "19900101", "123"), "13993500000")
    with pytest.raises(RuleError) as err:
        receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g), agent=agent))
    assert err.value.code == "AGENT_NO_AUTHORISATION"
    out = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g), agent=agent,
                                               authorisation="代为办理设立登记，2026年11月18日签署")).value
    d = case_detail(ctx, clerk, out.number)
    assert d.agent.name == "李明" and "代为办理" in d.authorisation


def test_resubmission_keeps_the_number_and_starts_a_new_round(ctx, clerk, clock) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    name = first_required_non_verifiable(g)
    number = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), missing(g, {name})),
                               Decision(Action.REQUEST_SUPPLEMENT)).value.number
    clock.set(2026, 12, 1, 10, 0)
    resubmit_materials(ctx, clerk, number, all_provided(g))
    d = case_detail(ctx, clerk, number)
    assert d.state == State.RECEIVED and d.round == 2
    # A new 5-working-day window from the day the materials arrived.
    assert d.acceptance_due == ctx.calendar.add_working_days(date(2026, 12, 1), 5).date
    decide_case(ctx, clerk, number, Decision(Action.ACCEPT))
    assert case_detail(ctx, clerk, number).state == State.ACCEPTED


def test_no_decision_within_five_working_days_is_deemed_accepted_from_receipt(ctx, clerk, clock) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    due = case_detail(ctx, clerk, number).acceptance_due
    assert due == ctx.calendar.add_working_days(date(2026, 11, 20), 5).date == date(2026, 11, 27)
    clock.set(2026, 11, 27, 17, 0)  # last day: still open
    assert sweep_deemed_acceptances(ctx).value == []
    clock.set(2026, 11, 30, 9, 0)
    with pytest.raises(RuleError) as err:
        decide_case(ctx, clerk, number, Decision(Action.REQUEST_SUPPLEMENT))
    assert err.value.code == "CASE_DEEMED_ACCEPTED"
    d = case_detail(ctx, clerk, number)
    assert d.state == State.ACCEPTED and d.acceptance_basis == "deemed"
    assert d.accepted_on == date(2026, 11, 20)  # from the day of receipt
    assert d.timeline[-1].action == "deem_accepted" and d.timeline[-1].actor == "system"


def test_correction_on_the_spot_is_recorded_on_the_timeline(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    with pytest.raises(RuleError) as err:
        correct_on_spot(ctx, clerk, number, [("经营场所", "北海子路", "北海子路")])
    assert err.value.code == "CORRECTION_INVALID" and "不能相同" in err.value.message
    correct_on_spot(ctx, clerk, number, [("申请书·经营场所", "北海子路21号", "北海子路12号")])
    d = case_detail(ctx, clerk, number)
    assert d.state == State.RECEIVED and "北海子路12号" in d.timeline[-1].note


def test_special_procedure_stops_the_clock(ctx, clerk, clock) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    number = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT)).value.number
    due_before = case_detail(ctx, clerk, number).committed_due
    clock.set(2026, 11, 23, 9, 0)
    start_special_procedure(ctx, clerk, number, "现场勘验")
    assert case_detail(ctx, clerk, number).state == State.SUSPENDED
    clock.set(2026, 11, 26, 9, 0)  # Mon→Thu: 3 working days stopped
    assert case_detail(ctx, clerk, number).suspensions[0][4] is False  # within 现场勘验's own limit
    end_special_procedure(ctx, clerk, number)
    d = case_detail(ctx, clerk, number)
    assert d.state == State.IN_PROGRESS
    assert d.committed_due == ctx.calendar.add_working_days(due_before, 3).date


def test_earlier_materials_are_offered_for_reuse(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    first = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT)).value
    found = reusable_materials(ctx, clerk, person().id_number)
    name = first_required_non_verifiable(g)
    assert found[name].case_number == first.number
    # As a clerk types it: full-width digits, spaces and a dash from a pasted number.
    typed = person().id_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    typed = f" {typed[:6]} {typed[6:14]}-{typed[14:]} "
    assert reusable_materials(ctx, clerk, typed)[name].case_number == first.number


def test_pickup_desk_cannot_take_in_and_admin_cannot_decide(ctx) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    for user in ("pickup01", "admin01"):
        with pytest.raises(RuleError) as err:
            intake_and_decide(ctx, as_user(ctx, user), IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT))
        assert err.value.code == "PERMISSION_DENIED"


def test_every_change_is_chained_in_the_audit_log(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT))
    with ctx.read() as s:
        verdict = verify_chain(s)
        actions = set(s.scalars(select(AuditRecord.action)))
    assert verdict.intact
    assert {"case.receive", "case.accept", "login.success", "catalog.import"} <= actions


def test_wrong_password_is_refused_and_audited(ctx) -> None:
    from app.usecases.auth import login

    with pytest.raises(RuleError) as err:
        login(ctx, "clerk01", "wrong-password")
    assert err.value.code == "LOGIN_FAILED"
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "login.failed")) == 1


def test_a_special_procedure_past_its_own_limit_is_flagged(ctx, clerk, clock) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    number = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT)).value.number
    start_special_procedure(ctx, clerk, number, "公示")  # 7 working days
    clock.set(2026, 11, 30, 9, 0)
    assert case_detail(ctx, clerk, number).suspensions[0][4] is False
    clock.set(2026, 12, 2, 9, 0)  # 8 working days after 11-20
    assert case_detail(ctx, clerk, number).suspensions[0][4] is True


def test_running_out_of_numbers_is_refused_clearly_and_saves_nothing(ctx, clerk) -> None:
    from sqlalchemy import text

    g = find_item(ctx, "个体工商户设立登记")
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE number_blocks SET next = last"))  # one number left
    last = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    assert last.startswith("62032120269999999")
    with ctx.engine.connect() as conn:  # the last number closed its block, in the same save
        assert conn.execute(text("SELECT exhausted FROM number_blocks")).scalars().all() == [True]
    before = counts(ctx)
    with pytest.raises(RuleError) as err:
        receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)))
    assert err.value.code == "NUMBERS_EXHAUSTED" and "号段" in err.value.message
    assert counts(ctx) == before


def test_a_valid_number_with_an_unknown_region_code_is_saved_with_a_warning(ctx, clerk) -> None:
    """Codes are assigned where one is registered, and new ones appear: never refuse."""
    g = find_item(ctx, "个体工商户设立登记")
    newer = resident_id("620399", "20010101", "017")  # a county code no table knows yet
    out = receive_case(ctx, clerk, IntakeInput(g.item_id, person(id_number=newer), all_provided(g))).value
    assert [w.code for w in out.warnings] == ["ID_REGION_UNKNOWN"]
    assert case_detail(ctx, clerk, out.number).applicant.id_number == newer


def test_five_wrong_passwords_lock_the_account_until_a_supervisor_unlocks_it(ctx, clock) -> None:
    """Issue 12 #4: lockout after repeated failures, with the supervisor able to unlock."""
    from app.usecases.auth import LOCK_MINUTES, login, unlock_account

    for _ in range(5):
        with pytest.raises(RuleError) as err:
            login(ctx, "clerk01", "wrong-password")
        assert err.value.code == "LOGIN_FAILED"
    with pytest.raises(RuleError) as err:
        login(ctx, "clerk01", "demo1234")  # the right password, but locked now
    assert err.value.code == "ACCOUNT_LOCKED" and "值班主任" in err.value.message
    with pytest.raises(RuleError) as err:
        unlock_account(ctx, as_user(ctx, "pickup01"), "clerk01")  # not a pick-up clerk's to unlock
    assert err.value.code == "PERMISSION_DENIED"
    unlock_account(ctx, as_user(ctx, "super01"), "clerk01")
    assert login(ctx, "clerk01", "demo1234").username == "clerk01"
    for _ in range(5):
        with pytest.raises(RuleError):
            login(ctx, "station01", "nope")
    clock.set(2026, 11, 20, 9, 30 + LOCK_MINUTES + 1)  # or the lock runs out by itself
    assert login(ctx, "station01", "demo1234").username == "station01"


def test_the_screen_check_lists_each_problem_once(ctx, clerk) -> None:
    """Before F9 the screen asks what is wrong; an unanswered "如涉及" material was listed twice
    (once by the form's check, once by the acceptance's), so "请修改以下 4 处" showed 2 things."""
    g = find_item(ctx, "个体工商户设立登记")
    ticks = [t if m.required else replace(t, provided=Provided.NONE, pages=0, answered=False)
             for m, t in zip(g.materials, all_provided(g), strict=True)]
    unanswered = sum(1 for m in g.materials if not m.required)
    assert unanswered >= 1
    problems = intake_problems(ctx, clerk, IntakeInput(g.item_id, person(), ticks), Action.ACCEPT,
                               Decision(Action.ACCEPT))
    assert [p.code for p in problems] == ["MATERIAL_UNANSWERED"] * unanswered
    assert len({p.message for p in problems}) == unanswered


def test_the_intake_channel_follows_who_takes_the_case_in(ctx, clerk) -> None:
    """便民站代收 or 窗口 is the use case's to decide from the clerk's role; the screen used to
    decide it, so any other caller (the admin command, a script) could record the wrong one."""
    g = find_item(ctx, "个体工商户设立登记")
    station = as_user(ctx, "station01")
    at_station = receive_case(ctx, station, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    at_window = receive_case(ctx, clerk, IntakeInput(g.item_id, person("李建华", resident_id("620321", "19800101", "222")),
                                                     all_provided(g))).value.number
    assert case_detail(ctx, clerk, at_station).channel == "station"
    assert case_detail(ctx, clerk, at_window).channel == "window"
    with ctx.read() as s:
        sent = {n: p["data"]["channel"] for n, p in s.execute(select(OutboxEvent.case_number, OutboxEvent.payload))}
    assert sent == {at_station: "station", at_window: "window"}  # what the platform is told

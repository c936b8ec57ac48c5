"""Which checklist questions a material raises (issue 10 #3): the guide's own words decide."""

from __future__ import annotations

from datetime import date

from app.rules.decisions import AGENT, ALWAYS, CONDITIONAL, Tick, material_condition, tick_problems

AGENT_NOTE = "委托他人代为办理时提交，须载明委托事项、权限和期限，由委托人签字或盖章"


def test_required_materials_always_apply() -> None:
    assert material_condition("个体工商户开业登记申请书", "", required=True) == ALWAYS
    assert material_condition("监护人居民身份证", "可通过电子证照库核验", required=True) == ALWAYS  # a pupil's guardian


def test_agent_materials_follow_the_agent() -> None:
    assert material_condition("授权委托书", AGENT_NOTE, required=False) == AGENT
    assert material_condition("受托人居民身份证", "委托他人代为办理时提供；可通过电子证照库核验，免提交", False) == AGENT


def test_other_optional_materials_are_questions_not_assumptions() -> None:
    assert material_condition("许可证件或批准文件", "经营范围涉及依法须经批准的前置审批项目的提交", False) == CONDITIONAL
    assert material_condition("监护人居民身份证", "申请人为未成年人或无民事行为能力人的提供", False) == CONDITIONAL
    assert material_condition("婚姻状况证明", "涉及夫妻共有的提供", False) == CONDITIONAL


def test_an_unanswered_question_is_refused_by_name() -> None:
    t = Tick(1, "许可证件或批准文件", answered=False)
    [p] = tick_problems(None, t, date(2026, 11, 20))
    assert p.code == "MATERIAL_UNANSWERED" and "许可证件或批准文件" in p.message and "不涉及" in p.message

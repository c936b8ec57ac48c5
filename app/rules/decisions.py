"""What each decision needs before it may be taken (行政许可法 第三十二条, 永昌办法 第十八条).

Pure functions over plain data: the use cases feed them the item's material list and the
clerk's ticks, and refuse with every problem at once — the same one-time principle the
law asks of us towards the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from app.rules.problems import Problem
from app.rules.text import MAX_CORRECTIONS, check_text


class Provided(StrEnum):
    ORIGINAL = "original"
    COPY = "copy"
    ELECTRONIC = "electronic"
    NONE = "none"


PROVIDED_LABELS = {
    Provided.ORIGINAL: "原件",
    Provided.COPY: "复印件",
    Provided.ELECTRONIC: "电子",
    Provided.NONE: "未提交",
}


class RejectGround(StrEnum):
    NOT_COMPETENT = "not_competent"  # 不属于本机关职权范围
    NO_PERMIT_NEEDED = "no_permit_needed"  # 依法不需要取得行政许可
    NOT_ELIGIBLE = "not_eligible"  # 申请人不具备申请资格
    LAW_FORBIDS = "law_forbids"  # 法律法规明确不予受理的情形
    OTHER = "other"


REJECT_GROUND_LABELS = {
    RejectGround.NOT_COMPETENT: "申请事项依法不属于本机关职权范围",
    RejectGround.NO_PERMIT_NEEDED: "申请事项依法不需要取得行政许可",
    RejectGround.NOT_ELIGIBLE: "申请人不具备申请资格",
    RejectGround.LAW_FORBIDS: "属于法律、法规规定不予受理的情形",
    RejectGround.OTHER: "其他",
}


@dataclass(frozen=True)
class Requirement:
    """One material the item asks for."""

    material_id: int
    name: str
    required: bool
    tolerable: bool
    platform_verifiable: bool


@dataclass(frozen=True)
class Tick:
    """What the clerk recorded for one material at the window."""

    material_id: int | None
    name: str
    provided: Provided = Provided.NONE
    pages: int = 0
    reused_from_case: str = ""
    platform_verified: bool = False
    tolerated: bool = False
    promise_date: date | None = None
    clerk_note: str = ""
    problem: str = ""  # "" | "missing" | "incorrect"
    problem_note: str = ""
    answered: bool = True  # False: a conditional material ("…时提交") the clerk has not yet answered
    scans: tuple[str, ...] = ()  # SHA-256 of each page captured with the document camera (F6)


@dataclass(frozen=True)
class SupplementLine:
    name: str
    kind: str  # missing | incorrect
    note: str


_PROVIDED_VALUES = frozenset(p.value for p in Provided)
MAX_PAGES = 9999  # pages of one material: a number the clerk types, kept within what the store holds


def trimmed(tick: Tick) -> Tick:
    """The tick as it is stored: its free text without surrounding spaces (what the limits count)."""
    texts = (tick.name.strip(), tick.reused_from_case.strip(), tick.clerk_note.strip(), tick.problem_note.strip())
    if texts == (tick.name, tick.reused_from_case, tick.clerk_note, tick.problem_note):
        return tick  # frozen, and nothing to trim (the usual case): no copy
    return replace(tick, name=texts[0], reused_from_case=texts[1], clerk_note=texts[2], problem_note=texts[3])


def _label(tick: Tick) -> str:
    """材料“…” — or just 材料 when the name itself is too long or holds what cannot be shown."""
    name = tick.name.strip()
    return "材料" if check_text("material_name", name) else f"材料“{name}”"


def tick_text_problems(tick: Tick) -> list[Problem]:
    """The free text of one tick within the limits of app/rules/text.py. The material is
    named in the message only when its name itself is fine to show."""
    out = check_text("material_name", tick.name.strip(), "materials")
    label = _label(tick)
    if str(tick.provided) not in _PROVIDED_VALUES:
        out.append(Problem("MATERIAL_PROVIDED", f"{label}的提交情况不正确，请重新选择。", "provided"))
    if tick.problem not in ("", "missing", "incorrect"):
        out.append(Problem("MATERIAL_PROBLEM", f"{label}的补正标记不正确，请重新选择。", "problem"))
    if not 0 <= tick.pages <= MAX_PAGES:
        out.append(Problem("MATERIAL_PAGES", f"{label}页数应在0到{MAX_PAGES}之间。", "pages"))
    out += check_text("reused_from_case", tick.reused_from_case.strip(), "reused_from_case",
                      f"{label}复用的办件编号")
    out += check_text("clerk_note", tick.clerk_note.strip(), "clerk_note", f"{label}的备注")
    out += check_text("problem_note", tick.problem_note.strip(), "problem_note", f"{label}需补正的说明")
    return out


def tick_problems(req: Requirement | None, tick: Tick, today: date) -> list[Problem]:
    """Contradictions in one tick, whatever the decision."""
    out: list[Problem] = tick_text_problems(tick)
    label = _label(tick)
    if tick.platform_verified and req is not None and not req.platform_verifiable:
        out.append(Problem("MATERIAL_NOT_VERIFIABLE", f"{label}不能由平台核验，须由申请人提交。"))
    if tick.tolerated:
        if req is not None and not req.tolerable:
            out.append(Problem("MATERIAL_NOT_TOLERABLE", f"{label}不在容缺受理范围内。"))
        if tick.promise_date is None:
            out.append(Problem("TOLERANCE_NO_DATE", f"{label}容缺受理须填写承诺补交日期。", "promise_date"))
        elif tick.promise_date <= today:
            out.append(Problem("TOLERANCE_DATE_PAST", f"{label}承诺补交日期须晚于今天。", "promise_date"))
        if tick.provided != Provided.NONE:
            out.append(Problem("TOLERANCE_BUT_PROVIDED", f"{label}已提交，不应再标为容缺。"))
    if tick.problem == "incorrect" and not tick.problem_note.strip():
        out.append(Problem("INCORRECT_NO_NOTE", f"{label}标为“需补正”，须写明哪里不符合要求。", "problem_note"))
    if not tick.answered:
        out.append(Problem("MATERIAL_UNANSWERED", f"{label}是否涉及本件尚未确认：请选择提交情况或“不涉及”。", "materials"))
    return out


# Material condition: who or what makes a non-required material apply (a pure reading of the
# guide's own words, so the checklist asks the right question instead of assuming).
AGENT, CONDITIONAL, ALWAYS = "agent", "conditional", "always"
NOT_APPLICABLE_NOTE = "不涉及"


def material_condition(name: str, notes: str, required: bool) -> str:
    """ALWAYS for a required material; AGENT when it applies only if someone acts for the
    applicant (授权委托书, 受托人身份证 …); CONDITIONAL for any other "如涉及/…时提交" material,
    which the clerk must answer explicitly (provided, or 不涉及)."""
    if required:
        return ALWAYS
    text = name + notes
    if "受托人" in name or "委托他人代为办理" in notes or ("授权委托书" in name and "代" in text):
        return AGENT
    return CONDITIONAL


def is_satisfied(tick: Tick | None) -> bool:
    if tick is None or tick.problem:
        return False
    return tick.provided != Provided.NONE or tick.platform_verified or tick.tolerated


def acceptance_problems(reqs: list[Requirement], ticks: list[Tick], today: date) -> list[Problem]:
    """Accept only when every required material is provided, verified by the platform, or
    tolerated with a promise date, and nothing is marked as needing correction."""
    by_id = {t.material_id: t for t in ticks if t.material_id is not None}
    reqs_by_id = {r.material_id: r for r in reqs}
    problems = [p for t in ticks for p in tick_problems(reqs_by_id.get(t.material_id), t, today)]
    missing = [r.name for r in reqs if r.required and not is_satisfied(by_id.get(r.material_id))]
    if missing:
        problems.append(
            Problem("ACCEPT_MATERIALS_MISSING", "以下必需材料未齐全，不能受理，应一次性告知补正：" + "、".join(missing) + "。")
        )
    flagged = [t.name for t in ticks if t.problem == "incorrect"]
    if flagged:
        problems.append(Problem("ACCEPT_MATERIALS_INCORRECT", "以下材料标为需补正，不能受理：" + "、".join(flagged) + "。"))
    return problems


def supplement_lines(reqs: list[Requirement], ticks: list[Tick]) -> list[SupplementLine]:
    """Everything the applicant must bring: every required material not satisfied (even if
    the clerk forgot to mark it) plus everything marked incorrect — 一次性告知."""
    by_id = {t.material_id: t for t in ticks if t.material_id is not None}
    lines: list[SupplementLine] = []
    for r in reqs:
        t = by_id.get(r.material_id)
        if t is not None and t.problem == "incorrect":
            lines.append(SupplementLine(r.name, "incorrect", t.problem_note.strip()))
        elif r.required and not is_satisfied(t):
            note = (t.problem_note.strip() if t else "") or "未提交"
            lines.append(SupplementLine(r.name, "missing", note))
    for t in ticks:
        if t.material_id is None and t.problem:
            lines.append(SupplementLine(t.name, t.problem, t.problem_note.strip() or "未提交"))
    return lines


def supplementation_problems(reqs: list[Requirement], ticks: list[Tick], today: date) -> list[Problem]:
    reqs_by_id = {r.material_id: r for r in reqs}
    problems = [p for t in ticks for p in tick_problems(reqs_by_id.get(t.material_id), t, today)]
    if not supplement_lines(reqs, ticks):
        problems.append(Problem("SUPPLEMENT_NOTHING_MISSING", "材料已齐全且无需补正的内容，应直接受理。"))
    return problems


def rejection_problems(ground: str, reason: str, competent_agency: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        g = RejectGround(ground)
    except ValueError:
        return [Problem("REJECT_GROUND", "请选择不予受理的理由类别。", "ground")]
    problems += check_text("reject_reason", reason.strip(), "reason")
    problems += check_text("competent_agency", competent_agency.strip(), "competent_agency")
    if problems:
        return problems
    if len(reason.strip()) < 4:
        problems.append(Problem("REJECT_NO_REASON", "不予受理须写明具体理由（至少4个字）。", "reason"))
    if g == RejectGround.NOT_COMPETENT and not competent_agency.strip():
        problems.append(
            Problem("REJECT_NO_AGENCY", "不属于本机关职权范围的，须告知申请人向哪个有关行政机关申请。", "competent_agency")
        )
    return problems


def remedy_text(review_body: str, court: str) -> str:
    """The remedy every rejection must state (行政复议法 第二十条, 行政诉讼法 第四十六条)."""
    return (
        f"申请人如对本决定不服，可以自收到本通知之日起六十日内向{review_body}申请行政复议，"
        f"或者自收到本通知之日起六个月内向{court}提起行政诉讼。"
    )


_CORRECTION_LABELS = {"correction_field": "更正项目", "correction_before": "更正前内容", "correction_after": "更正后内容"}


def correction_problems(corrections: list[tuple[str, str, str]]) -> list[Problem]:
    """当场更正: each correction names the field, what it was and what it is now."""
    if not corrections:
        return [Problem("CORRECTION_EMPTY", "请填写当场更正的内容。")]
    if len(corrections) > MAX_CORRECTIONS:
        return [Problem("CORRECTION_TOO_MANY", f"一次当场更正最多登记{MAX_CORRECTIONS}项，现在是{len(corrections)}项，请分次登记。")]
    text = [p for i, c in enumerate(corrections, 1) for key, value in zip(
        ("correction_field", "correction_before", "correction_after"), c, strict=True)
        for p in check_text(key, value.strip(), key, f"第{i}条更正的{_CORRECTION_LABELS[key]}")]
    if text:
        return text
    bad = [c for c in corrections if not c[0].strip() or c[1].strip() == c[2].strip()]
    if bad:
        return [Problem("CORRECTION_INVALID", "每条更正须写明更正项目，且更正前后内容不能相同。")]
    return []

"""The decision on a received case, as 行政许可法 第三十二条 allows it and nothing else:
accept, one-time supplementation notice, reject (with reason, competent agency, remedy),
correct on the spot. Plus what follows: resubmission, deemed acceptance, withdrawal."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import SYSTEM, Actor
from app.case_states import Action, State
from app.changes import OpResult
from app.context import AppContext
from app.events import CorrectionData, SupplementData, ToleratedData, materials_of
from app.permissions import Perm
from app.rules.decisions import (
    REJECT_GROUND_LABELS,
    RejectGround,
    Requirement,
    Tick,
    acceptance_problems,
    correction_problems,
    rejection_problems,
    remedy_text,
    supplement_lines,
    supplementation_problems,
    tick_text_problems,
    trimmed,
)
from app.rules.problems import Problem, RuleError
from app.rules.text import MAX_MATERIALS, check_text
from app.storage.models import Case, Material, MaterialSubmission
from app.unit_of_work import UnitOfWork
from app.usecases.case_flow import apply_transition, check_step, load_case
from app.usecases.documents import IssuedDoc, issue_documents, supplement_due
from app.usecases.intake import (
    IntakeInput,
    add_submissions,
    check_intake,
    item_requirements,
    load_item,
    receive,
    requirements_of,
)

DECISIONS = (Action.ACCEPT, Action.REQUEST_SUPPLEMENT, Action.REJECT)


@dataclass(frozen=True)
class Decision:
    action: Action
    reject_ground: str = ""
    reason: str = ""
    competent_agency: str = ""
    note: str = ""


@dataclass(frozen=True)
class DecisionOutcome:
    number: str
    state: State
    supplement: tuple[dict, ...] = field(default_factory=tuple)
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    documents: tuple[IssuedDoc, ...] = field(default_factory=tuple)  # what to preview and print now


def _current_ticks(s: Session, case: Case) -> list[Tick]:
    rows = s.scalars(
        select(MaterialSubmission).where(MaterialSubmission.case_id == case.id, MaterialSubmission.round == case.round)
        .order_by(MaterialSubmission.id)
    )
    return [Tick(r.material_id, r.name, r.provided, r.pages, r.reused_from_case, r.platform_verified, r.tolerated,
                 r.promise_date, r.clerk_note, r.problem, r.problem_note) for r in rows]


def decision_problems(today: date, reqs: list[Requirement], ticks: list[Tick], decision: Decision) -> list[Problem]:
    """Checks a decision without saving anything: the screen asks before it commits."""
    note = check_text("decision_note", decision.note.strip(), "note")
    if decision.action == Action.ACCEPT:
        return note + acceptance_problems(reqs, ticks, today)
    if decision.action == Action.REQUEST_SUPPLEMENT:
        return note + supplementation_problems(reqs, ticks, today)
    if decision.action == Action.REJECT:
        return note + rejection_problems(decision.reject_ground, decision.reason, decision.competent_agency)
    return [Problem("DECISION_KIND", "不是受理环节的决定。")]


def _decide(uow: UnitOfWork, case: Case, decision: Decision, reqs: list[Requirement] | None = None) -> DecisionOutcome:
    """`reqs`: the item's requirements when the caller read the item in this transaction."""
    if decision.action not in DECISIONS:
        raise RuleError(Problem("DECISION_KIND", "不是受理环节的决定。"))
    check_step(uow, case, decision.action)  # state, who and permission before anything else
    s = uow.session
    ticks = _current_ticks(s, case)
    reqs = item_requirements(s, case.item_id) if reqs is None else reqs
    problems = decision_problems(uow.today, reqs, ticks, decision)
    if problems:
        raise RuleError(problems)
    detail: dict = {"materials": materials_of(ticks, case.round)}
    lines: tuple[dict, ...] = ()
    if decision.action == Action.ACCEPT:
        case.accepted_on = uow.today
        case.acceptance_basis = "decision"
        detail["tolerated"] = tuple(ToleratedData(t.name, t.promise_date) for t in ticks if t.tolerated)
    elif decision.action == Action.REQUEST_SUPPLEMENT:
        case.supplement_due = supplement_due(uow)
        found = supplement_lines(reqs, ticks)
        lines = tuple(asdict(line) for line in found)
        detail["supplement"] = tuple(SupplementData(line.name, line.kind, line.note) for line in found)
    else:
        case.reject_ground = decision.reject_ground
        case.reject_reason = decision.reason.strip()
        case.competent_agency = decision.competent_agency.strip()
        case.remedy = remedy_text(uow.settings.get("review_body"), uow.settings.get("court"))
        detail.update(ground=decision.reject_ground, ground_label=REJECT_GROUND_LABELS[RejectGround(decision.reject_ground)],
                      reason=case.reject_reason, competent_agency=case.competent_agency, remedy=case.remedy)
    row = apply_transition(uow, case, decision.action, decision.note.strip(), **detail)
    documents = issue_documents(uow, case, row)
    return DecisionOutcome(case.number, row.to, lines, documents=documents)


def intake_and_decide(ctx: AppContext, actor: Actor, data: IntakeInput, decision: Decision) -> OpResult[DecisionOutcome]:
    """The window's usual path: the applicant is in front of the clerk, who receives and
    decides at once — one transaction, so a refused decision saves nothing half-way."""
    data = _for_decision(data, decision.action)
    with ctx.unit_of_work(actor) as uow:
        check_step(uow, None, Action.RECEIVE)
        item = load_item(uow.session, data.item_id)
        problems = decision_problems(uow.today, requirements_of(item), data.materials, decision)
        if problems:
            raise RuleError(problems)
        case, warnings = receive(uow, item, data)
        decided = _decide(uow, case, decision, requirements_of(item))
    return OpResult(DecisionOutcome(decided.number, decided.state, decided.supplement, warnings, decided.documents),
                    uow.changes.freeze())


def _for_decision(data: IntakeInput, action: Action) -> IntakeInput:
    """A rejection turns on competence, not on the checklist: an unanswered "如涉及" material is
    then simply not received."""
    if action != Action.REJECT:
        return data
    return replace(data, materials=[t if t.answered else replace(t, answered=True) for t in data.materials])


def intake_problems(ctx: AppContext, actor: Actor, data: IntakeInput, action: Action,
                    decision: Decision | None = None) -> list[Problem]:
    """Everything wrong with the form and the decision, saving nothing: the screen checks this
    before it shows the applicant a list to confirm (a one-time notice confirmed, then refused
    for a wrong ID digit, is a notice given twice)."""
    actor.require(Perm.CASE_INTAKE)
    data = _for_decision(data, action)
    with ctx.read() as s:
        item = load_item(s, data.item_id)
        today = ctx.today()
        _a, _g, problems, _w = check_intake(today, item, data)
        if decision is not None:
            problems += decision_problems(today, requirements_of(item), data.materials, decision)
    # Both checks look at each material: the clerk reads each thing to fix once, in order.
    return list(dict.fromkeys(problems))


def _typed_number(number: str) -> None:
    """A case number typed or pasted: refused before it is looked up (and echoed in "没有编号为…")."""
    problems = check_text("case_number", number.strip(), "number")
    if problems:
        raise RuleError(problems)


def decide_case(ctx: AppContext, actor: Actor, number: str, decision: Decision) -> OpResult[DecisionOutcome]:
    _typed_number(number)
    deemed = sweep_deemed_acceptances(ctx, only_number=number)
    if deemed.value:
        raise RuleError(Problem(
            "CASE_DEEMED_ACCEPTED",
            "该办件收件后超过5个工作日未作出决定，依法自收到申请材料之日起视为受理，已按受理处理，不能再出具补正告知或不予受理。",
        ))
    with ctx.unit_of_work(actor) as uow:
        outcome = _decide(uow, load_case(uow.session, number), decision)
    return OpResult(outcome, uow.changes.freeze())


def resubmit_materials(ctx: AppContext, actor: Actor, number: str, ticks: list[Tick]) -> OpResult[str]:
    """补正材料送达: same case number, a new round, back to review (the 5-day clock restarts)."""
    _typed_number(number)
    if len(ticks) > MAX_MATERIALS:
        raise RuleError(Problem("MATERIALS_TOO_MANY", f"一个办件最多登记{MAX_MATERIALS}项材料，现在是{len(ticks)}项。", "materials"))
    ticks = [trimmed(t) for t in ticks]
    problems = [p for t in ticks for p in tick_text_problems(t)]
    if problems:
        raise RuleError(problems)
    with ctx.unit_of_work(actor) as uow:
        case = load_case(uow.session, number)
        check_step(uow, case, Action.RESUBMIT)
        own = set(uow.session.scalars(select(Material.id).where(Material.item_id == case.item_id)))
        if any(t.material_id is not None and t.material_id not in own for t in ticks):
            raise RuleError(Problem("MATERIAL_UNKNOWN", "有材料不属于该办件的事项，请重新打开办件后再登记。", "materials"))
        case.round += 1
        case.round_received_on = uow.today
        add_submissions(uow.session, case.id, case.round, ticks)
        apply_transition(uow, case, Action.RESUBMIT, materials=materials_of(ticks, case.round))
    return OpResult(case.number, uow.changes.freeze())


def correct_on_spot(ctx: AppContext, actor: Actor, number: str, corrections: list[tuple[str, str, str]]) -> OpResult[str]:
    """当场更正: an error the applicant can fix at the counter is fixed there, and recorded."""
    _typed_number(number)
    problems = correction_problems(corrections)
    if problems:
        raise RuleError(problems)
    corrections = [(f.strip(), b.strip(), a.strip()) for f, b, a in corrections]
    with ctx.unit_of_work(actor) as uow:
        case = load_case(uow.session, number)
        apply_transition(uow, case, Action.CORRECT_ON_SPOT,
                         note="；".join(f"{f}：{b} → {a}" for f, b, a in corrections),
                         corrections=tuple(CorrectionData(f, b, a) for f, b, a in corrections))
    return OpResult(case.number, uow.changes.freeze())


def withdraw_case(ctx: AppContext, actor: Actor, number: str, reason: str) -> OpResult[str]:
    _typed_number(number)
    if not reason.strip():
        raise RuleError(Problem("WITHDRAW_NO_REASON", "请登记申请人撤回申请的原因。", "reason"))
    problems = check_text("withdraw_reason", reason.strip(), "reason")
    if problems:
        raise RuleError(problems)
    with ctx.unit_of_work(actor) as uow:
        case = load_case(uow.session, number)
        apply_transition(uow, case, Action.WITHDRAW, note=reason.strip())
    return OpResult(case.number, uow.changes.freeze())


def sweep_deemed_acceptances(ctx: AppContext, only_number: str | None = None) -> OpResult[list[str]]:
    """行政许可法 第三十二条: no decision within 5 working days of receipt → accepted from the
    day of receipt. Recorded as its own transition by the terminal (the SYSTEM actor), run on
    start, periodically and before any decision."""
    done: list[str] = []
    with ctx.unit_of_work(SYSTEM) as uow:
        q = select(Case).where(Case.state == State.RECEIVED.value, Case.acceptance_due < uow.today)
        if only_number is not None:
            q = q.where(Case.number == load_case(uow.session, only_number).number)
        for case in uow.session.scalars(q).all():
            case.accepted_on = case.round_received_on
            case.acceptance_basis = "deemed"
            apply_transition(
                uow, case, Action.DEEM_ACCEPTED,
                note=f"受理期限 {case.acceptance_due:%Y-%m-%d} 届满未作决定，自收件之日起视为受理",
                acceptance_due=case.acceptance_due, effective_on=case.round_received_on,
            )
            done.append(case.number)
    return OpResult(done, uow.changes.freeze())


def preview_supplement(ctx: AppContext, item_id: int, ticks: list[Tick]) -> list[dict]:
    """What the one-time notice would list, for the clerk to confirm before issuing it."""
    with ctx.read() as s:
        return [asdict(line) for line in supplement_lines(item_requirements(s, item_id), ticks)]


def remedy_preview(ctx: AppContext) -> str:
    return remedy_text(ctx.settings.get("review_body"), ctx.settings.get("court"))


def preview_case_supplement(ctx: AppContext, number: str) -> list[dict]:
    """The same preview for a case already received, from its current round's materials."""
    with ctx.read() as s:
        case = load_case(s, number)
        return [asdict(line) for line in supplement_lines(item_requirements(s, case.item_id), _current_ticks(s, case))]

"""Special procedures (勘验, 检验, 专家评审, 公示 …): they stop the case's clock and run on
their own time limit (永昌办法 第十九条)."""

from __future__ import annotations

from sqlalchemy import select

from app.actor import Actor
from app.case_states import Action, State
from app.changes import OpResult
from app.context import AppContext
from app.rules.problems import Problem, RuleError
from app.storage.models import ClockSuspension, ServiceItem
from app.usecases.case_flow import apply_transition, check_step, load_case

# Procedures any item may need, with a default limit where the item's guide names none.
STANDARD_PROCEDURES = {"现场勘验": 5, "听证": 20, "检验": 15, "检测": 15, "检疫": 10, "鉴定": 20, "专家评审": 10, "公示": 7,
                       "招标": 20, "拍卖": 20, "挂牌交易": 20}


def procedures_for(ctx: AppContext, number: str) -> dict[str, int]:
    with ctx.read() as s:
        case = load_case(s, number)
        item = s.get(ServiceItem, case.item_id)
        own = {p["name"]: int(p["limit_days"]) for p in item.special_procedures or []}
    return own | {k: v for k, v in STANDARD_PROCEDURES.items() if k not in own}


def start_special_procedure(ctx: AppContext, actor: Actor, number: str, procedure: str) -> OpResult[str]:
    limits = procedures_for(ctx, number)
    if procedure not in limits:
        raise RuleError(Problem("PROCEDURE_UNKNOWN", f"“{procedure}”不是规定的特别程序。", "procedure"))
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        case = load_case(s, number)
        if case.state == State.ACCEPTED:  # a special procedure starts the processing first
            apply_transition(uow, case, Action.START_PROCESSING)
        check_step(uow, case, Action.SUSPEND_CLOCK)
        s.add(ClockSuspension(case_id=case.id, procedure=procedure, limit_days=limits[procedure], started_on=uow.today))
        s.flush()
        apply_transition(uow, case, Action.SUSPEND_CLOCK, note=procedure, procedure=procedure,
                         limit_days=limits[procedure])
    return OpResult(case.number, uow.changes.freeze())


def end_special_procedure(ctx: AppContext, actor: Actor, number: str) -> OpResult[str]:
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        case = load_case(s, number)
        check_step(uow, case, Action.RESUME_CLOCK)
        open_one = s.scalars(
            select(ClockSuspension).where(ClockSuspension.case_id == case.id, ClockSuspension.ended_on.is_(None))
        ).first()
        if open_one is not None:
            open_one.ended_on = uow.today
            s.flush()
        name = open_one.procedure if open_one else ""
        apply_transition(uow, case, Action.RESUME_CLOCK, note=name, procedure=name)
    return OpResult(case.number, uow.changes.freeze())

"""The terminal, the contract and the sandbox agree on what may happen to a case and on what
every event carries (issue: one workflow table). The terminal's workflow (app/) and the
contract (sync/contract/) are two definitions, so they are held equal here; the sandbox
applies the contract's table itself."""

from __future__ import annotations

import typing
from dataclasses import fields, is_dataclass

from app.case_states import CASE_WORKFLOW, PROGRESS_TARGETS, State
from app.events import EVENT_TYPES
from app.workflow import By
from sandbox import events as sandbox_events
from sync import contract


def _by(row) -> str:  # noqa: ANN001
    platform = By.PLATFORM in row.by
    terminal = row.event is not None
    return "both" if platform and terminal else "platform" if platform else "terminal"


def test_the_terminal_and_the_contract_know_the_same_states_and_moves() -> None:
    assert tuple(s.value for s in State) == contract.CASE_STATES
    assert set(typing.get_args(contract.CaseState)) == set(contract.CASE_STATES)
    # Every move the platform must know of: those the terminal reports and those the platform reports.
    shared = {(f, a, t, _by(r)) for (f, a, t), r in zip(CASE_WORKFLOW.transitions(), CASE_WORKFLOW.steps, strict=True)
              if r.event or By.PLATFORM in r.by}
    assert shared == set(contract.CASE_TRANSITIONS)
    # Local-only rows (printing a certificate) never reach the platform.
    local = {r.action.value for r in CASE_WORKFLOW.steps if not r.event and By.PLATFORM not in r.by}
    assert local == {"print_certificate"}


def test_progress_steps_are_the_contracts() -> None:
    assert set(PROGRESS_TARGETS) == set(typing.get_args(contract.ProgressStep))


def test_the_sandbox_applies_the_contracts_table_not_a_copy() -> None:
    assert sandbox_events.TRANSITIONS == {(f, a): t for f, a, t, _ in contract.CASE_TRANSITIONS if f}
    assert sandbox_events.BACK_OFFICE_ACTIONS == contract.PLATFORM_ACTIONS


def _wire(name: str) -> str:
    return "from" if name == "from_" else name


def _shape(tp: object) -> object:
    """A comparable description of a dataclass's fields (wire names, nested types)."""
    if is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return {_wire(f.name): _shape(hints[f.name]) for f in fields(tp)}
    origin = typing.get_origin(tp)
    if origin is tuple or origin is list:
        return [_shape(typing.get_args(tp)[0])]
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if args and len(args) < len(typing.get_args(tp)):  # X | None
        return ("optional", _shape(args[0]))
    return getattr(tp, "__name__", str(tp))


def _model_shape(tp: object) -> object:
    from pydantic import BaseModel

    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {(f.alias or name): _model_shape(f.annotation) for name, f in tp.model_fields.items()}
    origin = typing.get_origin(tp)
    if origin is list:
        return [_model_shape(typing.get_args(tp)[0])]
    if origin is typing.Annotated:
        return _model_shape(typing.get_args(tp)[0])
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if args and len(args) < len(typing.get_args(tp)):
        return ("optional", _model_shape(args[0]))
    if origin is typing.Literal:
        return "str"
    return getattr(tp, "__name__", str(tp))


def test_every_event_kind_carries_the_same_fields_on_both_sides() -> None:
    assert set(EVENT_TYPES) == set(contract.EVENT_DATA_MODELS)
    assert {f"case.{a}" for a in contract.TERMINAL_ACTIONS} == set(EVENT_TYPES)
    for kind, app_type in EVENT_TYPES.items():
        assert _shape(app_type) == _model_shape(contract.EVENT_DATA_MODELS[kind]), kind


def test_what_the_terminal_queues_is_what_the_contract_accepts(ctx, clerk, clock) -> None:
    """Every event kind a use case writes today, read back from the outbox and validated with
    the contract's models — the check the sandbox runs before it applies an event."""
    from sqlalchemy import select

    from app.case_states import Action
    from app.rules.decisions import RejectGround
    from app.storage.models import OutboxEvent
    from app.usecases.decisions import (
        Decision,
        correct_on_spot,
        intake_and_decide,
        resubmit_materials,
        sweep_deemed_acceptances,
        withdraw_case,
    )
    from app.usecases.intake import IntakeInput, receive_case
    from app.usecases.procedures import end_special_procedure, start_special_procedure
    from tests.helpers import all_provided, find_item, missing, person

    g = find_item(ctx, "个体工商户设立登记")
    take = IntakeInput(g.item_id, person(), all_provided(g))
    accepted = intake_and_decide(ctx, clerk, take, Decision(Action.ACCEPT)).value.number
    start_special_procedure(ctx, clerk, accepted, "现场勘验")
    end_special_procedure(ctx, clerk, accepted)
    withdraw_case(ctx, clerk, accepted, "申请人书面申请撤回")
    gap = IntakeInput(g.item_id, person(), missing(g, {g.materials[0].name}))
    waiting = intake_and_decide(ctx, clerk, gap, Decision(Action.REQUEST_SUPPLEMENT)).value.number
    resubmit_materials(ctx, clerk, waiting, all_provided(g))
    correct_on_spot(ctx, clerk, waiting, [("申请书·经营场所", "北海子路21号", "北海子路12号")])
    intake_and_decide(ctx, clerk, take, Decision(Action.REJECT, RejectGround.NOT_COMPETENT.value, "不属本机关职权",
                                                  "金昌市生态环境局永昌分局"))
    receive_case(ctx, clerk, take)
    clock.set(2026, 12, 1, 10, 0)
    assert sweep_deemed_acceptances(ctx).value  # the terminal's own step goes to the platform too

    with ctx.read() as s:
        payloads = [e.payload for e in s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))]
    kinds = set()
    for p in payloads:
        event = contract.Event.model_validate(p)
        contract.event_data(event)  # raises if the data is not as its kind needs
        kinds.add(event.kind)
    assert kinds == set(EVENT_TYPES) - {"case.collect", "case.mail"}  # the pick-up desk issue adds those


def test_the_terminal_signs_and_checks_the_contracts_audit_texts() -> None:
    """app/ may not import the contract, so it has its own copy of the signed texts: equal."""
    from app.usecases import audit_integrity as mine
    from sync.contract import audit as theirs

    args = ("ZWFW-620321-02", 42, "ab" * 32, 40, "cd" * 32, "2026-11-20T10:00:00+08:00")
    assert mine.checkpoint_text(*args) == theirs.checkpoint_text(*args)
    assert mine.checkpoint_text(*args) != theirs.checkpoint_text(*args[:1], 43, *args[2:])
    rargs = ("ZWFW-620321-02", 42, "ab" * 32, "2026-11-20T10:00:01+08:00")
    assert mine.receipt_text(*rargs) == theirs.receipt_text(*rargs)

"""Event ingestion: each event of a batch answered in order — applied, duplicate or rejected
with a code and a Chinese reason — and the whole batch applied in ONE transaction together
with the event ids, so an event is either applied and remembered, or neither.

The platform keeps its own state per case and applies the contract's transition table
(sync/contract/workflow.py CASE_TRANSITIONS, held equal to the terminal's workflow by a test); each
event's data is validated against its kind's contract model before it is applied.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.auth import Principal
from sandbox.catalog import STATUS_LABELS
from sandbox.enrolment import entitled
from sandbox.store import AppliedEvent, CatalogEntry, EventReceipt, ItemStatusPeriod, Lease, PlatformCase, ProgressRow
from sync.contract import (
    CASE_TRANSITIONS,
    CHINA,
    PLATFORM_ACTIONS,
    TERMINAL_ACTIONS,
    CaseReceivedData,
    ErrorCode,
    Event,
    EventResult,
    event_data,
)

RECEIVE = "case.receive"

# The contract's one table: the platform accepts exactly these moves, as the terminal does.
TRANSITIONS: dict[tuple[str, str], str] = {(frm, action): to for frm, action, to, _by in CASE_TRANSITIONS if frm}
STATE_LABELS = {
    "received": "已收件待审", "awaiting_supplement": "待补齐补正", "rejected": "不予受理", "accepted": "已受理",
    "in_progress": "办理中", "suspended": "特别程序中", "concluded_approved": "已办结（准予）",
    "concluded_denied": "已办结（不予许可）", "awaiting_pickup": "待领取", "collected": "已领取", "mailed": "已寄出",
    "delivered": "已送达", "withdrawn": "已撤回",
}
ACTION_LABELS = {
    "receive": "收件", "accept": "受理", "request_supplement": "一次性告知补齐补正", "reject": "不予受理",
    "correct_on_spot": "当场更正", "resubmit": "补正材料送达", "deem_accepted": "逾期未告知，视为受理",
    "start_processing": "开始办理", "suspend_clock": "进入特别程序", "resume_clock": "特别程序结束",
    "conclude_approved": "办结（准予）", "conclude_denied": "办结（不予许可）", "certificate_ready": "证照待领取",
    "collect": "已领取", "mail": "已寄出", "confirm_delivery": "已送达", "withdraw": "撤回申请",
}
# Steps the back office also takes: a terminal reporting one the platform has already passed
# (it started processing while the back office did too) is applied without changing the state.
BACK_OFFICE_ACTIONS = PLATFORM_ACTIONS
_RANK = {"accepted": 0, "in_progress": 1, "suspended": 1, "concluded_approved": 2, "concluded_denied": 2,
         "awaiting_pickup": 3, "collected": 4, "mailed": 4, "delivered": 5}
# Hand-overs the platform reports on (the receiving terminal learns its case was collected or
# mailed at the hall's pick-up desk): action → progress step.
_REPORTED = {"collect": "collected", "mail": "mailed"}
# Decisions that need the item to be open for intake on the day they happened.
_NEEDS_OPEN_ITEM = {"accept", "deem_accepted"}
# Cases entering these states are the back office's from now on.
_TO_BACK_OFFICE = {"accepted"}


class Rejected(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass
class _Batch:
    """What one batch needs from the store, loaded in a few queries up front."""

    seen: set[str]
    cases: dict[str, PlatformCase]
    items: dict[str, dict[str, Any]]
    periods: dict[str, list[ItemStatusPeriod]]


def _chunks(values: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _load(s: Session, events: Sequence[Event]) -> _Batch:
    ids = list({e.event_id for e in events})
    numbers = list({e.case_number for e in events if e.case_number})
    seen: set[str] = set()
    cases: dict[str, PlatformCase] = {}
    for chunk in _chunks(ids):
        seen |= set(s.scalars(select(AppliedEvent.event_id).where(AppliedEvent.event_id.in_(chunk))))
    for chunk in _chunks(numbers):
        cases |= {c.case_number: c for c in s.scalars(select(PlatformCase).where(PlatformCase.case_number.in_(chunk)))}
    # Only to load the items a batch names; each event's data is validated when it is applied.
    codes = {str(e.data.get("item_code", "")) for e in events if e.kind == RECEIVE} | {c.item_code for c in cases.values()}
    codes.discard("")
    items: dict[str, dict[str, Any]] = {}
    periods: dict[str, list[ItemStatusPeriod]] = {}
    for chunk in _chunks(sorted(codes)):
        items |= {r.implementation_code: r.data for r in s.scalars(select(CatalogEntry).where(CatalogEntry.implementation_code.in_(chunk)))}
        for p in s.scalars(select(ItemStatusPeriod).where(ItemStatusPeriod.implementation_code.in_(chunk))
                           .order_by(ItemStatusPeriod.since, ItemStatusPeriod.id)):
            periods.setdefault(p.implementation_code, []).append(p)
    return _Batch(seen, cases, items, periods)


def _check_item_open(batch: _Batch, code: str, day: date) -> None:
    if code not in batch.items:
        raise Rejected(ErrorCode.ITEM_UNKNOWN, f"平台目录中没有实施编码为 {code} 的事项，请核对事项目录是否已同步。")
    in_force = [p for p in batch.periods.get(code, []) if p.since <= day]
    period = in_force[-1] if in_force else None
    if period is None or period.status == "active":
        return
    name = batch.items[code].get("name", code)
    why = f"（{period.reason}）" if period.reason else ""
    code_ = ErrorCode.ITEM_SUSPENDED if period.status == "suspended" else ErrorCode.ITEM_TERMINATED
    raise Rejected(code_, f"事项“{name}”自{period.since.isoformat()}起{STATUS_LABELS[period.status]}{why}，"
                          f"{day.isoformat()}办理的该事项办件平台不予接收，请与业务部门联系处理。")


def _action_of(event: Event) -> tuple[str, Any]:
    """The action an event reports and its data checked against the contract's model."""
    if not event.kind.startswith("case."):
        raise Rejected(ErrorCode.KIND_UNKNOWN, f"平台不认识事件类型“{event.kind}”。")
    action = event.kind.removeprefix("case.")
    if action not in TERMINAL_ACTIONS:
        raise Rejected(ErrorCode.KIND_UNKNOWN, f"平台不认识终端可报送的办件操作“{action}”。")
    if not event.case_number:
        raise Rejected(ErrorCode.EVENT_INVALID, "事件缺少办件编号。")
    try:
        data = event_data(event)
    except ValidationError as exc:
        where = "、".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:3])
        raise Rejected(ErrorCode.EVENT_INVALID, f"事件内容不符合平台接口约定（{where}）。") from None
    return action, data


def _leased_to(s: Session, who: Principal) -> list[tuple[str, int, int]] | None:
    """(prefix, first, last) of every block leased to the terminal or its predecessors; None
    when numbers are not checked (a demo terminal of the standing code has its own block)."""
    if not who.one_time:
        return None
    return [(r.prefix, r.first, r.last) for r in s.scalars(select(Lease).where(Lease.terminal_id.in_(who.own_ids)))]


def _check_number_leased(number: str, leases: list[tuple[str, int, int]] | None) -> None:
    if leases is None:
        return
    prefix, serial = number[:10], number[10:17]
    if serial.isdigit() and any(p == prefix and first <= int(serial) <= last for p, first, last in leases):
        return
    raise Rejected(ErrorCode.NUMBER_NOT_LEASED, f"办件编号 {number} 不在平台分配给本终端的号段内，平台不予登记。")


def _check_not_retired(who: Principal, event: Event) -> None:
    if who.retired_at is not None and clock.stored(event.occurred_at) > who.retired_at:
        raise Rejected(ErrorCode.TERMINAL_RETIRED,
                       "本终端已被替换，替换之后发生的操作平台不予接收，请在新终端上办理。")


def _receive(batch: _Batch, who: Principal, event: Event, data: CaseReceivedData,
             leases: list[tuple[str, int, int]] | None = None) -> PlatformCase:
    if event.case_number in batch.cases:
        raise Rejected(ErrorCode.CASE_EXISTS, f"办件编号 {event.case_number} 已在平台登记收件，不能重复收件，请核对编号。")
    _check_number_leased(event.case_number, leases)
    code = data.item_code
    _check_item_open(batch, code, event.occurred_at.astimezone(CHINA).date())
    case = PlatformCase(case_number=event.case_number, terminal_id=who.terminal_id, item_code=code, state="received",
                        received_at=clock.stored(event.occurred_at), office_due_at=None, hall=who.hall,
                        handed_to_hall="")
    batch.cases[case.case_number] = case
    return case


def _transition(batch: _Batch, who: Principal, event: Event, action: str, office_delay: float) -> PlatformCase:
    case = batch.cases.get(event.case_number)
    label = ACTION_LABELS.get(action, action)
    if case is None:
        raise Rejected(ErrorCode.CASE_UNKNOWN, f"平台没有办件 {event.case_number} 的收件记录，不能处理“{label}”。")
    if not entitled(who, case, action):
        raise Rejected(ErrorCode.CASE_NOT_ENTITLED,
                       f"办件 {event.case_number} 不是本终端收件的，也未移交本厅，本终端不能处理“{label}”。")
    target = TRANSITIONS.get((case.state, action))
    if target is None:
        if action in BACK_OFFICE_ACTIONS and _already_there(case.state, action):
            return case
        raise Rejected(ErrorCode.CASE_TRANSITION_NOT_ALLOWED,
                       f"平台上办件 {case.case_number} 当前为“{STATE_LABELS.get(case.state, case.state)}”，不能执行“{label}”。")
    if action in _NEEDS_OPEN_ITEM:
        _check_item_open(batch, case.item_code, event.occurred_at.astimezone(CHINA).date())
    case.state = target
    if target in _TO_BACK_OFFICE or action == "resume_clock":
        case.office_due_at = clock.stored(clock.now() + timedelta(seconds=office_delay))
    elif target not in _RANK:
        case.office_due_at = None  # withdrawn, rejected…: nothing left for the back office
    return case


def _already_there(state: str, action: str) -> bool:
    target = {"start_processing": "in_progress", "conclude_approved": "concluded_approved",
              "conclude_denied": "concluded_denied", "certificate_ready": "awaiting_pickup"}.get(action)
    return target is not None and state in _RANK and _RANK[state] >= _RANK[target]


def ingest(s: Session, who: Principal, events: Sequence[Event], office_delay: float) -> list[EventResult]:
    """Answer every event in order; call inside one transaction (the caller commits)."""
    batch = _load(s, events)
    now = clock.stored(clock.now())
    leases = _leased_to(s, who) if any(e.kind == RECEIVE for e in events) else None
    results: list[EventResult] = []
    for event in events:
        if event.event_id in batch.seen:
            results.append(EventResult(event_id=event.event_id, status="duplicate"))
            s.add(EventReceipt(event_id=event.event_id, outcome="duplicate", at=now))
            continue
        try:
            action, data = _action_of(event)
            _check_not_retired(who, event)
            case = (_receive(batch, who, event, data, leases) if action == "receive"
                    else _transition(batch, who, event, action, office_delay))
        except Rejected as r:
            results.append(EventResult(event_id=event.event_id, status="rejected", code=r.code, reason=r.reason))
            s.add(EventReceipt(event_id=event.event_id, outcome="rejected", code=r.code, at=now))
            continue
        if case not in s:
            s.add(case)
        # The terminal is the token's, never the payload's (contract: "Binding every request").
        s.add(AppliedEvent(event_id=event.event_id, kind=event.kind, case_number=event.case_number,
                           terminal_id=who.terminal_id, actor=event.actor, occurred_at=clock.stored(event.occurred_at),
                           applied_at=now, data=event.data))
        batch.seen.add(event.event_id)
        if action in _REPORTED:
            step = _REPORTED[action]
            s.add(ProgressRow(progress_id=str(uuid.uuid4()), case_number=case.case_number, terminal_id=case.terminal_id,
                              step=step, at=clock.stored(event.occurred_at), note=f"发证窗口：{ACTION_LABELS[action]}"))
        results.append(EventResult(event_id=event.event_id, status="applied"))
    return results


def denied(case_number: str, share: float) -> bool:
    """Whether the simulated back office denies this case: a stable draw per case number, so
    a given share gives the same outcome on every run."""
    draw = int(hashlib.sha256(case_number.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return draw < share

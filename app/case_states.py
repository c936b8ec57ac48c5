"""Case states and the one table of allowed transitions (DESIGN.md §4).

Every state change in ClerkDesk goes through `next_state`; anything not in TRANSITIONS
is refused with a clear error, so no screen can invent a path the law does not allow.
"""

from __future__ import annotations

from enum import StrEnum

from app.rules.problems import Problem, RuleError


class State(StrEnum):
    RECEIVED = "received"  # 收件
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 待补正
    REJECTED = "rejected"  # 不予受理
    ACCEPTED = "accepted"  # 受理
    IN_PROGRESS = "in_progress"  # 办理中
    SUSPENDED = "suspended"  # 特别程序（计时暂停）
    CONCLUDED_APPROVED = "concluded_approved"  # 办结（准予）
    CONCLUDED_DENIED = "concluded_denied"  # 办结（不予许可）
    AWAITING_PICKUP = "awaiting_pickup"  # 待领取
    COLLECTED = "collected"  # 已领取
    MAILED = "mailed"  # 已寄出
    WITHDRAWN = "withdrawn"  # 申请人撤回


class Action(StrEnum):
    ACCEPT = "accept"  # 受理
    REQUEST_SUPPLEMENT = "request_supplement"  # 一次性告知补齐补正
    REJECT = "reject"  # 不予受理
    CORRECT_ON_SPOT = "correct_on_spot"  # 当场更正 (state unchanged)
    RESUBMIT = "resubmit"  # 补正材料送达，重新审查（新一轮）
    DEEM_ACCEPTED = "deem_accepted"  # 逾期未告知，视为受理
    START_PROCESSING = "start_processing"
    SUSPEND_CLOCK = "suspend_clock"  # 进入特别程序
    RESUME_CLOCK = "resume_clock"
    CONCLUDE_APPROVED = "conclude_approved"
    CONCLUDE_DENIED = "conclude_denied"
    CERTIFICATE_READY = "certificate_ready"
    COLLECT = "collect"
    MAIL = "mail"
    WITHDRAW = "withdraw"


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.RECEIVED, Action.ACCEPT): State.ACCEPTED,
    (State.RECEIVED, Action.REQUEST_SUPPLEMENT): State.AWAITING_SUPPLEMENT,
    (State.RECEIVED, Action.REJECT): State.REJECTED,
    (State.RECEIVED, Action.CORRECT_ON_SPOT): State.RECEIVED,
    (State.RECEIVED, Action.DEEM_ACCEPTED): State.ACCEPTED,
    (State.RECEIVED, Action.WITHDRAW): State.WITHDRAWN,
    (State.AWAITING_SUPPLEMENT, Action.RESUBMIT): State.RECEIVED,
    (State.AWAITING_SUPPLEMENT, Action.WITHDRAW): State.WITHDRAWN,
    (State.ACCEPTED, Action.START_PROCESSING): State.IN_PROGRESS,
    (State.ACCEPTED, Action.WITHDRAW): State.WITHDRAWN,
    (State.IN_PROGRESS, Action.SUSPEND_CLOCK): State.SUSPENDED,
    (State.SUSPENDED, Action.RESUME_CLOCK): State.IN_PROGRESS,
    (State.IN_PROGRESS, Action.CONCLUDE_APPROVED): State.CONCLUDED_APPROVED,
    (State.IN_PROGRESS, Action.CONCLUDE_DENIED): State.CONCLUDED_DENIED,
    (State.IN_PROGRESS, Action.WITHDRAW): State.WITHDRAWN,
    (State.CONCLUDED_APPROVED, Action.CERTIFICATE_READY): State.AWAITING_PICKUP,
    (State.AWAITING_PICKUP, Action.COLLECT): State.COLLECTED,
    (State.AWAITING_PICKUP, Action.MAIL): State.MAILED,
}

STATE_LABELS: dict[State, str] = {
    State.RECEIVED: "已收件待审",
    State.AWAITING_SUPPLEMENT: "待补齐补正",
    State.REJECTED: "不予受理",
    State.ACCEPTED: "已受理",
    State.IN_PROGRESS: "办理中",
    State.SUSPENDED: "特别程序中",
    State.CONCLUDED_APPROVED: "已办结（准予）",
    State.CONCLUDED_DENIED: "已办结（不予许可）",
    State.AWAITING_PICKUP: "待领取",
    State.COLLECTED: "已领取",
    State.MAILED: "已寄出",
    State.WITHDRAWN: "已撤回",
}

ACTION_LABELS: dict[Action, str] = {
    Action.ACCEPT: "受理",
    Action.REQUEST_SUPPLEMENT: "一次性告知补齐补正",
    Action.REJECT: "不予受理",
    Action.CORRECT_ON_SPOT: "当场更正",
    Action.RESUBMIT: "补正材料送达",
    Action.DEEM_ACCEPTED: "逾期未告知，视为受理",
    Action.START_PROCESSING: "开始办理",
    Action.SUSPEND_CLOCK: "进入特别程序",
    Action.RESUME_CLOCK: "特别程序结束",
    Action.CONCLUDE_APPROVED: "办结（准予）",
    Action.CONCLUDE_DENIED: "办结（不予许可）",
    Action.CERTIFICATE_READY: "证照待领取",
    Action.COLLECT: "已领取",
    Action.MAIL: "已寄出",
    Action.WITHDRAW: "撤回申请",
}

# States in which a decision on acceptance is still open: the 5-day clock runs.
PENDING_DECISION = frozenset({State.RECEIVED})
# States in which the committed deadline runs.
CLOCK_RUNNING = frozenset({State.ACCEPTED, State.IN_PROGRESS})
FINAL = frozenset({State.REJECTED, State.COLLECTED, State.MAILED, State.WITHDRAWN, State.CONCLUDED_DENIED})


def next_state(state: State | str, action: Action | str) -> State:
    """The state after `action`, or RuleError(CASE_TRANSITION_NOT_ALLOWED)."""
    st, act = State(state), Action(action)
    try:
        return TRANSITIONS[(st, act)]
    except KeyError:
        raise RuleError(
            Problem(
                "CASE_TRANSITION_NOT_ALLOWED",
                f"办件当前状态为“{STATE_LABELS[st]}”，不能执行“{ACTION_LABELS[act]}”。",
            )
        ) from None


def allowed_actions(state: State | str) -> list[Action]:
    st = State(state)
    return [a for (s, a) in TRANSITIONS if s == st]

"""Case states, actions and THE case workflow table (DESIGN.md §4).

Every state change of a case goes through `CASE_WORKFLOW` (app/workflow.py): anything not a
row is refused with a clear error, so no screen can invent a path the law does not allow.
Who may take a step, what it prints and what the platform hears are columns of the same row.
"""

from __future__ import annotations

from enum import StrEnum

from app.documents import DocumentKind as D
from app.permissions import Perm
from app.workflow import By, Owed, Step, Workflow


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
    DELIVERED = "delivered"  # 已送达 (the courier's delivery confirmation, through the platform)
    WITHDRAWN = "withdrawn"  # 申请人撤回


class Action(StrEnum):
    RECEIVE = "receive"  # 收件 (creates the case)
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
    PRINT_CERTIFICATE = "print_certificate"  # 打印证照 (state unchanged; local)
    COLLECT = "collect"
    MAIL = "mail"
    CONFIRM_DELIVERY = "confirm_delivery"  # 妥投: reported by the platform only
    WITHDRAW = "withdraw"


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
    State.DELIVERED: "已送达",
    State.WITHDRAWN: "已撤回",
}

ACTION_LABELS: dict[Action, str] = {
    Action.RECEIVE: "收件",
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
    Action.PRINT_CERTIFICATE: "打印证照",
    Action.COLLECT: "已领取",
    Action.MAIL: "已寄出",
    Action.CONFIRM_DELIVERY: "已送达（妥投）",
    Action.WITHDRAW: "撤回申请",
}

_P, _SYS, _PF = frozenset({By.PERSON}), frozenset({By.SYSTEM}), frozenset({By.PLATFORM})
_P_OR_PF = _P | _PF  # a clerk may start processing (special procedure) or the back office reports it
_RECEIPT = Owed(D.RECEIPT)


def _ev(action: Action) -> str:
    return f"case.{action.value}"


def _row(frm: State | None, action: Action, to: State, perm: Perm, by: frozenset[By] = _P,
         documents: tuple[Owed, ...] = (), event: bool = True, progress: str | None = None,
         implicit: bool = False) -> Step[State, Action]:
    # The platform hears of what the terminal did, never of a step only it takes.
    sends = event and by != _PF
    return Step(frm, action, to, perm, by, documents, _ev(action) if sends else None, progress, implicit)


S, A = State, Action
CASE_WORKFLOW: Workflow[State, Action] = Workflow(
    name="case",
    steps=(
        # 收件 — 第二十条: walk-in intake needs no prior online submission
        _row(None, A.RECEIVE, S.RECEIVED, Perm.CASE_INTAKE),
        # 行政许可法 第三十二条: exactly these outcomes, each on paper
        _row(S.RECEIVED, A.ACCEPT, S.ACCEPTED, Perm.CASE_DECIDE,
             documents=(Owed(D.ACCEPTANCE), _RECEIPT, Owed(D.TOLERANCE_COMMITMENT, only_if="tolerated"))),
        _row(S.RECEIVED, A.REQUEST_SUPPLEMENT, S.AWAITING_SUPPLEMENT, Perm.CASE_DECIDE,
             documents=(Owed(D.SUPPLEMENTATION), _RECEIPT)),
        _row(S.RECEIVED, A.REJECT, S.REJECTED, Perm.CASE_DECIDE, documents=(Owed(D.REJECTION),)),
        _row(S.RECEIVED, A.CORRECT_ON_SPOT, S.RECEIVED, Perm.CASE_DECIDE),
        _row(S.RECEIVED, A.DEEM_ACCEPTED, S.ACCEPTED, Perm.CASE_SYSTEM, by=_SYS),
        _row(S.RECEIVED, A.WITHDRAW, S.WITHDRAWN, Perm.CASE_DECIDE),
        _row(S.AWAITING_SUPPLEMENT, A.RESUBMIT, S.RECEIVED, Perm.CASE_INTAKE),
        _row(S.AWAITING_SUPPLEMENT, A.WITHDRAW, S.WITHDRAWN, Perm.CASE_DECIDE),
        # 办理: the back office's path, reported by the platform; special procedures at the window
        # At the window processing starts only with a special procedure: offered as that step.
        _row(S.ACCEPTED, A.START_PROCESSING, S.IN_PROGRESS, Perm.CASE_PROCESS, by=_P_OR_PF, progress="in_progress",
             implicit=True),
        _row(S.ACCEPTED, A.WITHDRAW, S.WITHDRAWN, Perm.CASE_DECIDE),
        _row(S.IN_PROGRESS, A.SUSPEND_CLOCK, S.SUSPENDED, Perm.CASE_PROCESS),
        _row(S.SUSPENDED, A.RESUME_CLOCK, S.IN_PROGRESS, Perm.CASE_PROCESS, by=_P_OR_PF),
        _row(S.IN_PROGRESS, A.CONCLUDE_APPROVED, S.CONCLUDED_APPROVED, Perm.CASE_PROGRESS, by=_PF,
             progress="concluded_approved"),
        _row(S.IN_PROGRESS, A.CONCLUDE_DENIED, S.CONCLUDED_DENIED, Perm.CASE_PROGRESS, by=_PF,
             progress="concluded_denied"),
        _row(S.IN_PROGRESS, A.WITHDRAW, S.WITHDRAWN, Perm.CASE_DECIDE),
        _row(S.CONCLUDED_APPROVED, A.CERTIFICATE_READY, S.AWAITING_PICKUP, Perm.CASE_PROGRESS, by=_PF,
             progress="certificate_ready"),
        # 第二十二条: the paper certificate — printed on pre-printed stock, collected or mailed
        *(_row(st, A.PRINT_CERTIFICATE, st, Perm.DOCUMENT_PRINT, documents=(Owed(D.CERTIFICATE),), event=False)
          for st in (S.CONCLUDED_APPROVED, S.AWAITING_PICKUP, S.COLLECTED)),
        # The hall's pick-up desk may hand over a case received at another window: the platform
        # then reports the step to the receiving terminal (a person here, the platform there).
        _row(S.AWAITING_PICKUP, A.COLLECT, S.COLLECTED, Perm.CASE_HANDOVER, by=_P_OR_PF,
             documents=(Owed(D.HANDOVER_RECEIPT),), progress="collected"),
        _row(S.AWAITING_PICKUP, A.MAIL, S.MAILED, Perm.CASE_HANDOVER, by=_P_OR_PF,
             documents=(Owed(D.HANDOVER_RECEIPT),), progress="mailed"),
        # 邮寄送达 is complete only when the courier confirms delivery; the platform relays it.
        _row(S.MAILED, A.CONFIRM_DELIVERY, S.DELIVERED, Perm.CASE_PROGRESS, by=_PF, progress="delivered"),
    ),
    state_labels=STATE_LABELS,
    action_labels=ACTION_LABELS,
    abandoned=frozenset({S.WITHDRAWN}),
)

# Derived, never written by hand.
# The platform's own steps (what its progress reports may move a case by).
PLATFORM_ACTIONS = frozenset(r.action for r in CASE_WORKFLOW.steps if By.PLATFORM in r.by)
# Back-office progress step (contract ProgressStep) → the state the case reaches.
PROGRESS_TARGETS: dict[str, State] = CASE_WORKFLOW.progress_targets()
# Where a certificate may be printed.
CERTIFICATE_STATES = CASE_WORKFLOW.states_after(Action.PRINT_CERTIFICATE)

# Deadline facts (not transitions): which clock runs in which state.
# States in which a decision on acceptance is still open: the 5-day clock runs.
PENDING_DECISION = frozenset({State.RECEIVED})
# States in which the committed deadline runs.
CLOCK_RUNNING = frozenset({State.ACCEPTED, State.IN_PROGRESS})
# States with no row out of them (derived): nothing more can happen to the case.
FINAL = frozenset(st for st in State if not [r for r in CASE_WORKFLOW.rows_from(st) if r.to != st])


def next_state(state: State | str, action: Action | str) -> State:
    """The state after `action`, or RuleError(CASE_TRANSITION_NOT_ALLOWED)."""
    return CASE_WORKFLOW.next_state(state, action)

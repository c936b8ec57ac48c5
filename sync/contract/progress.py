"""Case progress the platform reports back."""

from __future__ import annotations

from typing import Literal

from sync.contract.wire import ContractModel, Timestamp

ProgressStep = Literal["in_progress", "concluded_approved", "concluded_denied", "certificate_ready"]
PROGRESS_STEP_LABELS = {
    "in_progress": "办理中",
    "concluded_approved": "办结（准予）",
    "concluded_denied": "办结（不予许可）",
    "certificate_ready": "证照已制发，待领取",
}


class ProgressUpdate(ContractModel):
    """A back-office step on a case the terminal is entitled to (see "Binding every request to
    the terminal" above): its own, its predecessor's, its hall's for a pick-up desk, or handed
    over to its hall."""

    progress_id: str  # unique; a replayed page repeats it
    case_number: str
    step: ProgressStep
    at: Timestamp
    note: str = ""


class ProgressPage(ContractModel):
    """GET /progress?since=CURSOR&limit=N — steps in the order they happened."""

    updates: list[ProgressUpdate]
    next_cursor: str
    has_more: bool

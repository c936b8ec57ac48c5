"""Case progress the platform reports back."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sync.contract.wire import ContractModel, OptionalDate, Timestamp

ProgressStep = Literal["in_progress", "concluded_approved", "concluded_denied", "certificate_ready", "collected",
                       "mailed", "delivered"]
PROGRESS_STEP_LABELS = {
    "in_progress": "办理中",
    "concluded_approved": "办结（准予）",
    "concluded_denied": "办结（不予许可）",
    "certificate_ready": "证照已制发，待领取",
    "collected": "证照已由发证窗口发放（领取）",
    "mailed": "证照已由发证窗口邮寄",
    "delivered": "邮件已妥投（已送达）",
}
MAX_CERTIFICATE_FIELDS = 40


class CertificateHolder(ContractModel):
    """The certificate's holder: the case's applicant (never an agent)."""

    kind: Literal["person", "organisation"]
    name: str = Field(min_length=1, max_length=100)
    id_type: str = Field(default="", max_length=20)
    id_number: str = Field(default="", max_length=40)


class IssuedCertificate(ContractModel):
    """What the approving department issued, sent with the `certificate_ready` step: the pick-up
    desk prints it on the pre-printed blank and hands it over. `fields` are the certificate
    type's own values by the keys its template declares (e.g. credit_code, scope); a hall's
    pick-up desk that never saw the case receives enough (item, holder) to hand it over."""

    certificate_no: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=100)  # 证照名称
    item_code: str = Field(min_length=1, max_length=64)
    item_name: str = Field(default="", max_length=200)
    holder: CertificateHolder
    issued_on: OptionalDate = None
    valid_from: OptionalDate = None
    valid_until: OptionalDate = None  # None: 长期
    decided_on: OptionalDate = None  # the decision (第四十四条: issued or served within 10 days of it)
    fields: dict[str, str] = Field(default={}, max_length=MAX_CERTIFICATE_FIELDS)


class DeliveryConfirmation(ContractModel):
    """The courier's 妥投 for a mailed certificate, sent with the `delivered` step."""

    tracking_no: str = Field(default="", max_length=40)
    signed_by: str = Field(default="", max_length=100)  # 签收人 as the courier recorded it


class ProgressUpdate(ContractModel):
    """A back-office step on a case the terminal is entitled to (see "Binding every request to
    the terminal" above): its own, its predecessor's, its hall's for a pick-up desk, or handed
    over to its hall."""

    progress_id: str  # unique; a replayed page repeats it
    case_number: str
    step: ProgressStep
    at: Timestamp
    note: str = ""
    certificate: IssuedCertificate | None = None  # with certificate_ready
    delivery: DeliveryConfirmation | None = None  # with delivered


class ProgressPage(ContractModel):
    """GET /progress?since=CURSOR&limit=N — steps in the order they happened."""

    updates: list[ProgressUpdate]
    next_cursor: str
    has_more: bool

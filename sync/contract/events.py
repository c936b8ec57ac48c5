"""What each event carries, and the batch the terminal pushes."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from sync.contract.wire import ContractModel, OptionalDate, Timestamp
from sync.contract.workflow import CaseState

# --- what each event carries ----------------------------------------------------------------------
# One model per event kind ("case.<action>"); the terminal's app/events.py has the same fields.

# Free text in events: the terminal's limits (app/rules/text.py LIMITS, in characters) copied
# here — this module imports nothing from app/; tests/test_text_limits.py holds them equal.
# An event breaking one is rejected EVENT_INVALID.
TEXT_LIMITS: dict[str, int] = {
    "party_name": 100,  # a person's name (50) or an organisation's (100)
    "legal_rep": 50,
    "id_type": 20,
    "id_number": 40,
    "phone": 30,
    "address": 200,
    "authorisation": 500,
    "material_name": 200,
    "reused_from_case": 32,
    "clerk_note": 200,
    "problem_note": 300,
    "reject_reason": 1000,
    "competent_agency": 100,
    "correction_field": 50,
    "correction_before": 200,
    "correction_after": 200,
    "procedure": 40,
    "window_no": 20,
    "item_code": 64,  # the catalog's implementation code (实施编码)
    "ground": 40,
    "ground_label": 100,
    "remedy": 1000,  # made by the terminal from its settings (review body, court)
    "move_note": 5000,  # a decision's note, a withdrawal's reason, every correction of a 当场更正
}
MULTILINE_TEXT = frozenset({"authorisation", "clerk_note", "problem_note", "reject_reason", "remedy", "move_note"})
MAX_MATERIALS = 100  # material lines in one event
MAX_CORRECTIONS = 10


def _hidden_character(value: str, multiline: bool) -> str | None:
    """The first control, invisible (zero-width, bidi, BOM) or broken character (lone
    surrogate, noncharacter) — the same set the terminal refuses at the form."""
    if value.isascii() and value.isprintable():
        return None
    for c in value:
        cp = ord(c)
        if c == "\n" and multiline:
            continue
        if (0xD800 <= cp <= 0xDFFF or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE or cp in (0xFFFC, 0xFFFD)
                or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")):
            return c
    return None


def _plain(multiline: bool):  # noqa: ANN202
    def check(value: str) -> str:
        c = _hidden_character(value, multiline)
        if c is not None:
            raise ValueError(f"含有控制字符或不可见字符 U+{ord(c):04X}")
        return value
    return check


def _text(key: str) -> Any:
    """str of at most TEXT_LIMITS[key] characters, without control or invisible characters."""
    return Annotated[str, Field(max_length=TEXT_LIMITS[key]), AfterValidator(_plain(key in MULTILINE_TEXT))]


class EventParty(ContractModel):
    kind: Literal["person", "organisation"]
    name: Annotated[_text("party_name"), Field(min_length=1)]
    id_type: _text("id_type")
    id_number: _text("id_number")
    phone: _text("phone")
    address: _text("address")
    legal_rep: _text("legal_rep")


class EventMaterial(ContractModel):
    name: Annotated[_text("material_name"), Field(min_length=1)]
    provided: Literal["original", "copy", "electronic", "none"]
    pages: int = Field(ge=0)
    copies: int = Field(ge=0)
    reused_from_case: _text("reused_from_case")
    platform_verified: bool
    tolerated: bool
    promise_date: OptionalDate
    clerk_note: _text("clerk_note")
    problem: Literal["", "missing", "incorrect"]
    problem_note: _text("problem_note")
    round: int = Field(ge=1)
    scans: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(default=[], max_length=200)  # page SHA-256s


class EventTolerated(ContractModel):
    name: _text("material_name")
    promise_date: date


class EventSupplement(ContractModel):
    name: _text("material_name")
    kind: Literal["missing", "incorrect"]
    note: _text("problem_note")


class EventCorrection(ContractModel):
    field: _text("correction_field")
    before: _text("correction_before")
    after: _text("correction_after")


class CaseReceivedData(ContractModel):
    item_code: Annotated[_text("item_code"), Field(min_length=1)]
    item_revision: int = Field(ge=1)
    channel: Literal["window", "station"]
    applicant: EventParty
    agent: EventParty | None
    authorisation: _text("authorisation")
    window_no: _text("window_no")
    materials: list[EventMaterial] = Field(max_length=MAX_MATERIALS)


class CaseMovedData(ContractModel):
    from_: CaseState = Field(alias="from")
    to: CaseState
    round: int = Field(ge=1)
    note: _text("move_note")


class CaseAcceptedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)
    tolerated: list[EventTolerated] = Field([], max_length=MAX_MATERIALS)


class SupplementRequestedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)
    supplement: list[EventSupplement] = Field([], max_length=MAX_MATERIALS)


class CaseRejectedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)
    ground: _text("ground") = ""
    ground_label: _text("ground_label") = ""
    reason: _text("reject_reason") = ""
    competent_agency: _text("competent_agency") = ""
    remedy: _text("remedy") = ""


class CorrectedOnSpotData(CaseMovedData):
    corrections: list[EventCorrection] = Field([], max_length=MAX_CORRECTIONS)


class MaterialsResubmittedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)


class DeemedAcceptedData(CaseMovedData):
    acceptance_due: OptionalDate = None
    effective_on: OptionalDate = None


class ClockSuspendedData(CaseMovedData):
    procedure: _text("procedure") = ""
    limit_days: int = 0


class ClockResumedData(CaseMovedData):
    procedure: _text("procedure") = ""


class CertificateCollectedData(CaseMovedData):
    mode: Literal["", "self", "agent", "organisation"] = ""
    collector_name: str = ""
    collector_id_masked: str = ""  # masked: the platform never receives an agent's full number
    identity_method: str = ""
    signature_sha256: str = ""
    blank_serial: str = ""
    override_by: str = ""
    override_reason: str = ""
    # Hashes of the pages captured at the desk (授权委托书 / 单位介绍信; the applicant's ID
    # copy) — never the images.
    authorisation_pages: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(default=[], max_length=20)
    id_copy_pages: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(default=[], max_length=20)


class CertificateMailedData(CaseMovedData):
    courier: str = ""
    tracking_no: str = ""
    blank_serial: str = ""


EVENT_DATA_MODELS: dict[str, type[ContractModel]] = {
    "case.receive": CaseReceivedData,
    "case.accept": CaseAcceptedData,
    "case.request_supplement": SupplementRequestedData,
    "case.reject": CaseRejectedData,
    "case.correct_on_spot": CorrectedOnSpotData,
    "case.resubmit": MaterialsResubmittedData,
    "case.deem_accepted": DeemedAcceptedData,
    "case.start_processing": CaseMovedData,
    "case.suspend_clock": ClockSuspendedData,
    "case.resume_clock": ClockResumedData,
    "case.withdraw": CaseMovedData,
    "case.collect": CertificateCollectedData,
    "case.mail": CertificateMailedData,
}


class Event(ContractModel):
    """One outbox event, exactly the payload app/storage/outbox.py writes. kind: "case.<action>"
    for an action the terminal reports (TERMINAL_ACTIONS); data: that kind's model in
    EVENT_DATA_MODELS (checked with `event_data`)."""

    event_id: str = Field(min_length=1, max_length=64)
    kind: str
    case_number: str = ""
    occurred_at: Timestamp
    terminal_id: str
    actor: str = ""
    data: dict[str, Any] = {}


def event_data(event: Event) -> ContractModel:
    """The event's data as its kind's model; ValueError (kind unknown) or pydantic's
    ValidationError (data not as the kind needs)."""
    model = EVENT_DATA_MODELS.get(event.kind)
    if model is None:
        raise ValueError(f"unknown event kind {event.kind!r}")
    return model.model_validate(event.data)


class EventBatch(ContractModel):
    """POST /events:batch. Send a case's events in the order they happened; the platform
    applies them in the order of the list."""

    events: list[Event]


EventStatus = Literal["applied", "duplicate", "rejected"]


class EventResult(ContractModel):
    """applied: taken now. duplicate: this event_id was applied before (nothing done again).
    rejected: not taken; `code` (ErrorCode) and `reason` (Chinese, for the person who
    resolves it). A rejected event id may be sent again later (e.g. once the item resumed)."""

    event_id: str
    status: EventStatus
    code: str = ""
    reason: str = ""


class EventBatchResult(ContractModel):
    results: list[EventResult]  # one per event, in the order sent


# --- case progress -------------------------------------------------------------------------

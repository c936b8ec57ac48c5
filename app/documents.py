"""The printed documents as data: kinds, and the snapshot a document is rendered from.

A document is built from a snapshot of the case taken when it is issued (DESIGN.md §5), stored
as JSON with the document record, so a reprint years later shows exactly what the applicant was
given. app/ builds snapshots; printing/ turns them into PDF; neither needs the other's insides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class DocumentKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理通知书
    REJECTION = "rejection"  # 不予受理通知书
    SUPPLEMENTATION = "supplementation"  # 补齐补正告知书（一次性告知书）
    RECEIPT = "receipt"  # 材料接收凭证
    TOLERANCE_COMMITMENT = "tolerance-commitment"  # 容缺受理承诺书
    CERTIFICATE = "certificate"  # 证照（套打）
    CALIBRATION = "calibration"  # 套打校准页 (not a case document)
    HANDOVER_RECEIPT = "handover-receipt"  # 领取回执 / 邮寄送达回执 (pick-up desk)
    MAILING_LIST = "mailing-list"  # 邮件交寄清单 (the courier's daily collection; not one case)


DOCUMENT_TITLES: dict[DocumentKind, str] = {
    DocumentKind.ACCEPTANCE: "受理通知书",
    DocumentKind.REJECTION: "不予受理通知书",
    DocumentKind.SUPPLEMENTATION: "补齐补正告知书",
    DocumentKind.RECEIPT: "材料接收凭证",
    DocumentKind.TOLERANCE_COMMITMENT: "容缺受理承诺书",
    DocumentKind.CERTIFICATE: "证照",
    DocumentKind.CALIBRATION: "套打校准页",
    DocumentKind.HANDOVER_RECEIPT: "证照领取回执",
    DocumentKind.MAILING_LIST: "证照邮件交寄清单",
}


@dataclass(frozen=True)
class PartySnapshot:
    """An applicant or agent as the case holds them: the one record the case detail, the printed
    documents and the platform events share (PartyInput is what the form sends; Party the row)."""

    kind: str  # person | organisation
    name: str
    id_type: str = ""  # label as shown, e.g. 居民身份证 / 统一社会信用代码
    id_number: str = ""
    phone: str = ""
    address: str = ""
    legal_rep: str = ""

    @classmethod
    def of(cls, p: Any) -> PartySnapshot:
        """From anything with the party fields (a PartyInput, a Party row)."""
        return cls(p.kind, p.name, p.id_type, p.id_number, p.phone, p.address, p.legal_rep)


@dataclass(frozen=True)
class MaterialLine:
    """One material of one round as received: the one record the case detail, the printed
    documents and the platform events share (Tick is what the clerk ticks; MaterialSubmission
    the row)."""

    name: str
    provided: str = "none"  # original | copy | electronic | none
    pages: int = 0
    copies: int = 1
    reused_from_case: str = ""  # 复用：the earlier case the material came from
    platform_verified: bool = False  # 免提交：the platform verifies it
    tolerated: bool = False  # 容缺
    promise_date: date | None = None
    clerk_note: str = ""
    problem: str = ""  # missing | incorrect (supplementation)
    problem_note: str = ""  # what is wrong with it / what to bring
    round: int = 1  # 补正 rounds: the same case takes materials again
    scans: tuple[str, ...] = ()  # SHA-256 of the pages scanned at the counter (材料电子化)

    @classmethod
    def of(cls, t: Any, copies: int = 1, round: int = 1, scans: tuple[str, ...] | None = None) -> MaterialLine:  # noqa: A002
        """From a Tick or a MaterialSubmission row (same field names)."""
        pages = tuple(getattr(t, "scans", ())) if scans is None else scans
        return cls(t.name, str(t.provided), t.pages, copies, t.reused_from_case, t.platform_verified, t.tolerated,
                   t.promise_date, t.clerk_note, t.problem, t.problem_note, round, pages)


@dataclass(frozen=True)
class HandoverSnapshot:
    """Who took the certificate, how their identity was checked, and their signature (领取回执);
    or where it was mailed (mode "mail"). ID numbers only masked: the receipt is the applicant's."""

    mode: str  # self | agent | organisation | mail
    collector_name: str = ""
    collector_id_masked: str = ""
    identity_method: str = ""  # e.g. 居民身份证读卡核验 / 人工核验证件 / 主管核准
    certificate_name: str = ""
    certificate_no: str = ""
    blank_serial: str = ""  # the pre-printed blank's own number
    signature_png_b64: str = ""  # the collector's signature as drawn (PNG, base64)
    signature_sha256: str = ""
    override_by: str = ""  # a supervisor who let it go ahead despite a mismatch
    override_reason: str = ""
    courier: str = ""
    tracking_no: str = ""
    address: str = ""
    phone_masked: str = ""


@dataclass(frozen=True)
class MailingLine:
    """One item on the courier's daily list (邮件交寄清单)."""

    case_number: str
    addressee: str
    address: str
    phone_masked: str
    courier: str
    tracking_no: str
    item_name: str


# Where a certificate field's value comes from (declared per type in resources/certificates).
SOURCES = ("applicant", "case", "back_office", "clerk")
SOURCE_LABELS = {"applicant": "来自申请人信息", "case": "来自办件", "back_office": "审批结果（按审批系统填写）",
                 "clerk": "发证窗口填写"}
CHECKS = ("text", "credit_code")


@dataclass(frozen=True)
class CertificateFieldSpec:
    """One field a certificate type prints: key, label, source, required, check."""

    key: str
    label: str
    source: str = "case"
    required: bool = True
    check: str = "text"


@dataclass(frozen=True)
class CertificateField:
    key: str  # matches a position in resources/certificates/<type>.json
    label: str
    value: str


@dataclass(frozen=True)
class DocumentSnapshot:
    kind: DocumentKind
    doc_number: str  # e.g. 永市监受〔2026〕第00012号
    case_number: str
    issued_at: datetime
    issued_by: str  # the clerk's display name
    agency: str  # the implementing department that decides (实施机关)
    hall_name: str
    window_no: str
    window_phone: str
    progress_url: str  # the enquiry address for this case (goes into the QR code)
    item_name: str
    item_code: str
    applicant: PartySnapshot
    agent: PartySnapshot | None = None
    received_on: date | None = None
    accepted_on: date | None = None
    acceptance_basis: str = ""  # decision | deemed
    committed_limit_days: int = 0
    committed_due: date | None = None
    legal_due: date | None = None
    due_confirmed: bool = True  # all of the case's due dates fall in years with an official holiday calendar
    committed_due_confirmed: bool | None = None  # committed_due alone (None: not recorded, older snapshots)
    round: int = 1
    materials: tuple[MaterialLine, ...] = ()
    reject_reason: str = ""
    competent_agency: str = ""
    remedy: str = ""
    supplement_due: date | None = None  # by when the applicant should bring what is missing
    certificate_type: str = ""  # resources/certificates/<type>.json
    certificate_fields: tuple[CertificateField, ...] = ()
    handover: HandoverSnapshot | None = None  # HANDOVER_RECEIPT
    mailing: tuple[MailingLine, ...] = ()  # MAILING_LIST (issued_at = the collection day)
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        # One walk, in json's C encoder (asdict deep-copied the snapshot before a second walk did
        # the dates): the same text, 300 → 80 µs for a notice's snapshot.
        return json.dumps(self, default=_json_default, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DocumentSnapshot:
        return snapshot_from_dict(json.loads(text))


@dataclass(frozen=True)
class CopyMark:
    """A reprint (补打) says so on the paper, with who and when."""

    by: str
    at: datetime

    def text(self) -> str:
        return f"补打件  {self.by}  {self.at:%Y-%m-%d %H:%M}"


def _json_default(value: Any) -> Any:
    """What json cannot write by itself: a date or time (ISO text) and a dataclass (its fields)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    raise TypeError(f"not in a document snapshot: {type(value).__name__}")


def _date(v: str | None) -> date | None:
    return date.fromisoformat(v) if v else None


def snapshot_from_dict(d: dict) -> DocumentSnapshot:
    def party(p: dict | None) -> PartySnapshot | None:
        return PartySnapshot(**p) if p else None

    known = {f.name for f in fields(DocumentSnapshot)}
    d = {k: v for k, v in d.items() if k in known}
    return DocumentSnapshot(
        **{
            **d,
            "kind": DocumentKind(d["kind"]),
            "issued_at": datetime.fromisoformat(d["issued_at"]),
            "applicant": party(d["applicant"]),
            "agent": party(d.get("agent")),
            "received_on": _date(d.get("received_on")),
            "accepted_on": _date(d.get("accepted_on")),
            "committed_due": _date(d.get("committed_due")),
            "legal_due": _date(d.get("legal_due")),
            "supplement_due": _date(d.get("supplement_due")),
            "materials": tuple(
                MaterialLine(**{**m, "promise_date": _date(m.get("promise_date")), "scans": tuple(m.get("scans", ()))})
                for m in d.get("materials", [])
            ),
            "certificate_fields": tuple(CertificateField(**f) for f in d.get("certificate_fields", [])),
            "handover": HandoverSnapshot(**d["handover"]) if d.get("handover") else None,
            "mailing": tuple(MailingLine(**m) for m in d.get("mailing", [])),
            "extra": dict(d.get("extra", {})),
        }
    )

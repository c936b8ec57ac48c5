"""The documents a decision issues, and their prints.

A document is built from a snapshot of the case taken in the same transaction as the decision
(DESIGN.md §5) and stored with it; every print renders that snapshot again, so a reprint years
later shows exactly what the applicant was given, marked 补打 with who and when. Rendering
itself is printing/'s job (the UI calls it): this module never sees a PDF, only its hash.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.case_states import CERTIFICATE_STATES, Action, State
from app.changes import OpResult
from app.context import AppContext
from app.documents import (
    DOCUMENT_TITLES,
    SOURCE_LABELS,
    CertificateField,
    CertificateFieldSpec,
    CopyMark,
    DocumentKind,
    DocumentSnapshot,
    HandoverSnapshot,
    MaterialLine,
    PartySnapshot,
)
from app.permissions import Perm
from app.rules.document_number import format_document_number
from app.rules.identity import check_credit_code
from app.rules.problems import Problem, RuleError
from app.storage.attachment_models import MaterialPage
from app.storage.document_models import DocumentPrint, DocumentSequence, IssuedDocument
from app.storage.models import Case, Clerk, Material, MaterialSubmission, Party, ServiceItem
from app.storage.pickup_models import PlatformCertificate
from app.unit_of_work import UnitOfWork
from app.usecases.case_flow import apply_transition, load_case
from app.workflow import Step

DEFAULT_PROGRESS_URL = "https://zwfw.example.gov.cn/progress?case={case_number}"
DEFAULT_SUPPLEMENT_WORKDAYS = 10  # what the notice asks for; the law sets no applicant deadline, the hall does



@dataclass(frozen=True)
class IssuedDoc:
    id: int
    kind: DocumentKind
    title: str
    doc_number: str


@dataclass(frozen=True)
class DocumentView:
    id: int
    kind: DocumentKind
    title: str
    doc_number: str
    issued_at: datetime
    issued_by: str
    prints: int


@dataclass(frozen=True)
class PrintJob:
    """What the UI renders: the stored snapshot, the copy mark when it was printed before."""

    document_id: int
    snapshot: DocumentSnapshot
    copy: CopyMark | None
    original_sha256: str


# --- building a snapshot ------------------------------------------------------------------


def _party(p: Party | None) -> PartySnapshot | None:
    return PartySnapshot.of(p) if p is not None else None


def _materials(s: Session, case: Case) -> tuple[MaterialLine, ...]:
    rows = s.execute(
        select(MaterialSubmission, Material.copies).outerjoin(Material, Material.id == MaterialSubmission.material_id)
        .where(MaterialSubmission.case_id == case.id, MaterialSubmission.round == case.round)
        .order_by(MaterialSubmission.id)
    ).all()
    pages: dict[str, list[str]] = {}
    for name, sha in s.execute(select(MaterialPage.material_name, MaterialPage.sha256)
                               .where(MaterialPage.case_id == case.id, MaterialPage.round == case.round)
                               .order_by(MaterialPage.page_no)):
        pages.setdefault(name, []).append(sha)
    return tuple(MaterialLine.of(m, copies or 1, m.round, tuple(pages.get(m.name, ()))) for m, copies in rows)


def next_document_number(uow: UnitOfWork, department: str, kind: DocumentKind) -> str:
    year = uow.today.year
    seq = uow.session.get(DocumentSequence, (department, year))
    if seq is None:
        seq = DocumentSequence(department=department, year=year, last=0)
        uow.session.add(seq)
    seq.last += 1
    return format_document_number(department, kind, year, uow.settings.get("document_code") or uow.terminal_id, seq.last)


def supplement_due(uow: UnitOfWork) -> date:
    """The day the one-time notice asks the applicant to bring everything by (hall setting)."""
    days = uow.settings.int("supplement_workdays") or DEFAULT_SUPPLEMENT_WORKDAYS
    return uow.calendar.add_working_days(uow.today, days).date


def build_snapshot(uow: UnitOfWork, case: Case, kind: DocumentKind, doc_number: str,
                   extra_fields: tuple[CertificateField, ...] = (), certificate_type: str = "",
                   handover: HandoverSnapshot | None = None,
                   materials: tuple[MaterialLine, ...] | None = None) -> DocumentSnapshot:
    """`materials`: the case's current round as `_materials` reads it, when the caller has it."""
    s, actor = uow.session, uow.actor
    item = s.get(ServiceItem, case.item_id)
    clerk = s.get(Clerk, case.clerk_id)
    url = (uow.settings.get("progress_url_template") or DEFAULT_PROGRESS_URL).format(case_number=case.number)
    return DocumentSnapshot(
        kind=kind, doc_number=doc_number, case_number=case.number, issued_at=uow.now, issued_by=actor.display_name,
        agency=item.department, hall_name=uow.settings.get("hall_name"),
        window_no=actor.window_no or case.window_no or (clerk.window_no if clerk else ""),
        window_phone=uow.settings.get("window_phone") or "0935-7521234", progress_url=url,
        item_name=item.name, item_code=item.implementation_code,
        applicant=_party(s.get(Party, case.applicant_id)), agent=_party(s.get(Party, case.agent_id) if case.agent_id else None),
        received_on=case.round_received_on or case.received_on, accepted_on=case.accepted_on,
        acceptance_basis=case.acceptance_basis, committed_limit_days=item.committed_limit_days,
        committed_due=case.committed_due, legal_due=case.legal_due, due_confirmed=case.due_confirmed,
        # The committed date alone: a December deadline in a known year prints no "unconfirmed" note
        # because the legal date reaches into a year without an official calendar.
        committed_due_confirmed=None if case.committed_due is None else all(
            uow.calendar.is_confirmed_year(y)
            for y in range((case.accepted_on or case.committed_due).year, case.committed_due.year + 1)),
        round=case.round, materials=_materials(s, case) if materials is None else materials,
        reject_reason=case.reject_reason,
        competent_agency=case.competent_agency, remedy=case.remedy,
        supplement_due=(case.supplement_due or supplement_due(uow)) if kind == DocumentKind.SUPPLEMENTATION else None,
        certificate_type=certificate_type, certificate_fields=extra_fields, handover=handover,
        # The training room's paper carries "培训样张 无效" on every page (printing/ reads this).
        extra={"training": "1"} if uow.settings.get("training") == "1" else {},
    )


def store_document(uow: UnitOfWork, snap: DocumentSnapshot) -> IssuedDoc:
    doc = IssuedDocument(case_number=snap.case_number, kind=snap.kind.value, doc_number=snap.doc_number,
                         snapshot_json=snap.to_json(), pdf_sha256="", issued_at=snap.issued_at,
                         issued_by=uow.actor.username)
    uow.session.add(doc)
    uow.session.flush()
    # Audited, not sent: the platform learns of the decision from the case event itself.
    uow.audit("document.issue", "document", snap.doc_number, {"case": snap.case_number, "kind": snap.kind.value})
    if snap.case_number:
        uow.changes.case(snap.case_number)
    return IssuedDoc(doc.id, snap.kind, DOCUMENT_TITLES[snap.kind], snap.doc_number)


def _facts(materials: tuple[MaterialLine, ...]) -> set[str]:
    """The facts a workflow row's conditional documents depend on (`Owed.only_if`)."""
    return {"tolerated"} if any(m.tolerated for m in materials) else set()


def issue_documents(uow: UnitOfWork, case: Case, row: Step,
                    extra_fields: tuple[CertificateField, ...] | Callable[[str], tuple[CertificateField, ...]] = (),
                    certificate_type: str = "", handover: HandoverSnapshot | None = None) -> tuple[IssuedDoc, ...]:
    """Inside the step's transaction: the documents its workflow row owes the applicant. The
    case's materials are read once, for the facts and for every document (受理 read them three
    times: 6.6 → 5.6–5.9 ms of CPU for intake and acceptance together)."""
    if not row.documents:
        return ()
    materials = _materials(uow.session, case)
    facts = _facts(materials)
    owed = [o for o in row.documents if not o.only_if or o.only_if in facts]
    department = uow.session.get(ServiceItem, case.item_id).department
    issued = []
    for o in owed:
        kind = DocumentKind(o.kind)
        doc_number = next_document_number(uow, department, kind)
        fields_ = extra_fields(doc_number) if callable(extra_fields) else extra_fields
        issued.append(store_document(uow, build_snapshot(uow, case, kind, doc_number, fields_, certificate_type, handover,
                                                         materials)))
    return tuple(issued)


# --- certificates -------------------------------------------------------------------------


def _case_values(s: Session, case: Case, today: date) -> dict[str, str]:
    """What a certificate may take from the case and its applicant (source applicant / case)."""
    p = s.get(Party, case.applicant_id)
    org = p.kind == "organisation"
    return {
        "holder_name": p.name, "operator": p.legal_rep or p.name, "legal_rep": p.legal_rep,
        "credit_code": p.id_number if org else "", "premises": p.address,
        "business_type": "个体工商户" if not org else "",
        "registered_on": cn_day(today), "issued_on": cn_day(today),
    }


def cn_day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def certificate_defaults(ctx: AppContext, actor: Actor, number: str) -> dict[str, str]:
    """Pre-filled values for the certificate form: what the case and its applicant hold, and the
    back office's values (certificate number, scope, validity) once the platform sent them with
    the certificate_ready step; until then the pick-up clerk types those from the approval system."""
    actor.require(Perm.DOCUMENT_PRINT)
    with ctx.read() as s:
        case = load_case(s, number)
        values = _case_values(s, case, ctx.today())
        issued = s.get(PlatformCertificate, case.number)
        if issued is not None:
            values |= {k: v for k, v in (issued.fields or {}).items() if v} | {"certificate_no": issued.certificate_no}
        return values


def certificate_problems(specs: tuple[CertificateFieldSpec, ...], values: dict[str, str]) -> list[Problem]:
    """Every field the type requires is filled, and checked as its type says."""
    out = []
    for f in specs:
        v = values.get(f.key, "").strip()
        if f.required and not v:
            out.append(Problem("CERTIFICATE_FIELD_MISSING", f"证照的“{f.label}”未填写（{SOURCE_LABELS[f.source]}）。",
                               f.key))
        elif v and f.check == "credit_code":
            code = check_credit_code(v)
            out += [Problem(p.code, f"证照的“{f.label}”：{p.message}", f.key) for p in code.problems]
        if len(v) > CERTIFICATE_VALUE_MAX:
            out.append(Problem("CERTIFICATE_FIELD_TOO_LONG", f"证照的“{f.label}”超过 {CERTIFICATE_VALUE_MAX} 个字。", f.key))
    return out


CERTIFICATE_VALUE_MAX = 300


def issue_certificate(ctx: AppContext, actor: Actor, number: str, certificate_type: str,
                      specs: tuple[CertificateFieldSpec, ...] = (), values: dict[str, str] | None = None,
                      ) -> OpResult[IssuedDoc]:
    """The paper certificate of an approved case. The type's fields (`specs`, declared in its
    template, which printing/ reads: app/ knows no templates) with the values the pick-up clerk
    confirmed; every required one filled and checked before anything is numbered or printed."""
    if not certificate_type:
        raise RuleError(Problem("CERTIFICATE_TYPE_MISSING", "该事项没有配置证照套打模板，请联系信息中心。"))
    if not specs:
        raise RuleError(Problem("CERTIFICATE_FIELDS_MISSING", "证照套打模板没有声明任何打印项，请联系信息中心。"))
    values = {k: v.strip() for k, v in (values or {}).items()}
    problems = certificate_problems(specs, values)
    if problems:
        raise RuleError(problems)
    with ctx.unit_of_work(actor) as uow:
        case = load_case(uow.session, number)
        if State(case.state) not in CERTIFICATE_STATES:
            raise RuleError(Problem("CERTIFICATE_NOT_READY", "办件尚未办结（准予），不能打印证照。"))
        row = apply_transition(uow, case, Action.PRINT_CERTIFICATE)
        fields_ = tuple(CertificateField(f.key, f.label, values[f.key]) for f in specs if values.get(f.key))
        (issued,) = issue_documents(uow, case, row, fields_, certificate_type)
    return OpResult(issued, uow.changes.freeze())


# --- reading and printing -----------------------------------------------------------------


def documents_for_case(ctx: AppContext, number: str) -> list[DocumentView]:
    with ctx.read() as s:
        counts = (select(DocumentPrint.document_id, func.count().label("n")).group_by(DocumentPrint.document_id)
                  .subquery())
        rows = s.execute(select(IssuedDocument, counts.c.n).outerjoin(counts, counts.c.document_id == IssuedDocument.id)
                         .where(IssuedDocument.case_number == number).order_by(IssuedDocument.id)).all()
        return [DocumentView(d.id, DocumentKind(d.kind), DOCUMENT_TITLES[DocumentKind(d.kind)], d.doc_number, d.issued_at,
                             d.issued_by, n or 0) for d, n in rows]


def _not_found(what: str) -> RuleError:
    return RuleError(Problem("DOCUMENT_NOT_FOUND", f"找不到{what}。"))


def _document(s: Session, document_id: int) -> IssuedDocument:
    doc = s.get(IssuedDocument, document_id)
    if doc is None:
        raise _not_found("这份文书")
    return doc


def _prints(s: Session, doc: IssuedDocument) -> int:
    return s.scalar(select(func.count()).select_from(DocumentPrint).where(DocumentPrint.document_id == doc.id)) or 0


def stored_snapshot(ctx: AppContext, case_number: str, kind: DocumentKind) -> DocumentSnapshot:
    """The latest document of `kind` issued for the case, as it was issued."""
    with ctx.read() as s:
        doc = s.scalars(select(IssuedDocument).where(IssuedDocument.case_number == case_number,
                                                     IssuedDocument.kind == DocumentKind(kind).value)
                        .order_by(IssuedDocument.id.desc())).first()
        if doc is None:
            raise _not_found(f"办件 {case_number} 的{DOCUMENT_TITLES[DocumentKind(kind)]}")
        return DocumentSnapshot.from_json(doc.snapshot_json)


def document_for_print(ctx: AppContext, actor: Actor, document_id: int) -> PrintJob:
    """The snapshot to render; a copy mark (who, now) when it has been printed before."""
    actor.require(Perm.DOCUMENT_PRINT)
    with ctx.read() as s:
        doc = _document(s, document_id)
        copy = CopyMark(actor.display_name, ctx.now()) if _prints(s, doc) else None
        return PrintJob(doc.id, DocumentSnapshot.from_json(doc.snapshot_json), copy, doc.pdf_sha256)


def record_rendered(ctx: AppContext, actor: Actor, document_id: int, sha256: str) -> OpResult[str]:
    """The first (original) rendering's hash is kept with the document."""
    with ctx.unit_of_work(actor) as uow:
        doc = _document(uow.session, document_id)
        if not doc.pdf_sha256:
            doc.pdf_sha256 = sha256
    return OpResult(doc.pdf_sha256)


def record_printed(ctx: AppContext, actor: Actor, document_id: int, printer: str, copies: int) -> OpResult[bool]:
    """One print (or 补打) of a document, audited; returns whether it was a reprint."""
    actor.require(Perm.DOCUMENT_PRINT)
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        doc = _document(s, document_id)
        reprint = _prints(s, doc) > 0
        s.add(DocumentPrint(document_id=doc.id, at=uow.now, by=actor.username, reprint=reprint, printer=printer,
                            copies=max(1, copies)))
        uow.audit("document.reprint" if reprint else "document.print", "document", doc.doc_number,
                  {"case": doc.case_number, "kind": doc.kind, "printer": printer, "copies": copies})
        uow.changes.case(doc.case_number)
    return OpResult(reprint, uow.changes.freeze())


# --- printer settings per terminal --------------------------------------------------------


@dataclass(frozen=True)
class PrinterSettings:
    printer: str = ""  # "" = the system's default printer
    copies: int = 1
    tray: str = ""
    offset_mm: tuple[float, float] = (0.0, 0.0)  # certificates on pre-printed stock


def _setting_key(kind: DocumentKind | str) -> str:
    return f"printer.{DocumentKind(kind).value}"


def _calibration_key(printer: str) -> str:
    """Each printer feeds the stock its own way: the offset belongs to the printer."""
    return f"calibration.{printer or 'default'}"[:60]


def calibration_offset(ctx: AppContext, printer: str) -> tuple[float, float]:
    raw = ctx.settings.get(_calibration_key(printer))
    return tuple(json.loads(raw)) if raw else (0.0, 0.0)


def printer_settings(ctx: AppContext, kind: DocumentKind) -> PrinterSettings:
    raw = ctx.settings.get(_setting_key(kind))
    d = json.loads(raw) if raw else {}
    printer = d.get("printer", "")
    offset = calibration_offset(ctx, printer) if DocumentKind(kind) == DocumentKind.CERTIFICATE else (0.0, 0.0)
    return PrinterSettings(printer, int(d.get("copies", 1)), d.get("tray", ""), offset)


def save_printer_settings(ctx: AppContext, actor: Actor, kind: DocumentKind, settings: PrinterSettings) -> OpResult[str]:
    """Remembered per terminal and document kind (the window's A4 printer, the certificate printer …)."""
    actor.require(Perm.DOCUMENT_PRINT)
    if not 1 <= settings.copies <= 20:
        raise RuleError(Problem("PRINT_COPIES_RANGE", "打印份数应在 1 到 20 之间。", "copies"))
    if any(abs(v) > 20 for v in settings.offset_mm):
        raise RuleError(Problem("PRINT_OFFSET_RANGE", "套打偏移超过 20 毫米，请检查纸张是否放正。", "offset"))
    value = json.dumps({"printer": settings.printer, "copies": settings.copies, "tray": settings.tray},
                       ensure_ascii=False)
    changes = {_setting_key(kind): value}
    if DocumentKind(kind) == DocumentKind.CERTIFICATE:
        changes[_calibration_key(settings.printer)] = json.dumps(list(settings.offset_mm))
    with ctx.unit_of_work(actor) as uow:
        for key, new in changes.items():
            uow.put_setting(key, new)
            uow.audit("settings.change", "setting", key, {"to": new})
    return OpResult(value, uow.changes.freeze())

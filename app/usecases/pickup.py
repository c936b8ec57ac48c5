"""发证窗口: find the certificate waiting, check who collects it, hand it over (signed), record a
spoiled blank (第二十二条; 行政许可法 第四十四条: issued or served within 10 days of the decision).
Mailing it is usecases/mailing.py; who may collect with which papers is rules/handover.py.

Everything works offline from the last pulled progress; the hand-over goes to the platform as
the COLLECT / MAIL event of the workflow table, with the signature's hash, the hashes of the pages
captured at the desk and the collector's masked ID only. A mailed certificate is served when the
courier confirms delivery (已送达, reported by the platform); the desk lists what is still out.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, or_, select

from app.actor import Actor
from app.case_states import STATE_LABELS, Action, State
from app.changes import OpResult
from app.context import AppContext
from app.documents import DocumentKind, HandoverSnapshot
from app.permissions import Perm
from app.rules.case_number import normalise_case_number
from app.rules.handover import ISSUE_WITHIN_DAYS, MODES, PAGE_KINDS, Collector, identity_problems
from app.rules.problems import Problem, RuleError
from app.rules.text import mask_id_number
from app.rules.workdays import WorkCalendar
from app.storage.attachment_models import Attachment
from app.storage.document_models import IssuedDocument
from app.storage.models import Case, Party, ServiceItem
from app.storage.pickup_models import Handover, HandoverPage, PlatformCertificate, SpoiledBlank
from app.usecases.case_flow import apply_transition, check_step, load_case
from app.usecases.documents import IssuedDoc, issue_documents
from app.usecases.scans import keep_page


@dataclass(frozen=True)
class Waiting:
    number: str
    item_name: str
    applicant_name: str
    applicant_id_masked: str
    ready_since: datetime
    days_waiting: int
    overdue: bool  # past the 10 (working) days of 第四十四条


def _waiting(rows: list, today: date, cal: WorkCalendar) -> list[Waiting]:
    out = []
    for number, item, name, id_number, since in rows:
        days = (today - since.date()).days
        late = today > cal.add_working_days(since.date(), ISSUE_WITHIN_DAYS).date
        out.append(Waiting(number, item, name, mask_id_number(id_number), since, days, late))
    return out


def _base(by_state_index: bool = True):  # noqa: ANN202 — a select
    # `state || ''` keeps SQLite off the state index when a person's few cases are wanted: at a
    # million cases that index would walk every certificate waiting in the hall (no ANALYZE on a
    # terminal, so the planner cannot know the applicant index is narrower).
    state = Case.state if by_state_index else Case.state + ""
    return (select(Case.number, ServiceItem.name, Party.name, Party.id_number, Case.updated_at)
            .join(ServiceItem, ServiceItem.id == Case.item_id).join(Party, Party.id == Case.applicant_id)
            .where(state == State.AWAITING_PICKUP.value))


def waiting_list(ctx: AppContext, actor: Actor, limit: int = 500) -> list[Waiting]:
    """The hall's certificates waiting, oldest first (index ix_cases_state_updated)."""
    actor.require(Perm.CASE_HANDOVER)
    with ctx.read() as s:
        rows = s.execute(_base().order_by(Case.updated_at.asc()).limit(limit)).all()
    return _waiting(rows, ctx.today(), ctx.calendar)


def find_waiting(ctx: AppContext, actor: Actor, text: str) -> list[Waiting]:
    """A scanned case number (check character verified), an ID number (all that person's
    certificates), or the start of a name."""
    actor.require(Perm.CASE_HANDOVER)
    t = text.strip()
    if not t:
        return []
    with ctx.read() as s:
        try:  # a scanned notice: the case number, check character verified
            number = load_case(s, t).number
        except RuleError:
            number = ""
        if number:
            rows = s.execute(_base().where(Case.number == number)).all()
        else:  # an ID card read or typed: all that person's certificates; else a name
            rows = s.execute(_by_person(t)).all()
    return _waiting(rows, ctx.today(), ctx.calendar)


def _by_person(t: str) -> Select:
    """Waiting certificates of the person with this ID number, or names starting with `t`.
    Index ranges, not LIKE: a name prefix stays an index probe at a million people (a test
    reads the query plan)."""
    norm = normalise_case_number(t).upper()
    people = select(Party.id).where(or_(Party.id_number == norm, and_(Party.name >= t, Party.name < t + "\uffff")))
    return (_base(by_state_index=False).where(Case.applicant_id.in_(people))
            .order_by(Case.updated_at.asc()).limit(100))


def case_for_pickup(ctx: AppContext, actor: Actor, text: str) -> str:
    """The case a scanned number names, refused in words when it is not one (a misread barcode)
    or not waiting here."""
    actor.require(Perm.CASE_HANDOVER)
    with ctx.read() as s:
        case = load_case(s, text)  # CASE_NUMBER_CHECK on a misread
        if case.state != State.AWAITING_PICKUP.value:
            raise RuleError(Problem("NOT_AWAITING_PICKUP", f"办件 {case.number} 当前为“{STATE_LABELS[State(case.state)]}”，"
                                                           "没有待领取的证照。"))
        return case.number


# --- who collects --------------------------------------------------------------------------


def store_handover_page(ctx: AppContext, actor: Actor, data: bytes, media_type: str = "image/jpeg") -> OpResult[str]:
    """A page the document camera captured at the desk (F6), kept at once inside the encrypted
    store like an intake scan; the hand-over links it. Returns its SHA-256."""
    actor.require(Perm.CASE_HANDOVER)
    with ctx.unit_of_work(actor) as uow:
        sha = keep_page(uow, data, media_type)
    return OpResult(sha, uow.changes.freeze())


@dataclass(frozen=True)
class Override:
    supervisor: Actor  # authenticated at the desk (password), not just named
    reason: str


def check_collector(ctx: AppContext, actor: Actor, number: str, c: Collector) -> list[Problem]:
    """The desk's check before anything is printed or signed (reads only)."""
    actor.require(Perm.CASE_HANDOVER)
    with ctx.read() as s:
        case = load_case(s, number)
        return identity_problems(s.get(Party, case.applicant_id), c, ctx.today())


def _identity_method(c: Collector) -> str:
    return "居民身份证读卡核验" if c.card_read else "人工核验居民身份证"


def hand_over(ctx: AppContext, actor: Actor, number: str, c: Collector, signature_png: bytes, blank_serial: str = "",
              certificate_no: str = "", override: Override | None = None) -> OpResult[IssuedDoc]:
    """领取: the case moves to 已领取 with who collected, how identity was checked and the
    signature; the 领取回执 is issued in the same transaction. A mismatch stops it unless a
    supervisor, authenticated here, overrides with a reason (recorded and audited)."""
    if not signature_png:
        raise RuleError(Problem("HANDOVER_NO_SIGNATURE", "请领取人在签名板或屏幕上签名。", "signature"))
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        case = load_case(s, number)
        check_step(uow, case, Action.COLLECT)
        applicant = s.get(Party, case.applicant_id)
        problems = identity_problems(applicant, c, uow.today)
        if problems:
            if override is None:
                raise RuleError(problems)
            override.supervisor.require(Perm.HANDOVER_OVERRIDE)
            if len(override.reason.strip()) < 4:
                raise RuleError(Problem("OVERRIDE_NO_REASON", "主管核准须写明理由。", "override_reason"))
        sha = hashlib.sha256(signature_png).hexdigest()
        masked = mask_id_number("".join(c.id_number.split()).upper())
        method = _identity_method(c) if not problems else f"{_identity_method(c)}；主管核准"
        ov_by, ov_reason = (override.supervisor.username, override.reason.strip()) if problems and override else ("", "")
        handover = Handover(case_id=case.id, kind="collect", mode=c.mode, collector_name=c.name.strip(),
                            collector_id_masked=masked, identity_method=method, blank_serial=blank_serial.strip(),
                            signature_sha256=sha, signature_png=signature_png, override_by=ov_by,
                            override_reason=ov_reason, at=uow.now, by=actor.username)
        s.add(handover)
        s.flush()
        _link_pages(s, handover, c)
        if problems:
            uow.audit("handover.override", "case", case.number,
                      {"by": ov_by, "reason": ov_reason, "problems": [p.code for p in problems]})
        row = apply_transition(uow, case, Action.COLLECT, note=MODES[c.mode], mode=c.mode, collector_name=c.name.strip(),
                               collector_id_masked=masked, identity_method=method, signature_sha256=sha,
                               blank_serial=blank_serial.strip(), override_by=ov_by, override_reason=ov_reason,
                               authorisation_pages=c.authorisation_pages, id_copy_pages=c.id_copy_pages)
        certificate_no, certificate_name = certificate_named(s, case, certificate_no)
        snap = HandoverSnapshot(c.mode, c.name.strip(), masked, method + _papers(c), certificate_name, certificate_no,
                                blank_serial.strip(), base64.b64encode(signature_png).decode(), sha, ov_by, ov_reason)
        (receipt,) = issue_documents(uow, case, row, handover=snap)
    return OpResult(receipt, uow.changes.freeze())


def _papers(c: Collector) -> str:
    """For the receipt: which papers were captured and kept (e.g. ；授权委托书1页、申请人身份证复印件1页已拍照留存)."""
    kept = [f"{PAGE_KINDS[kind]}{len(pages)}页" for kind, pages in c.page_kinds if pages]
    return f"；{'、'.join(kept)}已拍照留存" if kept else ""


def certificate_named(s, case: Case, typed_no: str = "") -> tuple[str, str]:  # noqa: ANN001 — a Session
    """The certificate's number and name for a receipt: the number the clerk typed, else the
    platform's; the platform's name, else the item's (the receipt names the certificate, not
    the item, when it can)."""
    row = s.get(PlatformCertificate, case.number)
    issued_no, issued_name = (row.certificate_no, row.name) if row is not None else ("", "")
    return typed_no.strip() or issued_no, issued_name or s.get(ServiceItem, case.item_id).name


def _link_pages(s, handover: Handover, c: Collector) -> None:  # noqa: ANN001 — a Session
    """The captured pages belong to this hand-over (and its case), in the order taken; a page
    the store does not hold (lost before it was kept) stops the hand-over."""
    wanted = [h for _kind, pages in c.page_kinds for h in pages]
    if not wanted:
        return
    known = set(s.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(wanted))))
    if any(h not in known for h in wanted):
        raise RuleError(Problem("SCAN_MISSING", "拍摄的授权文书未保存成功，请按 F6 重新拍摄。", "authorisation"))
    for kind, pages in c.page_kinds:
        s.add_all([HandoverPage(handover_id=handover.id, case_id=handover.case_id, kind=kind, page_no=i, sha256=h)
                   for i, h in enumerate(pages, 1)])


def spoil_blank(ctx: AppContext, actor: Actor, number: str, serial: str, reason: str) -> OpResult[str]:
    """作废: a blank spoiled in printing is recorded with its serial and why — a blank never
    just disappears."""
    actor.require(Perm.CASE_HANDOVER)
    problems = []
    if not serial.strip():
        problems.append(Problem("BLANK_NO_SERIAL", "请填写作废空白证照的印制编号。", "serial"))
    if len(reason.strip()) < 2:
        problems.append(Problem("BLANK_NO_REASON", "请写明作废原因（如卡纸、套印错位）。", "reason"))
    if problems:
        raise RuleError(problems)
    with ctx.unit_of_work(actor) as uow:
        case = load_case(uow.session, number)
        uow.session.add(SpoiledBlank(case_number=case.number, serial=serial.strip(), reason=reason.strip(),
                                     at=uow.now, by=actor.username))
        uow.audit("blank.spoiled", "case", case.number, {"serial": serial.strip(), "reason": reason.strip()})
        uow.changes.case(case.number)
    return OpResult(serial.strip(), uow.changes.freeze())


@dataclass(frozen=True)
class CertificateView:
    certificate_no: str
    name: str
    holder_name: str
    valid_from: date | None
    valid_until: date | None  # None: 长期
    decided_on: date | None
    fields: dict[str, str]


def platform_certificate(ctx: AppContext, actor: Actor, number: str) -> CertificateView | None:
    """The certificate the department issued, as the platform sent it (None until it has)."""
    actor.require(Perm.CASE_VIEW)
    with ctx.read() as s:
        row = s.get(PlatformCertificate, normalise_case_number(number).upper())
        if row is None:
            return None
        return CertificateView(row.certificate_no, row.name, row.holder_name, row.valid_from, row.valid_until,
                               row.decided_on, dict(row.fields or {}))


def handover_pages(ctx: AppContext, actor: Actor, number: str) -> list[tuple[str, int, str]]:
    """(kind, page number, sha256) of the pages captured for the case's hand-over."""
    actor.require(Perm.CASE_VIEW)
    with ctx.read() as s:
        case = load_case(s, number)
        return [tuple(r) for r in s.execute(select(HandoverPage.kind, HandoverPage.page_no, HandoverPage.sha256)
                                            .where(HandoverPage.case_id == case.id).order_by(HandoverPage.id))]


def handover_documents(ctx: AppContext, number: str) -> list[int]:
    with ctx.read() as s:
        return list(s.scalars(select(IssuedDocument.id).where(IssuedDocument.case_number == number,
                                                              IssuedDocument.kind == DocumentKind.HANDOVER_RECEIPT.value)))

"""发证窗口: find the certificate waiting, check who collects it, hand it over (signed) or mail it,
record a spoiled blank, and list the day's parcels for the courier (第二十二条; 行政许可法 第四十四条:
issued or served within 10 days of the decision).

Everything works offline from the last pulled progress; the hand-over goes to the platform as
the COLLECT / MAIL event of the workflow table, with the signature's hash, the hashes of the pages
captured at the desk and the collector's masked ID only. A mailed certificate is served when the
courier confirms delivery (已送达, reported by the platform); the desk lists what is still out.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select

from app.actor import Actor
from app.case_states import STATE_LABELS, Action, State
from app.changes import OpResult
from app.context import AppContext
from app.documents import DocumentKind, HandoverSnapshot, MailingLine
from app.permissions import Perm
from app.rules.case_number import normalise_case_number
from app.rules.identity import check_resident_id
from app.rules.problems import Problem, RuleError
from app.rules.text import mask_id_number, mask_phone
from app.rules.tracking import COURIERS, normalise_tracking, tracking_problems
from app.rules.workdays import WorkCalendar
from app.storage.attachment_models import Attachment
from app.storage.document_models import IssuedDocument
from app.storage.models import Case, CaseEvent, Party, ServiceItem
from app.storage.pickup_models import Handover, HandoverPage, PlatformCertificate, SpoiledBlank
from app.usecases.case_flow import apply_transition, check_step, load_case
from app.usecases.documents import IssuedDoc, build_snapshot, issue_documents, next_document_number, store_document
from app.usecases.scans import keep_page

ISSUE_WITHIN_DAYS = 10  # 行政许可法 第四十四条; working days (第八十二条: the law's limits exclude holidays)
MODES = {"self": "本人领取", "agent": "代理人领取", "organisation": "单位经办人领取"}


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


PAGE_KINDS = {"authorisation": "授权委托书", "applicant_id_copy": "申请人身份证复印件", "unit_letter": "单位介绍信"}


def store_handover_page(ctx: AppContext, actor: Actor, data: bytes, media_type: str = "image/jpeg") -> OpResult[str]:
    """A page the document camera captured at the desk (F6), kept at once inside the encrypted
    store like an intake scan; the hand-over links it. Returns its SHA-256."""
    actor.require(Perm.CASE_HANDOVER)
    with ctx.unit_of_work(actor) as uow:
        sha = keep_page(uow, data, media_type)
    return OpResult(sha, uow.changes.freeze())


@dataclass(frozen=True)
class Collector:
    mode: str  # self | agent | organisation
    name: str
    id_number: str
    card_read: bool  # the ID card's chip was read at the desk (F4), not just looked at
    card_expired: bool = False
    # Hashes of pages captured with the document camera (store_handover_page): the 授权委托书
    # (an agent) or the unit's letter (an organisation's 经办人), and the applicant's ID copy.
    authorisation_pages: tuple[str, ...] = ()
    id_copy_pages: tuple[str, ...] = ()

    @property
    def page_kinds(self) -> list[tuple[str, tuple[str, ...]]]:
        first = "unit_letter" if self.mode == "organisation" else "authorisation"
        return [(first, self.authorisation_pages), ("applicant_id_copy", self.id_copy_pages)]


# What identity_problems may find, all of which a supervisor may let go ahead with a reason
# (hand_over below); anything else is bad input to be corrected. The desk offers the override on these.
OVERRIDABLE = frozenset({"HANDOVER_IDENTITY_MISMATCH", "COLLECTOR_CARD_EXPIRED", "HANDOVER_MODE",
                         "AGENT_NO_AUTHORISATION", "AGENT_NO_APPLICANT_ID", "ORG_NO_LETTER"})


def identity_problems(applicant: Party, c: Collector, today: date) -> list[Problem]:
    """Whether this person may take this certificate (pure; the supervisor may override)."""
    out: list[Problem] = []
    if c.mode not in MODES:
        return [Problem("HANDOVER_MODE", "请选择本人领取、代理人领取或单位经办人领取。", "mode")]
    checked = check_resident_id(c.id_number, today)
    if not checked.ok:
        out += [Problem(p.code, f"领取人：{p.message}", "collector_id") for p in checked.problems]
    if c.card_expired:
        out.append(Problem("COLLECTOR_CARD_EXPIRED", "领取人的身份证已过有效期，请核对其他有效证件。", "collector_id"))
    if c.mode == "self":
        if applicant.kind != "person":
            out.append(Problem("HANDOVER_MODE", "申请人是单位，应由单位经办人领取。", "mode"))
        elif checked.value != applicant.id_number or c.name.strip() != applicant.name:
            out.append(Problem("HANDOVER_IDENTITY_MISMATCH",
                               f"领取人（{c.name} {mask_id_number(checked.value)}）与申请人（{applicant.name} "
                               f"{mask_id_number(applicant.id_number)}）不一致，不能以本人身份领取。", "collector_id"))
    elif c.mode == "agent":
        if not c.authorisation_pages:
            out.append(Problem("AGENT_NO_AUTHORISATION", "代理人领取须有申请人签署的授权委托书：请放在高拍仪下按 F6 拍照留存。",
                               "authorisation"))
        if not c.id_copy_pages:
            out.append(Problem("AGENT_NO_APPLICANT_ID", "代理人领取须有申请人身份证复印件：请按 F6 拍照留存。",
                               "applicant_id_copy"))
    elif c.mode == "organisation":
        if applicant.kind != "organisation":
            out.append(Problem("HANDOVER_MODE", "申请人是个人，不能由单位经办人领取。", "mode"))
        if not c.authorisation_pages:
            out.append(Problem("ORG_NO_LETTER", "单位经办人领取须有单位介绍信或授权委托书：请按 F6 拍照留存。",
                               "authorisation"))
    return out


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
        item = s.get(ServiceItem, case.item_id)
        issued_no, issued_name = _platform_certificate(s, case.number)
        certificate_no, certificate_name = certificate_no.strip() or issued_no, issued_name or item.name
        snap = HandoverSnapshot(c.mode, c.name.strip(), masked, method + _papers(c), certificate_name, certificate_no,
                                blank_serial.strip(), base64.b64encode(signature_png).decode(), sha, ov_by, ov_reason)
        (receipt,) = issue_documents(uow, case, row, handover=snap)
    return OpResult(receipt, uow.changes.freeze())


def _papers(c: Collector) -> str:
    """For the receipt: which papers were captured and kept (e.g. ；授权委托书1页、申请人身份证复印件1页已拍照留存)."""
    kept = [f"{PAGE_KINDS[kind]}{len(pages)}页" for kind, pages in c.page_kinds if pages]
    return f"；{'、'.join(kept)}已拍照留存" if kept else ""


def _platform_certificate(s, number: str) -> tuple[str, str]:  # noqa: ANN001 — a Session
    """The certificate's number and name as the platform sent them ("" until it has): the
    receipt names the certificate, not the item, when it can."""
    row = s.get(PlatformCertificate, number)
    return (row.certificate_no, row.name) if row is not None else ("", "")


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


@dataclass(frozen=True)
class Mailing:
    courier: str
    tracking_no: str
    address: str
    phone: str
    addressee: str = ""


def mailing_problems(m: Mailing) -> list[Problem]:
    """Courier, tracking number (format and check digit), address and phone — before anything is saved."""
    problems = tracking_problems(m.courier, m.tracking_no)
    if not m.address.strip():
        problems.append(Problem("MAIL_NO_ADDRESS", "请填写邮寄地址。", "address"))
    if len("".join(c for c in m.phone if c.isdigit())) < 7:
        problems.append(Problem("MAIL_NO_PHONE", "请填写收件人电话。", "phone"))
    return problems


def mail_certificate(ctx: AppContext, actor: Actor, number: str, m: Mailing, blank_serial: str = "",
                     certificate_no: str = "") -> OpResult[IssuedDoc]:
    """邮寄送达: courier and a checked tracking number; the case moves to 已寄出."""
    problems = mailing_problems(m)
    if problems:
        raise RuleError(problems)
    tracking = normalise_tracking(m.tracking_no)
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        case = load_case(s, number)
        check_step(uow, case, Action.MAIL)
        if s.scalar(select(Handover.id).where(Handover.tracking_no == tracking)):
            raise RuleError(Problem("TRACKING_USED", f"快递单号 {tracking} 已用于另一件证照，请核对。", "tracking_no"))
        applicant = s.get(Party, case.applicant_id)
        addressee = m.addressee.strip() or applicant.name
        s.add(Handover(case_id=case.id, kind="mail", mode="mail", collector_name=addressee, courier=m.courier,
                       tracking_no=tracking, address=m.address.strip(), phone=m.phone.strip(),
                       blank_serial=blank_serial.strip(), at=uow.now, by=actor.username))
        row = apply_transition(uow, case, Action.MAIL, note=f"{COURIERS[m.courier]} {tracking}", courier=m.courier,
                               tracking_no=tracking, blank_serial=blank_serial.strip())
        item = s.get(ServiceItem, case.item_id)
        issued_no, issued_name = _platform_certificate(s, case.number)
        certificate_no, certificate_name = certificate_no.strip() or issued_no, issued_name or item.name
        snap = HandoverSnapshot("mail", addressee, certificate_name=certificate_name, certificate_no=certificate_no,
                                blank_serial=blank_serial.strip(), courier=COURIERS[m.courier], tracking_no=tracking,
                                address=m.address.strip(), phone_masked=mask_phone(m.phone.strip()))
        (receipt,) = issue_documents(uow, case, row, handover=snap)
    return OpResult(receipt, uow.changes.freeze())


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


def issue_mailing_list(ctx: AppContext, actor: Actor, day: date | None = None) -> OpResult[IssuedDoc]:
    """邮件交寄清单: every certificate mailed on `day` (default today), for the courier's pick-up."""
    actor.require(Perm.CASE_HANDOVER)
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        day = day or uow.today
        start = datetime(day.year, day.month, day.day)
        rows = s.execute(
            select(Handover, Case, ServiceItem.name).join(Case, Case.id == Handover.case_id)
            .join(ServiceItem, ServiceItem.id == Case.item_id)
            .where(Handover.kind == "mail", Handover.at >= start, Handover.at < start + timedelta(days=1))
            .order_by(Handover.at)).all()
        if not rows:
            raise RuleError(Problem("MAILING_LIST_EMPTY", f"{day:%Y年%m月%d日}没有邮寄的证照。"))
        lines = tuple(MailingLine(c.number, h.collector_name, h.address, mask_phone(h.phone), COURIERS.get(h.courier, h.courier),
                                  h.tracking_no, item) for h, c, item in rows)
        first = rows[0][1]
        doc_number = next_document_number(uow, s.get(ServiceItem, first.item_id).department, DocumentKind.MAILING_LIST)
        snap = build_snapshot(uow, first, DocumentKind.MAILING_LIST, doc_number)
        snap = replace(snap, mailing=lines, case_number="", item_name="", item_code="")
        issued = store_document(uow, snap)
    return OpResult(issued, uow.changes.freeze())


# --- 已寄出: served when delivered (第四十四条) ------------------------------------------------


@dataclass(frozen=True)
class Mailed:
    number: str
    item_name: str
    addressee: str
    courier: str
    tracking_no: str
    mailed_at: datetime
    decided_on: date  # the decision the 10 days of 第四十四条 run from
    serve_by: date
    delivered_at: datetime | None
    delivered_to: str
    overdue: bool  # not delivered and past serve_by

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None


def mailed_list(ctx: AppContext, actor: Actor, limit: int = 300) -> list[Mailed]:
    """Certificates mailed from this desk: those still out first (oldest first, overdue ones —
    not served within 10 days of the decision — marked), then the delivered, latest first."""
    actor.require(Perm.CASE_HANDOVER)
    decided = (select(CaseEvent.case_id, func.max(CaseEvent.at).label("at"))
               .where(CaseEvent.action == Action.CONCLUDE_APPROVED.value).group_by(CaseEvent.case_id).subquery())
    q = (select(Handover, Case.number, ServiceItem.name, PlatformCertificate.decided_on, decided.c.at)
         .join(Case, Case.id == Handover.case_id).join(ServiceItem, ServiceItem.id == Case.item_id)
         .outerjoin(PlatformCertificate, PlatformCertificate.case_number == Case.number)
         .outerjoin(decided, decided.c.case_id == Case.id)
         .where(Handover.kind == "mail"))
    today, cal = ctx.today(), ctx.calendar
    with ctx.read() as s:
        out_ = s.execute(q.where(Handover.delivered_at.is_(None)).order_by(Handover.at.asc()).limit(limit)).all()
        done = s.execute(q.where(Handover.delivered_at.is_not(None)).order_by(Handover.delivered_at.desc())
                         .limit(limit)).all()
    rows = []
    for h, number, item, platform_decided, local_decided in [*out_, *done]:
        decided_on = platform_decided or (local_decided.date() if local_decided else h.at.date())
        serve_by = cal.add_working_days(decided_on, ISSUE_WITHIN_DAYS).date
        rows.append(Mailed(number, item, h.collector_name, COURIERS.get(h.courier, h.courier), h.tracking_no, h.at,
                           decided_on, serve_by, h.delivered_at, h.delivered_to,
                           h.delivered_at is None and today > serve_by))
    return rows


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

"""邮寄送达 at the pick-up desk: mail a certificate (已寄出), print the day's list for the courier
(邮件交寄清单), and follow what is out until the platform reports it delivered (已送达), since
第四十四条's 10 days run until the certificate is served.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.actor import Actor
from app.case_states import Action
from app.changes import OpResult
from app.context import AppContext
from app.documents import DocumentKind, HandoverSnapshot, MailingLine
from app.permissions import Perm
from app.rules.handover import ISSUE_WITHIN_DAYS, Mailing, mailing_problems
from app.rules.problems import Problem, RuleError
from app.rules.text import mask_phone
from app.rules.tracking import COURIERS, normalise_tracking
from app.storage.models import Case, CaseEvent, Party, ServiceItem
from app.storage.pickup_models import Handover, PlatformCertificate
from app.usecases.case_flow import apply_transition, check_step, load_case
from app.usecases.documents import IssuedDoc, build_snapshot, issue_documents, next_document_number, store_document
from app.usecases.pickup import certificate_named


def check_mailing(m: Mailing) -> tuple[Problem, ...]:
    """What mail_certificate would refuse in the mailing form, without the database: the dialog
    asks before it closes, so a misread tracking number is fixed where it was typed."""
    return tuple(mailing_problems(m))


def mail_certificate(ctx: AppContext, actor: Actor, number: str, m: Mailing, blank_serial: str = "",
                     certificate_no: str = "") -> OpResult[IssuedDoc]:
    """邮寄送达: courier and a checked tracking number; the case moves to 已寄出."""
    problems = check_mailing(m)
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
        certificate_no, certificate_name = certificate_named(s, case, certificate_no)
        snap = HandoverSnapshot("mail", addressee, certificate_name=certificate_name, certificate_no=certificate_no,
                                blank_serial=blank_serial.strip(), courier=COURIERS[m.courier], tracking_no=tracking,
                                address=m.address.strip(), phone_masked=mask_phone(m.phone.strip()))
        (receipt,) = issue_documents(uow, case, row, handover=snap)
    return OpResult(receipt, uow.changes.freeze())


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

"""The simulated back office (业务部门): an accepted case moves on, one step per
`back_office_delay_seconds`, to 办理中, then 办结 (approved, or not for a share of cases),
then — when approved — certificate ready for pick-up, with the certificate the department
issued (number, holder, validity, the type's fields). Each step is a progress update the
case's terminal (and its hall's pick-up desk) pulls. A case in a special procedure
(suspended) waits until it resumes. A mailed certificate is confirmed delivered (妥投) when
the courier says so: `confirm_delivery`, driven by the control endpoint."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.auth import Principal
from sandbox.events import denied
from sandbox.paging import parse_cursor
from sandbox.store import AppliedEvent, CatalogEntry, PlatformCase, ProgressRow
from sync.contract import (
    CHINA,
    PROGRESS_STEP_LABELS,
    CertificateHolder,
    DeliveryConfirmation,
    IssuedCertificate,
    ProgressPage,
    ProgressUpdate,
)

_MAX_ROUNDS = 4  # accepted → in_progress → concluded → certificate ready: at most 3 steps per case


def _next_step(case: PlatformCase, denial_share: float) -> tuple[str, str] | None:
    """(new state, progress step) the back office takes next, or None if it has nothing to do."""
    if case.state == "accepted":
        return "in_progress", "in_progress"
    if case.state == "in_progress":
        return ("concluded_denied", "concluded_denied") if denied(case.case_number, denial_share) else (
            "concluded_approved", "concluded_approved")
    if case.state == "concluded_approved":
        return "awaiting_pickup", "certificate_ready"
    return None


def advance_due_cases(s: Session, delay_seconds: float, denial_share: float) -> int:
    """Take every step that is due now; with no delay a case goes all the way at once.
    Returns the number of steps taken."""
    taken = 0
    for _ in range(_MAX_ROUNDS):
        now = clock.now()
        due = s.scalars(select(PlatformCase).where(PlatformCase.office_due_at.is_not(None),
                                                   PlatformCase.office_due_at <= clock.stored(now))).all()
        if not due:
            break
        for case in due:
            step = _next_step(case, denial_share)
            if step is None:
                if case.state != "suspended":  # a suspended case gets a new due time when it resumes
                    case.office_due_at = None
                continue
            case.state = step[0]
            case.office_due_at = clock.stored(now + timedelta(seconds=delay_seconds))
            data = None
            if step[1] == "certificate_ready":
                data = {"certificate": issued_certificate(s, case, now.astimezone(CHINA).date()).model_dump(mode="json")}
            s.add(ProgressRow(progress_id=str(uuid.uuid4()), case_number=case.case_number,
                              terminal_id=case.terminal_id, step=step[1], at=clock.stored(now),
                              note=f"业务部门：{PROGRESS_STEP_LABELS[step[1]]}", data=data))
            taken += 1
        s.flush()
        if delay_seconds > 0:
            break
    return taken


def _certificate_name(result_sample: str, item_name: str) -> str:
    """营业执照（个体工商户）正本、副本（样本）；电子营业执照 → 营业执照（个体工商户）."""
    name = result_sample.split("；")[0].split("，")[0]
    for noise in ("（样本）", "（正本、副本）", "正本、副本"):
        name = name.replace(noise, "")
    return name.strip() or f"{item_name}决定书"


def _credit_code(case_number: str) -> str:
    """A well-formed 统一社会信用代码 (GB 32100 check character) for a new business, stable per case."""
    from stdnum.cn import uscc

    digits = str(int(hashlib.sha256(case_number.encode()).hexdigest()[:12], 16))[-9:].rjust(9, "0")
    body = "92" + case_number[:6] + "MA" + digits[:7]
    return body + uscc.calc_check_digit(body)


def _receive_data(s: Session, case_number: str) -> dict:
    row = s.scalars(select(AppliedEvent).where(AppliedEvent.case_number == case_number,
                                               AppliedEvent.kind == "case.receive")).first()
    return row.data if row is not None else {}


def issued_certificate(s: Session, case: PlatformCase, today: date) -> IssuedCertificate:
    """What the department issued for an approved case: its holder is the case's applicant."""
    item = (s.get(CatalogEntry, case.item_code).data if s.get(CatalogEntry, case.item_code) else {})
    applicant = _receive_data(s, case.case_number).get("applicant") or {}
    sample = str(item.get("result_sample", ""))
    years = 5 if "有效期5年" in sample else 0
    anniversary = today.replace(day=28) if (today.month, today.day) == (2, 29) else today
    valid_until = anniversary.replace(year=today.year + years) - timedelta(days=1) if years else None
    serial = case.case_number[10:17] if len(case.case_number) >= 17 else case.case_number[-7:]
    number = f"{case.case_number[:6]}{today:%Y%m%d}{serial}"
    fields = {"certificate_no": number, "scope": "日用百货、预包装食品零售（依法须经批准的项目，经相关部门批准后方可开展经营活动）"}
    if "营业执照" in sample:  # a new business gets its own credit code
        fields["credit_code"] = _credit_code(case.case_number)
    if valid_until is not None:
        fields["valid_until"] = f"{valid_until.year}年{valid_until.month}月{valid_until.day}日"
    holder = CertificateHolder(kind=applicant.get("kind", "person"), name=applicant.get("name") or "（未登记）",
                               id_type=applicant.get("id_type", ""), id_number=applicant.get("id_number", ""))
    decided = s.scalar(select(ProgressRow.at).where(ProgressRow.case_number == case.case_number,
                                                    ProgressRow.step == "concluded_approved"))
    return IssuedCertificate(certificate_no=number, name=_certificate_name(sample, item.get("name", "")),
                             item_code=case.item_code, item_name=item.get("name", ""), holder=holder,
                             issued_on=today, valid_from=today, valid_until=valid_until,
                             decided_on=clock.loaded(decided).astimezone(CHINA).date() if decided else today,
                             fields=fields)


class NotMailed(Exception):
    """The case is not (or no longer) 已寄出: nothing to confirm."""


def confirm_delivery(s: Session, case_number: str, signed_by: str = "") -> ProgressRow:
    """The courier's 妥投 for a mailed certificate becomes the case's `delivered` step. Asking
    again for a delivered case answers the step already recorded (nothing twice)."""
    case = s.get(PlatformCase, case_number)
    if case is None:
        raise LookupError(case_number)
    earlier = s.scalars(select(ProgressRow).where(ProgressRow.case_number == case_number,
                                                  ProgressRow.step == "delivered")).first()
    if case.state == "delivered" and earlier is not None:
        return earlier
    if case.state != "mailed":
        raise NotMailed(case.state)
    mail = s.scalars(select(AppliedEvent).where(AppliedEvent.case_number == case_number, AppliedEvent.kind == "case.mail")
                     .order_by(AppliedEvent.seq.desc())).first()
    tracking = str((mail.data if mail else {}).get("tracking_no", ""))
    delivery = DeliveryConfirmation(tracking_no=tracking, signed_by=signed_by)
    case.state = "delivered"
    row = ProgressRow(progress_id=str(uuid.uuid4()), case_number=case_number, terminal_id=case.terminal_id,
                      step="delivered", at=clock.stored(clock.now()),
                      note=f"快递妥投：{tracking}" + (f"，签收人 {signed_by}" if signed_by else ""),
                      data={"delivery": delivery.model_dump(mode="json")})
    s.add(row)
    s.flush()
    return row


def deliver_mailed(s: Session, courier_delay_seconds: float) -> int:
    """The simulated courier (demo and training): every certificate mailed at least
    `courier_delay_seconds` ago is confirmed delivered, signed for by the addressee."""
    due = clock.stored(clock.now() - timedelta(seconds=courier_delay_seconds))
    mailed = s.scalars(select(PlatformCase.case_number).where(PlatformCase.state == "mailed")).all()
    delivered = 0
    for number in mailed:
        mail = s.scalars(select(AppliedEvent).where(AppliedEvent.case_number == number, AppliedEvent.kind == "case.mail")
                         .order_by(AppliedEvent.seq.desc())).first()
        if mail is not None and mail.applied_at <= due:
            confirm_delivery(s, number, "本人签收")
            delivered += 1
    return delivered


def bring_forward(s: Session, delay_seconds: float) -> int:
    """A shorter delay applies to steps already scheduled too (a trainer speeding things up)."""
    latest = clock.stored(clock.now() + timedelta(seconds=delay_seconds))
    return s.execute(update(PlatformCase).where(PlatformCase.office_due_at > latest)
                     .values(office_due_at=latest)).rowcount


def progress_page(s: Session, who: Principal, since: str, limit: int) -> ProgressPage:
    """Steps after the cursor, oldest first, of the cases the terminal is entitled to
    (sandbox.enrolment.entitled, as one query)."""
    after = parse_cursor(since)
    mine = ProgressRow.terminal_id.in_(who.own_ids)
    if who.hall:
        hall_rule = PlatformCase.handed_to_hall == who.hall
        if who.desk == "pickup":
            hall_rule = or_(hall_rule, PlatformCase.hall == who.hall)
        mine = or_(mine, ProgressRow.case_number.in_(select(PlatformCase.case_number).where(hall_rule)))
    rows = s.scalars(select(ProgressRow).where(ProgressRow.seq > after, mine)
                     .order_by(ProgressRow.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    updates = [ProgressUpdate(progress_id=r.progress_id, case_number=r.case_number, step=r.step,
                              at=clock.loaded(r.at), note=r.note, **(r.data or {})) for r in rows]
    return ProgressPage(updates=updates, next_cursor=str(rows[-1].seq) if rows else since, has_more=more)

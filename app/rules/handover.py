"""发证窗口 rules (pure): who may take a certificate and with which papers, and what a mailing
needs. 行政许可法 第四十四条: a certificate is issued or served within 10 working days of the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from app.rules.identity import check_resident_id, normalise_code_text
from app.rules.problems import Problem
from app.rules.text import mask_id_number
from app.rules.tracking import tracking_problems

ISSUE_WITHIN_DAYS = 10  # 行政许可法 第四十四条; working days (第八十二条: the law's limits exclude holidays)
MODES = {"self": "本人领取", "agent": "代理人领取", "organisation": "单位经办人领取"}
PAGE_KINDS = {"authorisation": "授权委托书", "applicant_id_copy": "申请人身份证复印件", "unit_letter": "单位介绍信"}


@dataclass(frozen=True)
class CardRead:
    """What the desk's reader took from an ID card's chip (F4)."""

    name: str
    id_number: str
    expired: bool = False


@dataclass(frozen=True)
class Collector:
    mode: str  # self | agent | organisation
    name: str
    id_number: str
    card: CardRead | None = None  # the card read at the desk for this hand-over, if any
    # Hashes of pages captured with the document camera (store_handover_page): the 授权委托书
    # (an agent) or the unit's letter (an organisation's 经办人), and the applicant's ID copy.
    authorisation_pages: tuple[str, ...] = ()
    id_copy_pages: tuple[str, ...] = ()

    @property
    def card_read(self) -> bool:
        """The number checked is the one the chip gave. A card read and then typed over (by
        mistake, or to pass someone else's card off) is a hand check, and the receipt says so.
        The name may be corrected (a card's 造字 shows as a box), the number is the identity."""
        c = self.card
        return c is not None and normalise_code_text(c.id_number) == normalise_code_text(self.id_number)

    @property
    def card_expired(self) -> bool:
        return self.card_read and self.card is not None and self.card.expired

    @property
    def page_kinds(self) -> list[tuple[str, tuple[str, ...]]]:
        first = "unit_letter" if self.mode == "organisation" else "authorisation"
        return [(first, self.authorisation_pages), ("applicant_id_copy", self.id_copy_pages)]


# What identity_problems may find, all of which a supervisor may let go ahead with a reason
# (usecases/pickup.hand_over); anything else is bad input to be corrected. The desk offers the override on these.
OVERRIDABLE = frozenset({"HANDOVER_IDENTITY_MISMATCH", "COLLECTOR_CARD_EXPIRED", "HANDOVER_MODE",
                         "AGENT_NO_AUTHORISATION", "AGENT_NO_APPLICANT_ID", "ORG_NO_LETTER"})


class Applicant(Protocol):
    """What the check needs of the case's applicant (a Party row or a snapshot of one)."""

    kind: str
    name: str
    id_number: str


def identity_problems(applicant: Applicant, c: Collector, today: date) -> list[Problem]:
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

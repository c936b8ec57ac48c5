"""What each notice says. One builder per kind turns a snapshot into the page's items; the
wording follows the intake rules (受理, 一次性告知, 不予受理 with reason and remedy, 容缺).

A notice says only what happened: "已收取" lists what the window actually received; tolerated
(容缺), platform-verified (免提交) and reused (复用) materials are listed apart under their own
labels. The applicant is addressed as 你 (a person) or 你单位 (an organisation)."""

from __future__ import annotations

from collections.abc import Callable

from app.documents import DOCUMENT_TITLES, DocumentKind, DocumentSnapshot, MaterialLine, PartySnapshot
from printing.closing import Blank, closing, date_blanks, seal_block, short_agency, signatures
from printing.layout import (
    BODY,
    CAPTION,
    NUMBER,
    PLAIN,
    TITLE,
    Item,
    cn_date,
    facts,
    keep_with_next,
    para,
    rich,
    space,
    table,
)

FORMS = {"original": "原件", "copy": "复印件", "electronic": "电子材料", "none": "未提交"}
PROBLEMS = {"missing": "缺少", "incorrect": "需补正"}
UNDATED = "（该年度节假日安排尚未公布，日期待公布后确认）"


def masked_id(number: str) -> str:
    """Birth date hidden on paper that leaves the hall: enough to recognise, not to misuse."""
    return number if len(number) < 10 else number[:6] + "*" * (len(number) - 10) + number[-4:]


def party_line(p: PartySnapshot) -> str:
    # A person's ID number hides the birth date; an organisation's credit code is public and printed whole.
    number = p.id_number if is_organisation(p) else masked_id(p.id_number)
    ident = f"（{p.id_type} {number}）" if p.id_number else ""
    return f"{p.name}{ident}"


def is_organisation(p: PartySnapshot) -> bool:
    return p.kind == "organisation"


def you(s: DocumentSnapshot) -> str:
    """How the agency addresses the applicant: 你 (a person) or 你单位 (an organisation)."""
    return "你单位" if is_organisation(s.applicant) else "你"


def me(s: DocumentSnapshot) -> str:
    """How the applicant speaks in their own document: 本人 or 本单位."""
    return "本单位" if is_organisation(s.applicant) else "本人"


# --- materials: what was received, and what was not and why --------------------------------------


def is_received(m: MaterialLine) -> bool:
    """Handed over at the window this time: not 容缺, not verified by the platform, not reused."""
    return m.provided != "none" and not (m.tolerated or m.platform_verified or m.reused_from_case)


def _pages(m: MaterialLine) -> str:
    if m.provided in ("original", "copy"):
        return f"{m.copies}份/{m.pages}页" if m.pages else f"{m.copies}份"
    return "—"


def _note(m: MaterialLine) -> str:
    flagged = f"{PROBLEMS[m.problem]}：{m.problem_note}" if m.problem == "incorrect" and m.problem_note else ""
    scanned = f"已扫描电子化{len(m.scans)}页" if m.scans else ""  # 第十七条: received electronically
    return "；".join(t for t in (m.clerk_note, scanned, flagged) if t)


def not_received_as(m: MaterialLine) -> str:
    """Why a material satisfied the requirement without being handed over ("" if it was received)."""
    if m.tolerated:
        return "容缺，承诺" + (f"于{cn_date(m.promise_date)}前" if m.promise_date else "") + "补交"
    if m.platform_verified:
        return "平台核验，免提交"
    if m.reused_from_case:
        return f"复用（办件 {m.reused_from_case}）"
    return ""


def material_sections(materials: tuple[MaterialLine, ...], received_caption: str) -> list[Item]:
    """The materials received, as a table; then, apart and each labelled, those satisfied
    without being handed over this time (容缺 with its promise date, 平台核验, 复用)."""
    received = [m for m in materials if is_received(m)]
    others = [m for m in materials if not_received_as(m)]
    out: list[Item] = [*space(4), *keep_with_next(para(received_caption + ("" if received else "无"), CAPTION))]
    if received:
        out += table(["序号", "材料名称", "提交形式", "份数/页数", "备注"],
                     [[str(i), m.name, FORMS.get(m.provided, m.provided), _pages(m), _note(m)]
                      for i, m in enumerate(received, 1)],
                     [12, 72, 20, 20, 34], ["center", "left", "center", "center", "left"])
    if others:
        ways = [w for w, hit in (("容缺", any(m.tolerated for m in others)),
                                 ("平台核验", any(m.platform_verified and not m.tolerated for m in others)),
                                 ("复用", any(not_received_as(m).startswith("复用") for m in others))) if hit]
        out += [*space(4), *keep_with_next(para(f"本次未收取的材料（{'、'.join(ways)}）：", CAPTION)),
                *table(["序号", "材料名称", "情形"], [[str(i), m.name, not_received_as(m)] for i, m in enumerate(others, 1)],
                       [12, 82, 64], ["center", "left", "left"])]
    return out


# --- parts every notice shares -----------------------------------------------------------------


def _case_facts(s: DocumentSnapshot, *extra: tuple[str, str]) -> list[Item]:
    rows = [("办件编号", s.case_number), ("申请事项", f"{s.item_name}（{s.item_code}）"), ("申请人", party_line(s.applicant))]
    if s.agent is not None:
        rows.append(("代理人", party_line(s.agent)))
    rows.append(("收件日期", cn_date(s.received_on)))
    return [*space(4), *facts([*rows, *extra])]


def _to(s: DocumentSnapshot) -> list[Item]:
    return para(f"{s.applicant.name}：", PLAIN)


def _opening(s: DocumentSnapshot, tail: str) -> list[Item]:
    return rich([(f"{you(s)}于", False), (cn_date(s.received_on), True), ("提出的", False), (s.item_name, True),
                 (f"申请，{tail}", False)], BODY)


def _agency_closing(s: DocumentSnapshot, body: list[Item], *left: Blank) -> list[Item]:
    """The agency's notices end with its name and date under room for its seal; the lines the
    applicant or clerk fill in sit at the left beside them."""
    return closing(body, seal_block(short_agency(s.agency), s.issued_at.date(), left))


ACKNOWLEDGED: tuple[Blank, ...] = (  # the applicant signs for the notice they were handed
    [("申请人签收：", 38)],
    date_blanks("签收日期："),
)


def _sentence(text: str) -> str:
    """Free text typed by a clerk ends as a sentence on paper."""
    text = text.strip()
    return text if not text or text[-1] in "。！？.!?" else text + "。"


def committed_due_confirmed(s: DocumentSnapshot) -> bool:
    """Whether the official holiday calendar covers the committed due date.

    Snapshots that carry only `due_confirmed` (one flag for the acceptance, committed and legal
    due dates together) are read as: calendars are published year by year, so the unconfirmed
    year is the latest any due date reaches; the committed date is in doubt only if it reaches
    that year too. (A December due date with a legal due date in an unpublished January is sure.)"""
    if s.committed_due_confirmed is not None:
        return s.committed_due_confirmed
    if s.due_confirmed or s.committed_due is None:
        return True
    latest = max(d.year for d in (s.committed_due, s.legal_due) if d is not None)
    return s.committed_due.year < latest


# --- the kinds --------------------------------------------------------------------------------


def acceptance(s: DocumentSnapshot) -> list[Item]:
    due = f"{s.committed_limit_days}个工作日，于{cn_date(s.committed_due)}前办结"
    if not committed_due_confirmed(s):
        due += UNDATED
    body = [
        *_to(s),
        *_opening(s, "经审查，申请材料齐全、符合法定形式，本机关决定予以受理。"),
        *_case_facts(s, ("受理日期", cn_date(s.accepted_on)), ("承诺办结时限", due)),
        *material_sections(s.materials, "已收取的申请材料："),
        *space(8),
        *para(f"办结后请凭本通知书领取办理结果。办理进度可扫描右上角二维码或访问下列网址查询，也可致电 {s.window_phone} "
              f"咨询（{s.hall_name}{s.window_no}）：", BODY),
        *para(s.progress_url, BODY),
    ]
    return _agency_closing(s, body)


def rejection(s: DocumentSnapshot) -> list[Item]:
    body = [
        *_to(s),
        *_opening(s, "经审查，本机关决定不予受理。"),
        *_case_facts(s),
        *space(8),
        *para(f"不予受理的理由：{_sentence(s.reject_reason)}", BODY),
    ]
    if s.competent_agency:
        body += para(f"该申请事项不属于本机关职权范围，请向{s.competent_agency}提出申请。", BODY)
    body += para(_sentence(s.remedy) or f"{you(s)}如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，"
                 "或者在六个月内依法提起行政诉讼。", BODY)
    return _agency_closing(s, body, *ACKNOWLEDGED)


def supplementation(s: DocumentSnapshot) -> list[Item]:
    wanted = [m for m in s.materials if m.problem]
    rows = [[str(i), m.name, PROBLEMS.get(m.problem, m.problem),
             m.problem_note or ("请提交该材料" if m.problem == "missing" else "")] for i, m in enumerate(wanted, 1)]
    round_note = f"（第{s.round}次告知）" if s.round > 1 else ""
    body = [
        *_to(s),
        *_opening(s, f"经审查，申请材料不齐全或者不符合法定形式。现一次性告知{you(s)}需要补齐补正的全部内容{round_note}："),
        *_case_facts(s),
        *space(8),
        *table(["序号", "材料名称", "问题", "需要补齐补正的内容"], rows, [12, 58, 16, 72], ["center", "left", "center", "left"]),
        *space(8),
        *para(f"请于{cn_date(s.supplement_due)}前携带上述材料到{s.hall_name}{s.window_no}补齐补正，"
              "本机关收到全部补正材料后依法作出是否受理的决定。", BODY),
        *para(f"本告知书已一次性列明需要补齐补正的全部内容，本机关不会再要求{you(s)}提供本告知书所列以外的其他材料。", BODY),
    ]
    return _agency_closing(s, body, *ACKNOWLEDGED)


def receipt(s: DocumentSnapshot) -> list[Item]:
    received = [m for m in s.materials if is_received(m)]
    others = []
    if n := sum(m.tolerated for m in s.materials):
        others.append(f"容缺材料{n}项")
    if n := sum(m.platform_verified and not m.tolerated for m in s.materials):
        others.append(f"免提交材料{n}项")
    if n := sum(bool(m.reused_from_case) and not (m.tolerated or m.platform_verified) for m in s.materials):
        others.append(f"复用材料{n}项")
    not_here = f"；{'、'.join(others)}未在本次收取。" if others else "。"
    body = [
        *_case_facts(s),
        *material_sections(s.materials, "已收取的申请材料："),
        *space(8),
        *para(f"已收取的申请材料共{len(received)}项，已于{cn_date(s.received_on)}收到{not_here}"
              "本凭证仅证明窗口收到上述已收取的材料，是否受理以受理通知书或告知书为准。", BODY),
    ]
    window = f"（{s.window_no}）" if s.window_no else ""
    return _agency_closing(s, body, [(f"收件人：{s.issued_by}{window}", 0 if s.issued_by else 38)],
                           [("收件人签字：", 38)], [("递交人签字：", 38)])


def tolerance_commitment(s: DocumentSnapshot) -> list[Item]:
    """The applicant's own document, addressed to the agency: signed by the 承诺人, no 文号, no seal."""
    owed = [m for m in s.materials if m.tolerated]
    rows = [[str(i), m.name, cn_date(m.promise_date)] for i, m in enumerate(owed, 1)]
    who = me(s)
    body = [
        *para(f"{short_agency(s.agency)}：", PLAIN),
        *rich([(who, False), (party_line(s.applicant), True), ("申请办理", False), (s.item_name, True),
               (f"（办件编号 {s.case_number}），下列材料暂缺，申请容缺受理。{who}承诺在下列日期前补交：", False)], BODY),
        *space(4),
        *table(["序号", "容缺材料名称", "承诺补交日期"], rows, [12, 118, 28], ["center", "left", "center"]),
        *space(8),
        *para(f"{who}对所提交材料的真实性负责。如未能在承诺日期前补交上述材料，或补交的材料与承诺不符，"
              "同意行政机关依照有关规定终止办理或撤销已作出的决定，并自行承担由此产生的后果。", BODY),
    ]
    if is_organisation(s.applicant):
        rows: list[Blank] = [[("承诺单位（盖章）：", 46)], [("法定代表人或委托代理人（签字）：", 46)]]
    else:
        rows = [[("承诺人（签字）：", 46)]]
        if s.agent is not None:
            rows.append([("委托代理人（签字）：", 46)])
    rows.append(date_blanks())
    colon = 158 - 46 - 4  # mm from the left margin: the blanks end 4 mm inside the right margin
    return closing(body, signatures(rows, colon, gap_before=14))


BUILDERS: dict[DocumentKind, Callable[[DocumentSnapshot], list[Item]]] = {
    DocumentKind.ACCEPTANCE: acceptance,
    DocumentKind.REJECTION: rejection,
    DocumentKind.SUPPLEMENTATION: supplementation,
    DocumentKind.RECEIPT: receipt,
    DocumentKind.TOLERANCE_COMMITMENT: tolerance_commitment,
}
NO_NUMBER = {DocumentKind.TOLERANCE_COMMITMENT}  # the applicant's own paper carries no agency 文号


def notice_story(s: DocumentSnapshot) -> list[Item]:
    title = DOCUMENT_TITLES[s.kind]
    if s.kind == DocumentKind.SUPPLEMENTATION:
        title = "补齐补正告知书（一次性告知）"
    head = para(title, TITLE)
    head += space(6) if s.kind in NO_NUMBER else para(s.doc_number, NUMBER)
    return [*keep_with_next(head), *BUILDERS[s.kind](s)]

"""What each notice says. One builder per kind turns a snapshot into the page's story; the
wording follows the intake rules (受理, 一次性告知, 不予受理 with reason and remedy, 容缺)."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable, Spacer

from app.documents import DOCUMENT_TITLES, DocumentKind, DocumentSnapshot, MaterialLine, PartySnapshot
from printing.layout import closing, cn_date, facts, heading, para, rich, styles, table

FORMS = {"original": "原件", "copy": "复印件", "electronic": "电子材料", "none": "未提交"}
PROBLEMS = {"missing": "缺少", "incorrect": "需补正"}


def masked_id(number: str) -> str:
    """Birth date hidden on paper that leaves the hall: enough to recognise, not to misuse."""
    return number if len(number) < 10 else number[:6] + "*" * (len(number) - 10) + number[-4:]


def party_line(p: PartySnapshot) -> str:
    ident = f"（{p.id_type} {masked_id(p.id_number)}）" if p.id_number else ""
    return f"{p.name}{ident}"


def how_provided(m: MaterialLine) -> str:
    if m.platform_verified:
        return "平台核验，免提交"
    if m.reused_from_case:
        return f"复用（办件 {m.reused_from_case}）"
    if m.tolerated:
        return "容缺" + (f"，承诺{cn_date(m.promise_date)}前补交" if m.promise_date else "")
    return FORMS.get(m.provided, m.provided)


def _pages(m: MaterialLine) -> str:
    if m.provided in ("original", "copy") and not (m.tolerated or m.platform_verified):
        return f"{m.copies}份/{m.pages}页" if m.pages else f"{m.copies}份"
    return "—"


def _materials_table(materials: tuple[MaterialLine, ...]) -> Flowable:
    rows = [[str(i), m.name, how_provided(m), _pages(m), m.clerk_note] for i, m in enumerate(materials, 1)]
    return table(["序号", "材料名称", "提交形式", "份数/页数", "备注"], rows, [12, 66, 36, 22, 28])


def _case_facts(s: DocumentSnapshot, *extra: tuple[str, str]) -> Flowable:
    rows = [("办件编号", s.case_number), ("申请事项", f"{s.item_name}（{s.item_code}）"), ("申请人", party_line(s.applicant))]
    if s.agent is not None:
        rows.append(("代理人", party_line(s.agent)))
    rows.append(("收件日期", cn_date(s.received_on)))
    return facts([*rows, *extra])


def _to(s: DocumentSnapshot) -> Flowable:
    return para(f"{s.applicant.name}：", styles().plain)


def acceptance(s: DocumentSnapshot) -> list[Flowable]:
    st = styles()
    due = f"{s.committed_limit_days} 个工作日，于 {cn_date(s.committed_due)} 前办结"
    if not s.due_confirmed:
        due += "（该年度节假日安排尚未公布，日期待公布后确认）"
    return [
        _to(s),
        rich([("你（单位）于", False), (cn_date(s.received_on), True), ("提出的", False), (s.item_name, True),
              ("申请，经审查，申请材料齐全、符合法定形式，本机关决定予以受理。", False)], st.body),
        _case_facts(s, ("受理日期", cn_date(s.accepted_on)), ("承诺办结时限", due)),
        Spacer(1, 3),
        para("已收取的申请材料：", st.plain),
        _materials_table(s.materials),
        Spacer(1, 3),
        para(f"办理进度可扫描右上角二维码或访问 {s.progress_url} 查询，也可致电 {s.window_phone} 咨询"
             f"（{s.hall_name} {s.window_no}）。办结后请凭本通知书领取办理结果。", st.body),
        *closing(s, applicant_signs=False),
    ]


def rejection(s: DocumentSnapshot) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [
        _to(s),
        rich([("你（单位）于", False), (cn_date(s.received_on), True), ("提出的", False), (s.item_name, True),
              ("申请，经审查，本机关决定不予受理。", False)], st.body),
        _case_facts(s),
        Spacer(1, 3),
        para(f"不予受理的理由：{s.reject_reason}", st.body),
    ]
    if s.competent_agency:
        out.append(para(f"该申请事项不属于本机关职权范围，请向{s.competent_agency}提出申请。", st.body))
    out += [para(s.remedy or "如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
                 st.body),
            *closing(s, applicant_signs=True)]
    return out


def supplementation(s: DocumentSnapshot) -> list[Flowable]:
    st = styles()
    wanted = [m for m in s.materials if m.problem]
    rows = [[str(i), m.name, PROBLEMS.get(m.problem, m.problem), m.problem_note or ("请提交该材料" if m.problem == "missing" else "")]
            for i, m in enumerate(wanted, 1)]
    round_note = f"（第 {s.round} 次告知）" if s.round > 1 else ""
    return [
        _to(s),
        rich([("你（单位）于", False), (cn_date(s.received_on), True), ("提出的", False), (s.item_name, True),
              (f"申请，经审查，申请材料不齐全或者不符合法定形式。现一次性告知你需要补齐补正的全部内容{round_note}：", False)],
             st.body),
        _case_facts(s),
        Spacer(1, 3),
        table(["序号", "材料名称", "问题", "需要补齐补正的内容"], rows, [12, 60, 18, 80]),
        Spacer(1, 3),
        para(f"请于 {cn_date(s.supplement_due)} 前携带上述材料到{s.hall_name}{s.window_no}补齐补正，"
             "本机关收到全部补正材料后依法作出是否受理的决定。", st.body),
        para("本告知书已一次性列明需要补齐补正的全部内容，本机关不会再要求你提供本告知书所列以外的其他材料。", st.body),
        *closing(s, applicant_signs=True),
    ]


def receipt(s: DocumentSnapshot) -> list[Flowable]:
    st = styles()
    return [
        _case_facts(s, ("经办人", f"{s.issued_by}（{s.window_no}）")),
        Spacer(1, 3),
        _materials_table(s.materials),
        Spacer(1, 3),
        para(f"以上材料共 {len(s.materials)} 项，已于 {cn_date(s.received_on)} 收到。本凭证仅证明窗口收到上述材料，"
             "是否受理以受理通知书或告知书为准。", st.body),
        *closing(s, applicant_signs=True),
    ]


def tolerance_commitment(s: DocumentSnapshot) -> list[Flowable]:
    st = styles()
    owed = [m for m in s.materials if m.tolerated]
    rows = [[str(i), m.name, cn_date(m.promise_date)] for i, m in enumerate(owed, 1)]
    return [
        rich([("本人（本单位）", False), (party_line(s.applicant), True), ("申请办理", False), (s.item_name, True),
              (f"（办件编号 {s.case_number}），下列材料暂缺，申请容缺受理。本人（本单位）承诺在下列日期前补交：", False)],
             st.body),
        table(["序号", "容缺材料名称", "承诺补交日期"], rows, [12, 110, 48]),
        Spacer(1, 3),
        para("本人（本单位）对所提交材料的真实性负责。如未能在承诺日期前补交上述材料，或补交的材料与承诺不符，"
             "同意行政机关依照有关规定终止办理或撤销已作出的决定，并自行承担由此产生的后果。", st.body),
        *closing(s, applicant_signs=True),
    ]


BUILDERS: dict[DocumentKind, Callable[[DocumentSnapshot], list[Flowable]]] = {
    DocumentKind.ACCEPTANCE: acceptance,
    DocumentKind.REJECTION: rejection,
    DocumentKind.SUPPLEMENTATION: supplementation,
    DocumentKind.RECEIPT: receipt,
    DocumentKind.TOLERANCE_COMMITMENT: tolerance_commitment,
}


def notice_story(s: DocumentSnapshot) -> list[Flowable]:
    title = DOCUMENT_TITLES[s.kind]
    if s.kind == DocumentKind.SUPPLEMENTATION:
        title = "补齐补正告知书（一次性告知）"
    return [*heading(s, title), *BUILDERS[s.kind](s)]

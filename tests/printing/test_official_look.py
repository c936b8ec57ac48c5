"""Notices that look official and say only what is true (issue 10), checked on the PDF itself:
the Ming face, 你 or 你单位, the seal never alone on a page, numbers and addresses never broken,
a receipt that lists what was received apart from what was not, the applicant's commitment
without an agency number or seal, and the holiday-calendar note only for an unknown year."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from app.documents import DocumentKind, DocumentSnapshot, MaterialLine, PartySnapshot
from app.rules.deadlines import compute_deadlines
from app.rules.workdays import WorkCalendar
from printing import render_document, sample_snapshot
from printing.closing import closing, short_agency
from printing.layout import TEXT_H, TEXT_W, Item, break_lines, paginate, table
from printing.notices import committed_due_confirmed
from tests.printing.pdf_tools import fonts, pages, text

AGENCY_NOTICES = [DocumentKind.ACCEPTANCE, DocumentKind.REJECTION, DocumentKind.SUPPLEMENTATION, DocumentKind.RECEIPT]
UNDATED = "该年度节假日安排尚未公布"
COMPANY = PartySnapshot("organisation", "永昌县金川商贸有限公司", "统一社会信用代码", "91620321MA7X3K1P5B", "0935-7520000")


def flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def read(snap: DocumentSnapshot, folder, layout: bool = False) -> str:
    return text(render_document(snap).pdf, folder, layout)


# --- the face ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*AGENCY_NOTICES, DocumentKind.TOLERANCE_COMMITMENT])
def test_body_text_is_set_in_the_embedded_ming_face(kind, tmp_path) -> None:
    snap = replace(sample_snapshot(kind), applicant=replace(sample_snapshot(kind).applicant, name="张桂兰"))
    table = fonts(render_document(snap).pdf, tmp_path)
    # No rare character in this case: every glyph on the page, body and title, comes from UMing.
    assert table and all("UMing" in f["name"] for f in table), table
    assert all(f["emb"] == "yes" and f["sub"] == "yes" and f["uni"] == "yes" for f in table), table


def test_latin_digits_and_rare_characters_copy_back_as_typed(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.ACCEPTANCE)
    body = read(snap, tmp_path)
    assert "𠮷䶮明" in flat(body) and "0935-7521234" in body and snap.progress_url in body


# --- how the applicant is addressed -------------------------------------------------------------


@pytest.mark.parametrize("kind", [DocumentKind.ACCEPTANCE, DocumentKind.REJECTION, DocumentKind.SUPPLEMENTATION])
def test_a_person_is_addressed_as_you_and_an_organisation_as_your_unit(kind, tmp_path) -> None:
    person = flat(read(sample_snapshot(kind), tmp_path))
    assert "你于2026年11月23日提出的" in person
    assert "你单位" not in person and "（单位）" not in person
    company = flat(read(replace(sample_snapshot(kind), applicant=COMPANY, agent=None), tmp_path))
    assert "永昌县金川商贸有限公司：" in company and "你单位于2026年11月23日提出的" in company
    assert "统一社会信用代码91620321MA7X3K1P5B" in company  # public: not masked like a person's ID number
    assert "你于" not in company and "（单位）" not in company
    if kind == DocumentKind.SUPPLEMENTATION:
        assert "一次性告知你需要" in person and "不会再要求你提供" in person
        assert "一次性告知你单位需要" in company and "不会再要求你单位提供" in company


def test_the_commitment_speaks_as_the_applicant(tmp_path) -> None:
    person = flat(read(sample_snapshot(DocumentKind.TOLERANCE_COMMITMENT), tmp_path))
    assert "本人𠮷䶮明" in person and "本人承诺" in person and "本单位" not in person
    company = flat(read(replace(sample_snapshot(DocumentKind.TOLERANCE_COMMITMENT), applicant=COMPANY), tmp_path))
    assert "本单位永昌县金川商贸有限公司" in company and "本单位承诺" in company and "本人" not in company


# --- the seal and the signatures ----------------------------------------------------------------


def test_the_agency_signs_with_its_own_name_under_clean_space_for_the_seal(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.REJECTION)
    assert short_agency(snap.agency) == "永昌县市场监督管理局"
    assert short_agency("永昌县自然资源局") == "永昌县自然资源局"
    lines = [line.strip() for line in read(snap, tmp_path, layout=True).splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if line.endswith("永昌县市场监督管理局"))
    assert lines[at + 1].endswith("2026年11月23日")  # the date right under the name
    assert "盖章处" not in "".join(lines) and "知识产权局" not in "".join(lines)  # nothing printed where the seal goes


def _long(kind: DocumentKind, n: int) -> DocumentSnapshot:
    snap = sample_snapshot(kind)
    extra = tuple(MaterialLine(f"补充说明材料第{i}份（申请人自愿提交，用于说明经营场所情况）", "copy", 2, 1,
                               problem="incorrect", problem_note=f"第{i}份材料页码不全，请补齐全部页面")
                  for i in range(n))
    return replace(snap, materials=snap.materials[:4] + extra)


@pytest.mark.parametrize("kind, last_words, signer", [
    (DocumentKind.ACCEPTANCE, "progress?case=", None),
    (DocumentKind.SUPPLEMENTATION, "所列以外的其他材料。", "申请人签收"),
    (DocumentKind.RECEIPT, "是否受理以受理通知书或告知书为准。", "递交人签字"),
])
def test_the_seal_block_never_sits_alone_on_a_page(kind, last_words, signer, tmp_path) -> None:
    """Lists of every length: wherever the page breaks, the agency, the date and the signature
    share a page with the last lines of the body."""
    seen_pages = set()
    for n in range(0, 24, 2):
        snap = _long(kind, n)
        texts = [flat(p) for p in pages(render_document(snap).pdf, tmp_path)]
        seen_pages.add(len(texts))
        [sealed] = [p for p in texts if "永昌县市场监督管理局" in p]  # the agency's name is in the seal block only
        assert sealed is texts[-1] and "2026年11月23日" in sealed.split("永昌县市场监督管理局")[-1]
        assert last_words in sealed, (n, len(texts))
        if signer:
            assert signer in sealed
    assert len(seen_pages) >= 2  # the lists did run over onto more pages


def test_the_commitment_is_signed_by_the_applicant_without_number_or_seal(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.TOLERANCE_COMMITMENT)
    body = flat(read(snap, tmp_path))
    assert "承诺人（签字）：" in body and "日期：" in body
    assert snap.doc_number not in body and "〔2026〕" not in body and "永市监" not in body
    assert body.index("永昌县市场监督管理局：") < body.index("本人")  # addressed to the agency, not signed by it
    assert body.count("永昌县市场监督管理局") == 1 and "2026年11月23日" not in body
    company = flat(read(replace(snap, applicant=COMPANY), tmp_path))
    assert "承诺单位（盖章）：" in company and "法定代表人或委托代理人（签字）：" in company


# --- line breaking ------------------------------------------------------------------------------


def test_the_number_column_header_stays_on_one_line(tmp_path) -> None:
    for kind in (DocumentKind.ACCEPTANCE, DocumentKind.SUPPLEMENTATION, DocumentKind.TOLERANCE_COMMITMENT):
        lines = read(sample_snapshot(kind), tmp_path, layout=True).splitlines()
        assert any("序号" in line for line in lines), kind
        assert not any(line.strip() == "序" for line in lines), kind


def _unbroken(layout: str, whole: str) -> None:
    assert whole in layout, f"{whole} not found whole"
    for line in layout.splitlines():
        tail = line.rstrip()
        for k in range(4, len(whole)):
            assert not tail.endswith(whole[:k]), f"{whole} broken after {whole[:k]!r}: {line!r}"


@pytest.mark.parametrize("name_len", range(1, 34, 3))
def test_case_numbers_and_addresses_never_break_across_lines(name_len, tmp_path) -> None:
    """The applicant's name grows one character at a time, so the case number in the commitment
    and the address in the acceptance notice fall at every point of a line."""
    name = ("欧阳" + "丽娜" * 20)[:name_len]
    for kind in (DocumentKind.ACCEPTANCE, DocumentKind.TOLERANCE_COMMITMENT, DocumentKind.RECEIPT):
        snap = sample_snapshot(kind)
        snap = replace(snap, applicant=replace(snap.applicant, name=name))
        layout = read(snap, tmp_path, layout=True)
        _unbroken(layout, snap.case_number)
        if kind != DocumentKind.TOLERANCE_COMMITMENT:
            _unbroken(layout, "62032120269000005")  # the reused material's earlier case, in a narrow cell
        if kind == DocumentKind.ACCEPTANCE:
            _unbroken(layout, snap.progress_url)


@pytest.mark.parametrize("text, widths", [
    ("办理进度可扫描右上角二维码或访问 https://zwfw.example.gov.cn/progress?case=62032120269000013 查询，谢谢。" * 3,
     (420, 430, TEXT_W)),
    ("（办件编号 62032120269000013），下列材料暂缺（见附表），申请容缺受理。" * 4, (125, 200, 333, TEXT_W)),
])
def test_breaking_keeps_latin_runs_whole_and_punctuation_off_the_line_start(text, widths) -> None:
    for width in widths:
        lines = [text[s:e] for s, e in break_lines(text, width, 14)]
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            # 避头尾 wherever a number and its brackets fit a line; in a cell too narrow for both the number wins
            assert line and (width < 150 or line[0] not in "，。、）：；" and line[-1] not in "（"), (width, line)
            for token in re.findall(r"[0-9A-Za-z:/?=.]{5,}", line):
                assert token in ("https://zwfw.example.gov.cn/progress?case=62032120269000013", "62032120269000013"), \
                    (width, token)


# --- the receipt --------------------------------------------------------------------------------


def test_the_receipt_lists_what_was_received_apart_from_what_was_not(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.RECEIPT)
    body = flat(read(snap, tmp_path))
    received_at, others_at = body.index("已收取的申请材料："), body.index("本次未收取的材料")
    received, others = body[received_at:others_at], body[others_at:]
    handed = [m for m in snap.materials if m.provided != "none" and not m.reused_from_case]
    assert len(handed) == 13
    for m in handed:
        assert flat(m.name) in received
    tolerated = next(m for m in snap.materials if m.tolerated)
    verified = next(m for m in snap.materials if m.platform_verified)
    reused = next(m for m in snap.materials if m.reused_from_case)
    for m in (tolerated, verified, reused):
        assert flat(m.name) not in received and flat(m.name) in others
    assert f"{flat(tolerated.name)}容缺，承诺于2026年12月4日前补交" in others
    assert f"{flat(verified.name)}平台核验，免提交" in others
    assert f"{reused.name}复用（办件{reused.reused_from_case}）" in others
    assert "未提交" not in body  # nothing that was not handed over is listed as received
    assert "已收取的申请材料共13项，已于2026年11月23日收到；容缺材料1项、免提交材料1项、复用材料1项未在本次收取。" in body
    assert "收件人：李晓燕（综合受理3号窗）" in body and "收件人签字：" in body and "递交人签字：" in body


def test_a_material_not_handed_over_is_never_counted_as_received(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.RECEIPT)
    mats = (MaterialLine("申请书", "original", 2, 1), MaterialLine("许可证件或批准文件（如涉及）", "none"),
            MaterialLine("营业执照", "none", platform_verified=True))
    body = flat(read(replace(snap, materials=mats), tmp_path))
    assert "已收取的申请材料共1项" in body and "免提交材料1项" in body
    assert "许可证件或批准文件" not in body  # answered "not applicable": neither received nor owed
    assert "容缺" not in body and "复用" not in body


def test_the_acceptance_notice_separates_received_from_tolerated_too(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.ACCEPTANCE)
    body = flat(read(snap, tmp_path))
    received = body[body.index("已收取的申请材料："):body.index("本次未收取的材料")]
    assert "从事食品经营的" not in received and "营业执照副本" not in received and "平台核验" not in received


# --- the holiday-calendar note ------------------------------------------------------------------


def _accepted(accepted: date, committed_days: int, legal_days: int, **kw: object) -> DocumentSnapshot:
    """A snapshot whose due dates come from the real calendar, the flag as the case stores it
    (all three due dates confirmed)."""
    d = compute_deadlines(WorkCalendar(), accepted, accepted, committed_days, legal_days, [], accepted)
    flag = all(x.confirmed for x in (d.acceptance_due, d.committed_due, d.legal_due))
    return replace(sample_snapshot(DocumentKind.ACCEPTANCE), received_on=accepted, accepted_on=accepted,
                   committed_limit_days=committed_days, committed_due=d.committed_due.date, legal_due=d.legal_due.date,
                   due_confirmed=flag, **kw)


def test_a_december_due_date_in_a_known_year_carries_no_calendar_note(tmp_path) -> None:
    snap = _accepted(date(2026, 12, 10), 10, 20)
    # The legal due date reaches January 2027, whose calendar is not published: the case's one flag is False …
    assert snap.committed_due == date(2026, 12, 24) and snap.legal_due.year == 2027 and not snap.due_confirmed
    # … but the committed date the notice prints is in 2026, whose calendar is known.
    assert committed_due_confirmed(snap)
    body = flat(read(snap, tmp_path))
    assert "于2026年12月24日前办结" in body and UNDATED not in body


def test_a_due_date_in_an_unknown_year_says_the_calendar_is_not_out(tmp_path) -> None:
    snap = _accepted(date(2026, 12, 24), 10, 20)
    assert snap.committed_due.year == 2027 and not committed_due_confirmed(snap)
    assert UNDATED in flat(read(snap, tmp_path))


def test_an_explicit_committed_flag_wins(tmp_path) -> None:
    snap = _accepted(date(2026, 12, 10), 10, 20)
    assert UNDATED in flat(read(replace(snap, committed_due_confirmed=False), tmp_path))
    late = _accepted(date(2026, 12, 24), 10, 20, committed_due_confirmed=True)
    assert UNDATED not in flat(read(late, tmp_path))
    assert committed_due_confirmed(replace(snap, due_confirmed=True, legal_due=None))


def test_the_paginator_carries_the_last_lines_over_with_the_seal() -> None:
    """A body that just fills page 1: the seal block does not go over alone, the last two lines go with it."""
    lines = [Item(24.0, lambda p, x, y: None) for _ in range(int(TEXT_H // 24))]
    seal = Item(100.0, lambda p, x, y: None)
    pages_ = paginate(closing(list(lines), [seal]))
    assert len(pages_) == 2 and pages_[1] == [*lines[-2:], seal]
    # A table that runs over repeats its header on the next page.
    rows = table(["序号", "材料名称"], [[str(i), "材料"] for i in range(60)], [12, 146])
    split = paginate(rows)
    assert len(split) >= 2 and all(page[0] is rows[0] for page in split)

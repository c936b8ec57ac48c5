"""Every kind of document, read back the way a person would check the paper: its text
(pdftotext), its fonts (pdffonts), its barcode and QR code (zxing-cpp on a rendered page)."""

from __future__ import annotations

import re
import zlib
from dataclasses import replace
from datetime import datetime

import pytest

from app.documents import CopyMark, DocumentKind, MaterialLine
from printing import missing_glyphs, render_calibration, render_document, sample_snapshot
from printing.closing import short_agency
from tests.printing.pdf_tools import decode_codes, fonts, page_count, text, word_boxes

NOTICES = [DocumentKind.ACCEPTANCE, DocumentKind.REJECTION, DocumentKind.SUPPLEMENTATION, DocumentKind.RECEIPT,
           DocumentKind.TOLERANCE_COMMITMENT]
TITLES = {DocumentKind.ACCEPTANCE: "受理通知书", DocumentKind.REJECTION: "不予受理通知书",
          DocumentKind.SUPPLEMENTATION: "补齐补正告知书", DocumentKind.RECEIPT: "材料接收凭证",
          DocumentKind.TOLERANCE_COMMITMENT: "容缺受理承诺书"}


def flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("kind", NOTICES)
def test_each_notice_reads_back_with_applicant_number_dates_and_materials(kind, tmp_path) -> None:
    snap = sample_snapshot(kind)
    doc = render_document(snap)
    body = flat(text(doc.pdf, tmp_path))
    assert TITLES[kind] in body
    # The applicant's own commitment carries no agency 文号; every agency notice does.
    assert (snap.doc_number in body) is (kind != DocumentKind.TOLERANCE_COMMITMENT)
    assert "𠮷䶮明" in body  # the rare characters come back as typed, not as ₻
    assert snap.case_number in body
    if kind != DocumentKind.TOLERANCE_COMMITMENT:  # the applicant dates their commitment by hand
        assert "2026年11月23日" in body
    # The agency signs (or is addressed) by its own name, without the other names it bears.
    assert short_agency(snap.agency) == "永昌县市场监督管理局" and short_agency(snap.agency) in body
    assert "知识产权局" not in body
    if kind in (DocumentKind.ACCEPTANCE, DocumentKind.RECEIPT):
        for m in snap.materials:  # every one, including those on page 2
            assert flat(m.name) in body
        assert doc.pages == 2 and page_count(doc.pdf) == 2 and "第2页共2页" in body
    if kind == DocumentKind.ACCEPTANCE:
        assert "2026年11月26日前办结" in body
    if kind == DocumentKind.SUPPLEMENTATION:
        assert "2026年12月4日" in body and "不会再要求" in body
        for m in snap.materials:
            if m.problem:
                assert flat(m.problem_note) in body
    if kind == DocumentKind.REJECTION:
        assert flat(snap.reject_reason) in body and "六十日内" in body and "六个月内" in body
    if kind == DocumentKind.TOLERANCE_COMMITMENT:
        assert "从事食品经营的" in body and "2026年12月4日" in body


@pytest.mark.parametrize("kind", [*NOTICES, DocumentKind.CERTIFICATE])
def test_every_font_is_embedded_and_subset(kind, tmp_path) -> None:
    table = fonts(render_document(sample_snapshot(kind)).pdf, tmp_path)
    assert table, "no fonts listed"
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in table), table
    # The Ming face for everything, HanaMin (the same style) for 𠮷 and 䶮: no sans-serif on official paper.
    assert any("UMing" in f["name"] for f in table) and any("HanaMin" in f["name"] for f in table)
    assert not any("WenQuanYi" in f["name"] for f in table), table


def test_font_programs_are_deflated_quickly_and_whole() -> None:
    """The glyph outlines are most of a notice's bytes: they are deflated at zlib's fastest level
    (the 0x78 0x01 header), and each inflates to the TrueType program of the length declared."""
    pdf = render_document(sample_snapshot(DocumentKind.ACCEPTANCE)).pdf
    programs = list(re.finditer(rb"/Filter \[ /FlateDecode \] /Length (\d+) /Length1 (\d+)\s*>>\s*stream\n", pdf))
    assert len(programs) == 3  # two subsets of UMing, one of HanaMin (𠮷)
    for m in programs:
        packed = pdf[m.end():m.end() + int(m.group(1))]
        assert packed[:2] == b"\x78\x01"
        program = zlib.decompress(packed)
        assert len(program) == int(m.group(2)) and program[:4] == b"\x00\x01\x00\x00"


@pytest.mark.parametrize("kind", NOTICES)
def test_barcode_and_qr_decode_to_the_case_number(kind, tmp_path) -> None:
    snap = sample_snapshot(kind)
    codes = decode_codes(render_document(snap).pdf, tmp_path)
    assert codes.get("Code128") == snap.case_number
    assert codes.get("QRCode") == snap.progress_url and snap.case_number in codes["QRCode"]


def test_a_character_in_no_font_is_named_before_printing() -> None:
    nowhere = "\ue000"  # Private Use Area: in none of the shipped fonts
    assert missing_glyphs(f"张{nowhere}𠮷䶮") == (nowhere,)
    snap = sample_snapshot(DocumentKind.ACCEPTANCE)
    snap = replace(snap, applicant=replace(snap.applicant, name=f"王{nowhere}"))
    assert render_document(snap).missing_glyphs == (nowhere,)
    assert render_document(sample_snapshot(DocumentKind.ACCEPTANCE)).missing_glyphs == ()


def test_characters_in_no_font_are_named_wherever_they_are_in_the_snapshot() -> None:
    first, second = "\ue001", "\ue002"  # Private Use Area: in none of the shipped fonts
    snap = sample_snapshot(DocumentKind.ACCEPTANCE)
    last = replace(snap.materials[-1], clerk_note=f"见背面{second}{first}")
    snap = replace(snap, item_name=f"{snap.item_name}{first}", materials=(*snap.materials[:-1], last))
    assert render_document(snap).missing_glyphs == (first, second)  # in the order they first appear
    assert render_document(snap).missing_glyphs == (first, second)  # and again, once the fonts were asked


def test_a_reprint_says_so_and_is_otherwise_the_same_text(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.ACCEPTANCE)
    original = flat(text(render_document(snap).pdf, tmp_path))
    mark = CopyMark("赵志刚", datetime(2026, 12, 1, 9, 30))
    reprint = flat(text(render_document(snap, copy=mark).pdf, tmp_path))
    assert flat(mark.text()) == "补打件赵志刚2026-12-0109:30"
    assert reprint.count(flat(mark.text())) == 2  # on both pages
    assert reprint.replace(flat(mark.text()), "") == original


def test_the_same_snapshot_gives_the_same_bytes() -> None:
    snap = sample_snapshot(DocumentKind.RECEIPT)
    a, b = render_document(snap), render_document(snap)
    assert a.pdf == b.pdf and a.sha256 == b.sha256
    other = render_document(replace(snap, doc_number=snap.doc_number.replace("12", "13")))
    assert other.sha256 != a.sha256


def test_long_names_and_lists_wrap_inside_the_margins(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.RECEIPT)
    long = "永昌县" + "城关镇北海子路商住楼一层东侧第三间门面房" * 6 + "经营者"
    many = tuple(MaterialLine(f"第{n}项材料：{long}", "copy", 3, 1) for n in range(25))
    doc = render_document(replace(snap, applicant=replace(snap.applicant, name=long), materials=many))
    assert doc.pages >= 3
    width_pt, boxes = word_boxes(doc.pdf, tmp_path)
    margin = 26 / 25.4 * 72
    assert boxes, "no words read back"
    for x_min, x_max, word in boxes:
        assert x_min >= margin - 1 and x_max <= width_pt - margin + 1, f"{word!r} runs out of the text area"
    assert flat(long) in flat(text(doc.pdf, tmp_path))


def test_certificate_prints_values_only_and_the_offset_moves_them(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.CERTIFICATE)
    body = text(render_document(snap).pdf, tmp_path)
    assert "永昌县𠮷䶮明百货便利店" in flat(body) and "92620321MA7X3K1P5B" in body
    assert "统一社会信用代码" not in body and "经营者" not in body.replace("𠮷䶮明", "")  # labels are pre-printed

    def where(offset: tuple[float, float]) -> tuple[float, float]:
        _, boxes = word_boxes(render_document(snap, offset_mm=offset).pdf, tmp_path, with_y=True)
        return next((x, y) for x, _, word, y in boxes if word == "92620321MA7X3K1P5B")

    (x0, y0), (x1, y1) = where((0, 0)), where((3, -2))
    assert x1 - x0 == pytest.approx(3 / 25.4 * 72, abs=0.5)  # 3 mm to the right
    assert y1 - y0 == pytest.approx(-2 / 25.4 * 72, abs=0.5)  # 2 mm up (y grows downward in pdftotext)


def test_calibration_page_outlines_every_box(tmp_path) -> None:
    body = text(render_calibration("business-licence-individual", (1.5, -2)).pdf, tmp_path)
    assert "套打校准页" in body and "横向 +1.5 mm，纵向 -2 mm" in body
    for label in ("统一社会信用代码", "名称", "经营场所", "发证日期"):
        assert label in body

"""The pick-up desk's paper (issue 14), read back from the PDF: the 领取回执 with the collector's
masked ID, how identity was checked, the certificate, the signature image and the case barcode;
the 邮寄送达回执 with its tracking barcode; the courier's 邮件交寄清单 over several pages with the
header repeated and every tracking barcode readable; and the admin's render command for both."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from app.documents import CopyMark, DocumentKind, DocumentSnapshot, MailingLine
from printing import render_document, sample_snapshot
from printing.samples import sample_handover, sample_mailing
from tests.helpers import run_admin
from tests.printing.pdf_tools import decode_codes, decode_pages, fonts, images, page_count, pages, text

ROOT = Path(__file__).resolve().parents[2]
LIST_HEADER = ("序号", "办件编号", "收件人", "地址", "电话", "快递单号", "事项")
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def receipt(mode: str = "agent", **changes: str) -> DocumentSnapshot:
    snap = sample_snapshot(DocumentKind.HANDOVER_RECEIPT)
    return replace(snap, handover=replace(sample_handover(mode), **changes))


def mailing(n: int) -> DocumentSnapshot:
    return replace(sample_snapshot(DocumentKind.MAILING_LIST), mailing=sample_mailing(n))


# --- 领取回执 ------------------------------------------------------------------------------------


def test_the_receipt_says_who_took_which_certificate_how_checked_and_when(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.HANDOVER_RECEIPT)
    h = snap.handover
    doc = render_document(snap)
    body = flat(text(doc.pdf, tmp_path))
    assert doc.pages == 1 and page_count(doc.pdf) == 1
    assert "证照领取回执" in body and snap.doc_number in body and snap.case_number in body
    assert flat(snap.item_name) in body and "𠮷䶮明" in body  # the applicant
    assert h.certificate_name in body and h.certificate_no in body and h.blank_serial in body
    assert "代理人领取" in body and "王秀英" in body
    assert h.collector_id_masked == "620321********0027" and h.collector_id_masked in body
    assert flat(h.identity_method) in body
    assert "2026年11月27日14:32" in body
    assert "赵敏" in body and "发证1号窗" in body  # the pick-up clerk and window
    assert "永昌县政务服务中心" in body and "永昌县市场监督管理局" in body
    assert "主管核准" not in body  # no override, no line for one


def test_no_full_id_number_is_printed_even_if_passed_whole(tmp_path) -> None:
    snap = receipt("agent", collector_id_masked="620321199003150027")
    body = flat(text(render_document(snap).pdf, tmp_path))
    assert "620321199003150027" not in body and "620321********0027" in body
    # Nor the applicant's, nor the case's agent's: the birth dates stay off the paper.
    assert snap.applicant.id_number not in body and snap.agent.id_number not in body
    assert not re.search(r"\d{17}[\dX]", body.replace(snap.case_number, "").replace(snap.handover.certificate_no, ""))


@pytest.mark.parametrize(("mode", "words"), [("self", "本人领取"), ("agent", "代理人领取"), ("organisation", "单位经办人领取")])
def test_the_way_it_was_collected_is_said_in_words(mode, words, tmp_path) -> None:
    body = flat(text(render_document(receipt(mode)).pdf, tmp_path))
    assert words in body
    assert {"self": "代理人领取", "agent": "单位经办人领取", "organisation": "代理人领取"}[mode] not in body


def test_a_supervisor_override_is_printed_with_name_and_reason(tmp_path) -> None:
    snap = receipt("self", override_by="周建华", override_reason="读卡器故障，人工核验身份证原件与申请人一致")
    doc = render_document(snap)
    body = flat(text(doc.pdf, tmp_path))
    assert "主管核准" in body and "周建华" in body and "读卡器故障，人工核验身份证原件与申请人一致" in body
    assert doc.pages == 1


def test_the_signature_is_embedded_as_an_image(tmp_path) -> None:
    doc = render_document(sample_snapshot(DocumentKind.HANDOVER_RECEIPT))
    listed = images(doc.pdf, tmp_path)
    # The pad's 420 × 150 drawing, ink over a transparent ground (a soft mask), on page 1.
    assert {(i["page"], i["type"], i["width"], i["height"]) for i in listed} == {("1", "image", "420", "150"),
                                                                                 ("1", "smask", "420", "150")}
    assert "领取人签字" in flat(text(doc.pdf, tmp_path))


@pytest.mark.parametrize("signature", ["", "bm90IGEgcG5n", "%%%"])  # none; base64 of text; not base64
def test_without_a_usable_signature_there_is_a_line_to_sign_by_hand(signature, tmp_path) -> None:
    doc = render_document(receipt("self", signature_png_b64=signature))
    assert images(doc.pdf, tmp_path) == []
    assert "领取人签字：" in flat(text(doc.pdf, tmp_path))


def test_the_receipt_barcode_and_qr_decode_to_the_case(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.HANDOVER_RECEIPT)
    codes = decode_codes(render_document(snap).pdf, tmp_path)
    assert codes.get("Code128") == snap.case_number and codes.get("QRCode") == snap.progress_url


def test_a_stored_receipt_reprints_the_same_bytes_with_its_signature(tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.HANDOVER_RECEIPT)
    again = DocumentSnapshot.from_json(snap.to_json())
    assert again.handover == snap.handover and again.issued_at == snap.issued_at
    assert render_document(again).pdf == render_document(snap).pdf
    png = base64.b64decode(snap.handover.signature_png_b64)
    assert png.startswith(b"\x89PNG") and len(snap.handover.signature_sha256) == 64


# --- 邮寄送达回执 ------------------------------------------------------------------------------------


def test_the_mail_receipt_has_courier_tracking_address_and_masked_phone(tmp_path) -> None:
    snap = receipt("mail")
    h = snap.handover
    doc = render_document(snap)
    body = flat(text(doc.pdf, tmp_path))
    assert doc.pages == 1
    assert "邮寄送达回执" in body and "证照领取回执" not in body
    assert h.courier in body and h.tracking_no in body and flat(h.address) in body and "138****2345" in body
    assert h.certificate_no in body and snap.case_number in body
    assert images(doc.pdf, tmp_path) == [] and "领取人签字" not in body  # no signature: the courier's proof of delivery


def test_the_mail_receipt_tracking_number_is_a_barcode_too(tmp_path) -> None:
    snap = receipt("mail")
    [found] = decode_pages(render_document(snap).pdf, tmp_path)
    assert ("Code128", snap.handover.tracking_no) in found
    assert ("Code128", snap.case_number) in found


def test_a_whole_phone_on_the_mail_receipt_is_masked(tmp_path) -> None:
    body = flat(text(render_document(receipt("mail", phone_masked="13893512345")).pdf, tmp_path))
    assert "13893512345" not in body and "138****2345" in body


# --- 邮件交寄清单 ------------------------------------------------------------------------------------


def test_a_stored_list_reprints_the_same_bytes() -> None:
    snap = mailing(40)
    again = DocumentSnapshot.from_json(snap.to_json())
    assert again.mailing == snap.mailing
    assert render_document(again).pdf == render_document(snap).pdf


def test_forty_items_run_over_pages_with_the_header_and_page_numbers_on_each(tmp_path) -> None:
    snap = mailing(40)
    doc = render_document(snap)
    assert doc.pages >= 3 and page_count(doc.pdf) == doc.pages
    texts = [flat(p) for p in pages(doc.pdf, tmp_path)]
    assert len(texts) == doc.pages
    for n, page in enumerate(texts, 1):
        assert all(h in page for h in LIST_HEADER), f"page {n} has no table header"
        assert f"第{n}页共{doc.pages}页" in page
    first = texts[0]
    assert "证照邮件交寄清单" in first and snap.doc_number in first and "永昌县政务服务中心" in first
    assert "2026年11月27日" in first and "中国邮政EMS、顺丰速运" in first and "40件" in first
    whole = "".join(texts)
    assert "共计40件" in whole and "交寄经办人（签字）" in whole and "快递揽收人（签字）" in whole
    for m in snap.mailing:  # every item, once
        assert whole.count(m.case_number) == 1 and m.tracking_no in whole


def test_every_tracking_barcode_decodes_on_the_page_of_its_row(tmp_path) -> None:
    """A row is never split: each row's barcode is read on the page that prints its case number."""
    snap = mailing(40)
    pdf = render_document(snap).pdf
    texts = [flat(p) for p in pages(pdf, tmp_path)]
    decoded = decode_pages(pdf, tmp_path)
    assert len(decoded) == len(texts)
    for page_text, found in zip(texts, decoded, strict=True):
        rows = {m.tracking_no for m in snap.mailing if m.case_number in page_text}
        assert {t for f, t in found if f == "Code128"} == rows
    assert sum(len(found) for found in decoded) == 40


def test_no_phone_number_is_printed_whole(tmp_path) -> None:
    snap = mailing(40)
    lines = list(snap.mailing)
    lines[0] = replace(lines[0], phone_masked="13893512345")  # a caller that forgot to mask
    body = text(render_document(replace(snap, mailing=tuple(lines))).pdf, tmp_path)
    assert not FULL_PHONE.search(flat(body).replace(snap.mailing[0].case_number, ""))
    assert "138****2345" in body
    for m in snap.mailing[1:]:
        assert m.phone_masked in body


def test_a_row_with_a_long_address_grows_and_stays_whole(tmp_path) -> None:
    snap = mailing(30)
    long = "甘肃省金昌市永昌县城关镇北海子路" + "商住楼一层东侧第三间门面房" * 5
    lines = tuple(replace(m, address=long) if i % 4 == 0 else m for i, m in enumerate(snap.mailing))
    pdf = render_document(replace(snap, mailing=lines)).pdf
    texts = [flat(p) for p in pages(pdf, tmp_path)]
    for m in lines[::4]:
        [page] = [p for p in texts if m.case_number in p]
        assert flat(m.address) in page  # the whole address on the row's own page


def test_a_reprinted_list_says_so_on_every_page(tmp_path) -> None:
    mark = CopyMark("赵志刚", datetime(2026, 11, 28, 9, 0))
    doc = render_document(mailing(40), copy=mark)
    marked = [flat(page).count(flat(mark.text())) for page in pages(doc.pdf, tmp_path, layout=True)]
    assert marked == [1] * doc.pages and doc.pages > 1


def test_an_empty_day_still_prints(tmp_path) -> None:
    doc = render_document(replace(sample_snapshot(DocumentKind.MAILING_LIST), mailing=()))
    body = flat(text(doc.pdf, tmp_path))
    assert doc.pages == 1 and "当日无交寄邮件" in body and "共计0件" in body


def test_the_list_names_each_courier_once() -> None:
    from printing.mailing_list import couriers

    lines = [MailingLine("1", "甲", "地址", "1", c, "1", "事项") for c in ("中国邮政EMS", "顺丰速运", "中国邮政EMS", "")]
    assert couriers(lines) == ["中国邮政EMS", "顺丰速运"]


# --- both --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [DocumentKind.HANDOVER_RECEIPT, DocumentKind.MAILING_LIST])
def test_fonts_embedded_subset_and_same_bytes_each_time(kind, tmp_path) -> None:
    snap = sample_snapshot(kind)
    a, b = render_document(snap), render_document(snap)
    assert a.pdf == b.pdf and a.missing_glyphs == ()
    table = fonts(a.pdf, tmp_path)
    assert table and all(f["emb"] == "yes" and f["sub"] == "yes" for f in table), table
    assert any("UMing" in f["name"] for f in table)


@pytest.mark.parametrize(("kind", "title", "pages_"), [("handover-receipt", "证照领取回执", 1), ("mailing-list", "证照邮件交寄清单", 2)])
def test_the_admin_renders_both_samples(kind, title, pages_, tmp_path) -> None:
    out = tmp_path / f"{kind}.pdf"
    done = run_admin(["render", "--sample", kind, "--out", str(out)])  # no stored data: no login
    assert done.returncode == 0, done.stderr
    assert f"{pages_} 页" in done.stdout and "警告" not in done.stderr
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and page_count(pdf) == pages_
    assert title in flat(text(pdf, tmp_path))

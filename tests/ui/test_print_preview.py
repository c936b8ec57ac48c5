"""The decision's paper in the app: preview (QtPdf), save as PDF, print (into a PDF file here:
no printer on these machines), the copy mark after the first print, the missing-glyph
warning, and a certificate from the case list."""

from __future__ import annotations

import subprocess
from dataclasses import replace

from PySide6.QtCore import Qt

from app.actor import SYSTEM
from app.documents import DocumentKind
from app.storage.document_models import IssuedDocument
from app.usecases.documents import documents_for_case
from app.usecases.sync_pull import ProgressEntry, apply_progress
from printing import sample_snapshot
from tests.printing.pdf_tools import decode_codes, text
from tests.sync.support import take_in
from tests.ui.keyboard import press, when_dialog_opens

CREDIT_CODE = "92620321MA74X8Q21E"  # a valid 统一社会信用代码 (GB 32100 check character)


def open_preview(qtbot, w, number: str):  # noqa: ANN201
    dlg = w.show_documents([d.id for d in documents_for_case(w.ctx, number)])
    qtbot.waitUntil(lambda: dlg.tabs.count() == len(dlg.document_ids) and dlg.print_button.isEnabled(), timeout=20_000)
    return dlg


def test_save_as_pdf_and_print_then_the_next_print_is_a_marked_copy(qtbot, window, ctx, clerk, tmp_path) -> None:
    [number] = take_in(ctx, clerk, 1)
    w = window()
    dlg = open_preview(qtbot, w, number)
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())] == ["受理通知书", "材料接收凭证"]
    assert dlg.pages[dlg.document_ids[0]].pdf.pageCount() >= 1 and not dlg.warning.isVisible()

    saved = tmp_path / "saved.pdf"
    dlg.save_pdf(str(saved))
    assert number in text(saved.read_bytes(), tmp_path) and "张桂兰" in text(saved.read_bytes(), tmp_path)

    printed = tmp_path / "printed.pdf"
    dlg.output_file = str(printed)
    qtbot.keyClick(dlg, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "已打印受理通知书" in dlg.message.text(), timeout=30_000)
    # The paper carries the case's barcode and QR code, readable by a scanner at the pick-up desk.
    codes = decode_codes(printed.read_bytes(), tmp_path)
    assert codes["Code128"] == number and number in codes["QRCode"]
    qtbot.waitUntil(lambda: dlg.tabs.tabText(0) == "受理通知书（补打）", timeout=20_000)
    assert "补打件" in text(dlg.current().rendered.pdf, tmp_path) and "李晓燕" in text(dlg.current().rendered.pdf, tmp_path)

    printed.unlink()
    qtbot.mouseClick(dlg.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已补打受理通知书" in dlg.message.text(), timeout=30_000)
    assert printed.exists() and documents_for_case(ctx, number)[0].prints == 2


def test_a_character_no_font_has_is_named_and_printing_waits_for_the_clerk(qtbot, window, ctx, clerk, tmp_path) -> None:
    snap = sample_snapshot(DocumentKind.ACCEPTANCE)
    snap = replace(snap, applicant=replace(snap.applicant, name="王\ue000明"))
    with ctx.unit_of_work(SYSTEM) as uow:
        uow.session.add(IssuedDocument(case_number=snap.case_number, kind="acceptance", doc_number=snap.doc_number,
                             snapshot_json=snap.to_json(), pdf_sha256="", issued_at=snap.issued_at, issued_by="clerk01"))
    w = window()
    dlg = open_preview(qtbot, w, snap.case_number)
    assert dlg.warning.isVisible() and "U+E000" in dlg.warning.text()
    asked: list[tuple] = []
    dlg.confirm_missing_glyphs = lambda chars: asked.append(chars) or False  # the clerk says: not now
    dlg.output_file = str(tmp_path / "never.pdf")
    dlg.print_current()
    assert asked == [("\ue000",)] and not (tmp_path / "never.pdf").exists()
    assert documents_for_case(ctx, snap.case_number)[0].prints == 0


def test_a_certificate_is_printed_from_the_case_list_once_the_case_is_ready(qtbot, window, ctx, clerk, tmp_path) -> None:
    [number] = take_in(ctx, clerk, 1)
    apply_progress(ctx, [ProgressEntry(number, "in_progress", progress_id="1"),
                         ProgressEntry(number, "concluded_approved", progress_id="2"),
                         ProgressEntry(number, "certificate_ready", progress_id="3")], "3")
    w = window("pickup01")
    w.cases.open_case(number)
    qtbot.waitUntil(lambda: w.cases.detail is not None and w.cases.detail.number == number)
    assert w.cases.certificate_button.isVisibleTo(w.cases)
    seen: dict = {}

    def fill(form) -> None:  # noqa: ANN001 — the pick-up clerk's certificate form
        seen["prefilled"] = form.edits["holder_name"].text()
        # Where each value comes from stays in sight when the field is filled (not a placeholder).
        seen["sources"] = {k: (lab.text(), lab.isVisible()) for k, lab in form.sources.items()
                           if k in ("holder_name", "certificate_no")}
        seen["starts_at"] = {e.cursorPosition() for e in form.edits.values()}  # a long value shows its beginning
        press(Qt.Key.Key_Return)  # the approval results are still empty: refused, form stays
        seen["refused"] = form.message.text()
        form.edits["certificate_no"].setText("620321600123456")
        form.edits["credit_code"].setText("92620321MA74X8Q21X")  # wrong check character
        form.edits["scope"].setText("日用百货、针纺织品零售")
        press(Qt.Key.Key_Return)
        seen["bad_code"] = form.message.text()
        form.edits["credit_code"].setText(CREDIT_CODE)
        press(Qt.Key.Key_Return)

    driver = when_dialog_opens(fill)
    qtbot.mouseClick(w.cases.certificate_button, Qt.MouseButton.LeftButton)
    driver.check(qtbot)
    assert seen["prefilled"] == "张桂兰"
    assert seen["starts_at"] == {0}
    assert seen["sources"] == {"holder_name": ("来自申请人信息", True), "certificate_no": ("审批结果（按审批系统填写）", True)}
    assert "证照编号" in seen["refused"] and "经营范围" in seen["refused"] and "统一社会信用代码" in seen["refused"]
    assert "统一社会信用代码" in seen["bad_code"] and "证照编号" not in seen["bad_code"]
    qtbot.waitUntil(lambda: bool(w.previews) and w.previews[-1].tabs.count() == 1, timeout=20_000)
    dlg = w.previews[-1]
    assert dlg.tabs.tabText(0) == "个体工商户营业执照（副本）"
    body = text(dlg.current().rendered.pdf, tmp_path)
    assert "张桂兰" in body and "名称" not in body  # values only: the stock has the labels
    for value in (CREDIT_CODE, "620321600123456", "日用百货、针纺织品零售", "个体工商户", "永昌县城关镇北海子路12号"):
        assert value in body.replace(" ", "").replace("\n", ""), value  # every declared field is on the stock
    info = subprocess.run(["pdfinfo", "-"], input=dlg.current().rendered.pdf, capture_output=True).stdout.decode()
    assert "842 x 595" in info or "841.89 x 595.276" in info  # the stock's own size (A4 landscape)


def test_the_save_dialog_speaks_chinese(qtbot, styled_app) -> None:
    """Issue 10: Qt's own file dialog (另存为 PDF) was English."""
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    dlg = QFileDialog(None, "另存为 PDF")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dlg)
    box = dlg.findChild(QDialogButtonBox)
    texts = [b.text() for b in box.buttons()]
    assert any("保存" in t for t in texts) and any("取消" in t for t in texts), texts


def test_the_preview_fits_the_screen_it_opens_on(qtbot, window, ctx, clerk) -> None:
    """On a 1366×768 screen the taskbar leaves ~728 px; the 900×760 preview hid its 打印 button
    below it. (The offscreen test screen is smaller than 900 px wide.)"""
    [number] = take_in(ctx, clerk, 1)
    w = window()
    dlg = open_preview(qtbot, w, number)
    room = dlg.screen().availableGeometry()
    assert room.width() < 900  # the case this test is about
    assert dlg.width() <= room.width() and dlg.height() <= room.height() - 40
    assert dlg.print_button.isVisible() and dlg.rect().contains(dlg.print_button.geometry())


def test_the_certificate_form_waits_in_the_first_field_still_to_fill(qtbot, styled_app) -> None:
    """Found reading the change again: since the sources moved beside the fields (873db46) the
    form put the cursor in its last field whenever that one was empty, not in the first to fill."""
    from app.documents import CertificateFieldSpec
    from ui.printing.certificate_dialog import CertificateDialog

    specs = (CertificateFieldSpec("holder_name", "名称", "applicant"),
             CertificateFieldSpec("certificate_no", "证照编号", "back_office"),
             CertificateFieldSpec("valid_until", "有效期至", "back_office"))
    form = CertificateDialog("营业执照", specs, {"holder_name": "张桂兰"})
    qtbot.addWidget(form)
    assert form.focusWidget() is form.edits["certificate_no"]

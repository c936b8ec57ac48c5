"""The documents of a decision (or a reprint, or a certificate), previewed as they will print,
with 打印 (Ctrl+P), 打印设置, 另存为 PDF and 关闭 (Esc). Rendering and printing run off the UI
thread; a character no shipped font can draw is named before anything is printed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.actor import Actor
from app.context import AppContext
from app.documents import DOCUMENT_TITLES, DocumentKind
from app.usecases.documents import (
    PrinterSettings,
    PrintJob,
    calibration_offset,
    document_for_print,
    printer_settings,
    record_printed,
    record_rendered,
    save_printer_settings,
)
from printing import RenderedDocument, render_calibration, render_document
from printing.certificates import certificate_type
from ui.operations import Operations, error_text
from ui.printing.print_job import PrintTarget, installed_printers, print_pdf
from ui.printing.settings_dialog import PrintSettingsDialog
from ui.widgets import named, resize_within_screen, show_message


@dataclass(frozen=True)
class Prepared:
    job: PrintJob
    rendered: RenderedDocument
    settings: PrinterSettings

    @property
    def title(self) -> str:
        s = self.job.snapshot
        if s.kind == DocumentKind.CERTIFICATE:
            return certificate_type(s.certificate_type).name
        return DOCUMENT_TITLES[s.kind]


def prepare(ctx: AppContext, actor: Actor, document_id: int) -> Prepared:
    """Worker thread: the stored snapshot, rendered as it will print (with the 补打 mark when
    it was printed before, with the terminal's offset for certificates)."""
    job = document_for_print(ctx, actor, document_id)
    settings = printer_settings(ctx, job.snapshot.kind)
    offset = settings.offset_mm if job.snapshot.kind == DocumentKind.CERTIFICATE else (0.0, 0.0)
    return Prepared(job, render_document(job.snapshot, copy=job.copy, offset_mm=offset), settings)


def glyph_warning(chars: tuple[str, ...]) -> str:
    names = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in chars)
    return f"以下字符没有可用字体，打印出来会缺字：{names}。请核对姓名，必要时手工补写。"


class DocumentPage(QWidget):
    """One document's tab: the PDF as it will print."""

    def __init__(self, prepared: Prepared, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = named(QPdfView(self), "print_preview_view", "文书预览")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf = QPdfDocument(self)
        self._data = QByteArray()
        self._buffer = QBuffer(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.prepared = prepared
        self.show_prepared(prepared)

    def show_prepared(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.view.setDocument(None)
        self._buffer.close()
        self._data = QByteArray(prepared.rendered.pdf)  # the buffer reads from this: keep it alive
        self._buffer.setData(self._data)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        self.view.setDocument(self.pdf)


class PreviewDialog(QDialog):
    printed = Signal(int)  # document id

    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor, document_ids: list[int],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.ops, self.actor = ctx, ops, actor
        self.document_ids = list(document_ids)
        self.pages: dict[int, DocumentPage] = {}
        self.output_file = ""  # set: print into this PDF file instead of a printer
        self.setObjectName("print_preview_dialog")
        self.setWindowTitle("文书预览与打印")
        resize_within_screen(self, 900, 760)
        self._build()
        for doc_id in self.document_ids:
            self._load(doc_id)

    def _build(self) -> None:
        self.tabs = named(QTabWidget(), "print_preview_tabs", "文书")
        self.loading = QLabel("正在生成文书…")
        self.warning = named(QLabel(""), "print_glyph_warning", "缺字提示")
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.message = named(QLabel(""), "print_message", "打印结果")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.print_button = named(QPushButton("打印 (Ctrl+P)"), "print_button", "打印")
        self.print_button.setDefault(True)
        self.settings_button = named(QPushButton("打印设置…"), "print_settings_button", "打印设置")
        self.save_button = named(QPushButton("另存为 PDF…"), "print_save_button", "另存为PDF")
        self.close_button = named(QPushButton("关闭 (Esc)"), "print_close_button", "关闭")
        self.print_button.clicked.connect(self.print_current)
        self.settings_button.clicked.connect(self.edit_settings)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+P"), self).activated.connect(self.print_current)
        self.tabs.currentChanged.connect(lambda _i: self._show_warning())
        bar = QHBoxLayout()
        for b in (self.print_button, self.settings_button, self.save_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.loading)
        layout.addWidget(self.warning)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addLayout(bar)
        self._set_ready(False)

    # --- loading ---------------------------------------------------------------------

    def _load(self, doc_id: int) -> None:
        self.ops.run_read(lambda: prepare(self.ctx, self.actor, doc_id), self._loaded, self._failed)

    def _loaded(self, p: Prepared) -> None:
        doc_id = p.job.document_id
        if p.job.copy is None and not p.job.original_sha256:
            self.ops.run_write(lambda: record_rendered(self.ctx, self.actor, doc_id, p.rendered.sha256))
        page = self.pages.get(doc_id)
        if page is None:
            page = DocumentPage(p)
            self.pages[doc_id] = page
            # Tabs in the order the decision issued them, whatever order the renders finish in.
            index = sum(1 for d in self.document_ids[: self.document_ids.index(doc_id)] if d in self.pages)
            self.tabs.insertTab(index, page, p.title + ("（补打）" if p.job.copy else ""))
            if index == 0:
                self.tabs.setCurrentIndex(0)  # the main notice first, even if the receipt rendered sooner
        else:
            page.show_prepared(p)
            self.tabs.setTabText(self.tabs.indexOf(page), p.title + ("（补打）" if p.job.copy else ""))
        self.loading.setVisible(len(self.pages) < len(self.document_ids))
        self._set_ready(True)
        self._show_warning()
        if len(self.pages) == 1:
            self.print_button.setFocus()  # Enter or Ctrl+P prints, Esc closes: the queue waits

    def _set_ready(self, on: bool) -> None:
        for b in (self.print_button, self.settings_button, self.save_button):
            b.setEnabled(on)

    def current(self) -> Prepared | None:
        page = self.tabs.currentWidget()
        return page.prepared if isinstance(page, DocumentPage) else None

    def _show_warning(self) -> None:
        p = self.current()
        chars = p.rendered.missing_glyphs if p else ()
        show_message(self.warning, glyph_warning(chars) if chars else "", "error")

    def _failed(self, exc: Exception) -> None:
        self._set_ready(bool(self.pages))
        show_message(self.message, error_text(exc), "error")

    # --- printing ----------------------------------------------------------------------

    def confirm_missing_glyphs(self, chars: tuple[str, ...]) -> bool:
        answer = QMessageBox.warning(self, "打印前请核对", glyph_warning(chars) + "\n\n仍要打印吗？",
                                     QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                     QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def print_current(self) -> None:
        p = self.current()
        if p is None or not self.print_button.isEnabled():
            return
        if p.rendered.missing_glyphs and not self.confirm_missing_glyphs(p.rendered.missing_glyphs):
            return
        s = p.settings
        target = PrintTarget(s.printer, s.copies, s.tray, self.output_file)
        if not target.output_file and not installed_printers():
            show_message(self.message, "本机没有安装打印机，请先另存为 PDF，再到有打印机的电脑打印。", "warn")
            self.save_as()
            return
        self._set_ready(False)
        show_message(self.message, f"正在打印{p.title}…", "ok")
        self.ops.run_read(lambda: print_pdf(p.rendered.pdf, target, f"{p.job.snapshot.case_number} {p.title}"),
                          lambda _pages: self._printed(p, target), self._failed)

    def _printed(self, p: Prepared, target: PrintTarget) -> None:
        doc_id = p.job.document_id
        where = target.output_file or target.printer or "默认打印机"
        self.ops.run_write(lambda: record_printed(self.ctx, self.actor, doc_id, where, target.copies),
                           lambda reprint: self._recorded(p, reprint), self._failed)

    def _recorded(self, p: Prepared, reprint: bool) -> None:
        word = "补打" if reprint else "打印"
        show_message(self.message, f"已{word}{p.title}（{p.settings.copies} 份）。再次打印将标注“补打件”。", "ok")
        self.printed.emit(p.job.document_id)
        self._load(p.job.document_id)  # what the next print will look like: marked as a copy

    # --- settings and saving -------------------------------------------------------------

    def edit_settings(self) -> None:
        p = self.current()
        if p is None:
            return
        kind = p.job.snapshot.kind
        dlg = PrintSettingsDialog(kind, p.settings, self, offset_for=lambda name: calibration_offset(self.ctx, name))
        dlg.calibrate.clicked.connect(lambda: self._calibration(p, dlg.values()))
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = dlg.values()
        self.ops.run_write(lambda: save_printer_settings(self.ctx, self.actor, kind, chosen),
                           lambda _v: self._settings_saved(), self._failed)

    def _settings_saved(self) -> None:
        show_message(self.message, "打印设置已保存，本终端下次自动使用。", "ok")
        for doc_id in self.pages:
            self._load(doc_id)  # a certificate's offset shows in the preview at once

    def _calibration(self, p: Prepared, settings: PrinterSettings) -> None:
        kind_type = p.job.snapshot.certificate_type
        target = PrintTarget(settings.printer, 1, settings.tray, self.output_file)
        if not target.output_file and not installed_printers():
            show_message(self.message, "本机没有安装打印机，无法打印校准页。", "warn")
            return
        self.ops.run_read(lambda: print_pdf(render_calibration(kind_type, settings.offset_mm).pdf, target, "套打校准页"),
                          lambda _n: show_message(self.message, "校准页已发送到打印机。", "ok"), self._failed)

    def save_as(self) -> None:
        p = self.current()
        if p is None:
            return
        suggested = str(Path.home() / f"{p.job.snapshot.case_number}-{p.title}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "另存为 PDF", suggested, "PDF 文件 (*.pdf)")
        if path:
            self.save_pdf(path)

    def save_pdf(self, path: str) -> None:
        p = self.current()
        if p is None:
            return
        try:
            Path(path).write_bytes(p.rendered.pdf)
        except OSError as err:
            show_message(self.message, f"保存失败：{err.strerror}。请换一个位置。", "error")
            return
        show_message(self.message, f"已保存到 {path}", "ok")

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802 — Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)

"""打印设置 for one kind of document on this terminal: printer, copies, tray, and for
certificates on pre-printed stock the X/Y offset with a calibration page to check it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app.documents import DOCUMENT_TITLES, DocumentKind
from app.usecases.documents import PrinterSettings
from ui.printing.print_job import TRAYS, installed_printers
from ui.widgets import named

DEFAULT_PRINTER = "（系统默认打印机）"


def _offset_box(name: str, label: str) -> QDoubleSpinBox:
    box = named(QDoubleSpinBox(), name, label)
    box.setRange(-20, 20)
    box.setSingleStep(0.5)
    box.setDecimals(1)
    box.setSuffix(" mm")
    return box


class PrintSettingsDialog(QDialog):
    def __init__(self, kind: DocumentKind, current: PrinterSettings, parent: QDialog | None = None,
                 offset_for: Callable[[str], tuple[float, float]] | None = None):
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("print_settings_dialog")
        self.setWindowTitle(f"打印设置 — {DOCUMENT_TITLES[kind]}")
        self.printer = named(QComboBox(), "print_printer", "打印机")
        self.printer.addItem(DEFAULT_PRINTER, "")
        for name in installed_printers():
            self.printer.addItem(name, name)
        if current.printer and self.printer.findData(current.printer) < 0:
            self.printer.addItem(f"{current.printer}（未连接）", current.printer)
        self.printer.setCurrentIndex(max(0, self.printer.findData(current.printer)))
        self.copies = named(QSpinBox(), "print_copies", "份数")
        self.copies.setRange(1, 20)
        self.copies.setValue(current.copies)
        self.tray = named(QComboBox(), "print_tray", "纸盒")
        for label in TRAYS:
            self.tray.addItem(label or "自动选择", label)
        self.tray.setCurrentIndex(max(0, self.tray.findData(current.tray)))
        form = QFormLayout()
        form.addRow("打印机", self.printer)
        form.addRow("份数", self.copies)
        form.addRow("纸盒", self.tray)
        self.offset_x = _offset_box("print_offset_x", "横向偏移")
        self.offset_y = _offset_box("print_offset_y", "纵向偏移")
        self.offset_x.setValue(current.offset_mm[0])
        self.offset_y.setValue(current.offset_mm[1])
        self.calibrate = named(QPushButton("打印校准页…"), "print_calibrate", "打印校准页")
        if offset_for is not None:  # each printer keeps its own calibration
            self.printer.currentIndexChanged.connect(lambda _i: self._show_offset(offset_for(self.printer.currentData() or "")))
        if kind == DocumentKind.CERTIFICATE:
            form.addRow("横向偏移（向右为正）", self.offset_x)
            form.addRow("纵向偏移（向下为正）", self.offset_y)
            form.addRow("", self.calibrate)
        if not installed_printers():
            note = QLabel("本机未检测到打印机，打印时将提示另存为 PDF。")
            note.setStyleSheet("color:#8a6d00;")
            form.addRow("", note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存（本终端记住）")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _show_offset(self, offset: tuple[float, float]) -> None:
        self.offset_x.setValue(offset[0])
        self.offset_y.setValue(offset[1])

    def values(self) -> PrinterSettings:
        return PrinterSettings(self.printer.currentData() or "", self.copies.value(), self.tray.currentData() or "",
                               (self.offset_x.value(), self.offset_y.value()))

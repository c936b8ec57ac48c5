"""Putting a rendered PDF on paper, off the UI thread.

QPainter may paint on a QPrinter (and QImage) from a worker thread, so a print runs entirely
in the worker: its own QPdfDocument renders each page to an image at the printer's resolution
and the image goes onto the page. The window keeps answering while a certificate printer warms up.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.rules.problems import Problem, RuleError

PRINT_DPI = 300  # sharp text and scannable codes; 1200 dpi pages were 5 MB each and slow to spool
TRAYS = {"": QPrinter.PaperSource.Auto, "纸盒1": QPrinter.PaperSource.Upper, "纸盒2": QPrinter.PaperSource.Lower,
         "手动进纸": QPrinter.PaperSource.Manual}


@dataclass(frozen=True)
class PrintTarget:
    printer: str = ""  # "" = the system default
    copies: int = 1
    tray: str = ""
    output_file: str = ""  # print into a PDF file instead (no printer on this machine; tests)


def installed_printers() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())


def _printer(target: PrintTarget) -> QPrinter:
    if target.output_file:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(target.output_file)
    else:
        name = target.printer or QPrinterInfo.defaultPrinterName()
        if not name or name not in installed_printers():
            raise RuleError(Problem("PRINTER_MISSING", "本机没有可用的打印机（或所选打印机已不存在）。"
                                    "请检查打印机连接，或先“另存为 PDF”。"))
        printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
        printer.setPaperSource(TRAYS.get(target.tray, QPrinter.PaperSource.Auto))
    printer.setResolution(PRINT_DPI)
    printer.setCopyCount(max(1, target.copies))
    printer.setFullPage(True)  # the PDF already has its margins; certificates need the sheet's own origin
    return printer


def print_pdf(pdf: bytes, target: PrintTarget, title: str) -> int:
    """Print every page; returns the number of pages sent. Runs in a worker thread."""
    data = QByteArray(pdf)
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buf)
    if doc.status() != QPdfDocument.Status.Ready:
        raise RuleError(Problem("PRINT_PDF_UNREADABLE", "文书文件无法读取，未打印。请重新生成后再试。"))
    printer = _printer(target)
    printer.setDocName(title)
    first = doc.pagePointSize(0)
    printer.setPageLayout(QPageLayout(QPageSize(first, QPageSize.Unit.Point),
                                      QPageLayout.Orientation.Portrait, printer.pageLayout().margins()))
    painter = QPainter()
    if not painter.begin(printer):
        raise RuleError(Problem("PRINT_START_FAILED", "打印机未能开始打印，请检查打印机是否开机、有纸。"))
    try:
        for page in range(doc.pageCount()):
            if page:
                printer.newPage()
            rect: QRect = painter.viewport()
            image = doc.render(page, QSize(rect.width(), rect.height()))
            painter.drawImage(rect, image)
    finally:
        painter.end()
    return doc.pageCount()

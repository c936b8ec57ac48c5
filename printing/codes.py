"""The case number as a Code 128 barcode (python-barcode encodes it) and a QR code carrying the
progress-enquiry address (reportlab's encoder), both drawn as plain vector rectangles: sharp on
any printer, and no graphics renderer slipping its default Helvetica into the file."""

from __future__ import annotations

from functools import cache

import barcode
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.units import mm


@cache
def code128_modules(value: str) -> str:
    """'1' for a dark module, '0' for a light one, quiet zones excluded."""
    return barcode.get("code128", value).build()[0]


def draw_code128(canvas, x: float, y: float, value: str, width: float, height: float) -> None:  # noqa: ANN001
    """Bars of `value` filling `width` × `height` from (x, y) bottom-left."""
    modules = code128_modules(value)
    module = width / len(modules)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    start = None
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and start is None:
            start = i
        elif bit == "0" and start is not None:
            canvas.rect(x + start * module, y, (i - start) * module, height, stroke=0, fill=1)
            start = None
    canvas.restoreState()


@cache
def qr_modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """Dark/light modules of a QR code (error correction M: a smudge at the counter still scans)."""
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(payload)
    qr.make()
    n = qr.getModuleCount()
    return tuple(tuple(bool(qr.isDark(r, c)) for c in range(n)) for r in range(n))


def draw_qr(canvas, x: float, y: float, payload: str, size: float = 22 * mm) -> None:  # noqa: ANN001
    """Modules drawn as rectangles, with the 4-module quiet zone inside `size`."""
    rows = qr_modules(payload)
    module = size / (len(rows) + 8)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(rows):
        for col, dark in enumerate(row):
            if dark:
                canvas.rect(x + (col + 4) * module, y + size - (r + 5) * module, module, module, stroke=0, fill=1)
    canvas.restoreState()

"""The case number as a Code 128 barcode (python-barcode encodes it) and a QR code carrying the
progress-enquiry address (zxing-cpp encodes it), drawn with PDF operators of our own — the bars as
rectangles, the QR code as a one-bit image mask — sharp on any printer, and no graphics renderer
slipping its default Helvetica into the file."""

from __future__ import annotations

import re
from functools import lru_cache

import barcode
import zxingcpp
from reportlab.lib.units import mm


@lru_cache(maxsize=512)  # a day's cases; a terminal runs for weeks
def code128_modules(value: str) -> str:
    """'1' for a dark module, '0' for a light one, quiet zones excluded."""
    return barcode.get("code128", value).build()[0]


_DARK_RUN = re.compile("1+")


def _runs(bits: str) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules."""
    return [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(bits)]


def _fill_ops(scale_x: float, scale_y: float, rects: list[tuple[int, int, int, int]]) -> str:
    """One filled path of rectangles in module units, scaled to points by one matrix: whole
    numbers write a third of the bytes that every PDF of the notice then encodes and compresses."""
    return (f"{scale_x:.5f} 0 0 {scale_y:.5f} 0 0 cm " + " ".join(f"{x} {y} {w} {h} re" for x, y, w, h in rects)
            + " f")


@lru_cache(maxsize=512)  # a day's cases; a terminal runs for weeks
def code128_ops(value: str, width: float, height: float) -> str:
    modules = code128_modules(value)
    return _fill_ops(width / len(modules), height, [(start, 0, length, 1) for start, length in _runs(modules)])


def draw_code128(canvas, x: float, y: float, value: str, width: float, height: float) -> None:  # noqa: ANN001
    """Bars of `value` filling `width` × `height` from (x, y) bottom-left."""
    _draw_ops(canvas, x, y, code128_ops(value, width, height))


_MODULE = bytes(b"1"[0] if v < 128 else b"0"[0] for v in range(256))  # pixel byte → module digit


@lru_cache(maxsize=512)  # a day's cases; a terminal runs for weeks
def qr_modules(payload: str) -> tuple[str, ...]:
    """Rows of dark ('1') / light modules (error correction M: a smudge at the counter still scans).

    zxing-cpp's encoder (C++) picks the mask by the standard's penalty score, as reportlab's
    did, in a fraction of a millisecond instead of 5: every notice is for a new case number, so
    this is paid on every first print of a case."""
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)  # one byte a module, 0 = dark
    n = image.shape[0]
    bits = memoryview(image).tobytes().translate(_MODULE).decode("ascii")
    return tuple(bits[r * n:(r + 1) * n] for r in range(n))


@lru_cache(maxsize=512)  # a day's cases; a terminal runs for weeks
def qr_ops(payload: str, size: float) -> str:
    """The QR code as an inline one-bit image mask, a bit a module (Decode [1 0]: a 1 paints in
    the fill colour). 170 bytes of hex where ~300 rectangles took 3 KB on every page of every
    notice (0.75 → 0.24 ms a notice). Without /Interpolate a mask is scaled by nearest sample:
    at a printer's resolution the modules have hard edges (only a 96 dpi preview softens them)."""
    rows = qr_modules(payload)
    n = len(rows)
    pad = "0" * (-n % 8)  # each row of samples starts on a byte
    data = "".join(f"{int(row + pad, 2):0{(n + 7) // 8 * 2}X}" for row in rows)
    m = size / (n + 8)  # the 4-module quiet zone is inside `size`
    return (f"{m * n:.5f} 0 0 {m * n:.5f} {4 * m:.5f} {4 * m:.5f} cm "
            f"BI /W {n} /H {n} /IM true /BPC 1 /D [1 0] /F /AHx ID {data}> EI")


def draw_qr(canvas, x: float, y: float, payload: str, size: float = 22 * mm) -> None:  # noqa: ANN001
    _draw_ops(canvas, x, y, qr_ops(payload, size))


def _draw_ops(canvas, x: float, y: float, ops: str) -> None:  # noqa: ANN001
    """The cached operators, moved to (x, y), in black."""
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.translate(x, y)
    canvas.addLiteral(ops)
    canvas.restoreState()

"""The fonts on paper: the shipped CJK font, embedded and subset, and per-character fallbacks
for rare name characters; which characters no shipped font can draw.

Text is split into runs by the first font (in order) that has a glyph for each character, so
张𠮷明 prints 张 and 明 in WenQuanYi and 𠮷 in HanaMin — never an empty box.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.config import resources_dir
from printing import tounicode

MAIN = "CDSans"  # WenQuanYi Micro Hei: CJK, Latin letters, digits
FALLBACKS = ("CDHanaA", "CDHanaB")  # HanaMinA (Extension A, part of B), HanaMinB (Extensions B–F)
_FILES = {MAIN: ("wqy-microhei.ttc", 0), "CDHanaA": ("HanaMinA.ttf", None), "CDHanaB": ("HanaMinB.ttf", None)}
ORDER = (MAIN, *FALLBACKS)


@cache
def register_fonts() -> tuple[str, ...]:
    """Register once per process; returns the font names in fallback order."""
    tounicode.install()
    for name, (file, index) in _FILES.items():
        path = str(resources_dir() / "fonts" / file)
        font = TTFont(name, path, subfontIndex=index) if index is not None else TTFont(name, path)
        pdfmetrics.registerFont(font)
    return ORDER


@cache
def _cmap(name: str) -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


@cache
def font_for(ch: str) -> str | None:
    """The first shipped font that can draw `ch`; None when none can."""
    if ch.isspace():
        return MAIN
    cp = ord(ch)
    return next((name for name in ORDER if cp in _cmap(name)), None)


def missing_glyphs(text: str) -> tuple[str, ...]:
    """Characters no shipped font covers, in the order they first appear."""
    seen: dict[str, None] = {}
    for ch in text:
        if font_for(ch) is None:
            seen.setdefault(ch)
    return tuple(seen)


def runs(text: str) -> Iterator[tuple[str, str]]:
    """(font, text) runs; an uncovered character stays with the main font (the clerk was warned)."""
    current, buf = MAIN, []
    for ch in text:
        font = font_for(ch) or MAIN
        if font != current and buf:
            yield current, "".join(buf)
            buf = []
        current = font
        buf.append(ch)
    if buf:
        yield current, "".join(buf)


def markup(text: str) -> str:
    """Paragraph markup for `text`: escaped, fallback runs wrapped in <font name=…>."""
    return "".join(escape(t) if f == MAIN else f'<font name="{f}">{escape(t)}</font>' for f, t in runs(text))


def draw_text(canvas, x: float, y: float, text: str, size: float, align: str = "left") -> float:  # noqa: ANN001
    """Draw one line with per-character fallback on a reportlab canvas; returns its width."""
    parts = list(runs(text))
    width = sum(pdfmetrics.stringWidth(t, f, size) for f, t in parts)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    for f, t in parts:
        canvas.setFont(f, size)
        canvas.drawString(x, y, t)
        x += pdfmetrics.stringWidth(t, f, size)
    return width


def text_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(t, f, size) for f, t in runs(text))


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Lines of at most `width` points, broken between characters (as Chinese text may be)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def needs_fallback(text: str) -> bool:
    return any(font_for(ch) != MAIN for ch in text)

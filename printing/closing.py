"""The closing of a notice: the signature lines the applicant and the clerk fill in by hand,
the agency's name and date under clean room for the seal, and the rule that this block never
stands alone on a page (it takes the body's last lines with it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm

from printing.fonts import text_width
from printing.layout import (
    PLAIN,
    TEXT_W,
    Item,
    Pen,
    Style,
    break_lines,
    cn_date,
    text_baseline,
)

# --- the closing: signatures and the seal ------------------------------------------------------

SEAL_RADIUS = 21 * mm  # a 42 mm agency seal
SEAL_ROOM = 18 * mm  # clean space above the agency's name; the seal is stamped over name and date, below its centre
Blank = Sequence[tuple[str, float]]  # a line to fill in: each text followed by a ruled blank (mm; 0: none)


def draw_blank(p: Pen, x: float, base: float, parts: Blank, size: float) -> None:
    for text, blank_mm in parts:
        x += p.text(x, base, text, size) if text else 0
        if blank_mm:
            p.rule(x + 1, base - size * 0.16, x + blank_mm * mm - 1, base - size * 0.16, 0.5)
            x += blank_mm * mm


def signatures(rows: Sequence[Blank], colon_mm: float, style: Style = PLAIN, gap_before: float = 0.0) -> list[Item]:
    """Signature lines in the right half, as on a letter: every label ends at `colon_mm` from
    the left margin, so the blanks line up."""
    items = []
    for n, row in enumerate(rows):
        (label, blank), rest = row[0], row[1:]

        def draw(p: Pen, x: float, top: float, label: str = label, blank: float = blank, rest: Blank = rest,
                 gap: float = gap_before if n == 0 else 0.0) -> None:
            base = text_baseline(top - gap, style)
            start = x + colon_mm * mm - text_width(label, style.size)
            draw_blank(p, start, base, [(label, blank), *rest], style.size)

        items.append(Item((gap_before if n == 0 else 0.0) + style.leading * 1.3, draw))
    return items


def date_blanks(label: str = "日期：") -> list[tuple[str, float]]:
    return [(label, 0), ("", 14), ("年", 0), ("", 8), ("月", 0), ("", 8), ("日", 0)]


def short_agency(agency: str) -> str:
    """The agency signs with its own name: the other names it also bears (（…知识产权局、…）) stay off."""
    name = re.sub(r"[（(][^（）()]*[）)]\s*$", "", agency.strip())
    return name or agency.strip()


def seal_block(agency: str, on: date, left: Sequence[Blank] = (), style: Style = PLAIN) -> list[Item]:
    """GB/T 9704 7.3.5.1: the date four characters in from the right, the agency centred above it,
    and above them clean space — nothing printed — for the seal, which is stamped over both.

    `left`: lines filled in by hand (申请人签收 …), set at the left beside the agency and date,
    clear of where the seal goes; below them when they are too wide for that."""
    date_text = cn_date(on)
    date_w = text_width(date_text, style.size)
    name_lines = _lines_of(agency, min(TEXT_W, 90 * mm), style.size)
    date_right = TEXT_W - 4 * style.size
    centre = date_right - date_w / 2
    name_left = min(min(centre - w / 2, TEXT_W - w) for w in (text_width(n, style.size) for n in name_lines))
    seal_left = min(centre - SEAL_RADIUS, name_left)
    room = seal_left - 8 * mm  # the left column stays clear of the seal
    widths = [sum(text_width(t, style.size) + b * mm for t, b in row) for row in left]
    beside = all(w <= room for w in widths)
    rows = len(name_lines) + 1
    lead = style.leading * 1.2 if left else style.leading  # room to sign by hand
    height = SEAL_ROOM + (max(rows, len(left)) if beside else rows + len(left)) * lead

    def draw(p: Pen, x: float, top: float) -> None:
        y = top - SEAL_ROOM
        for line in name_lines:
            w = text_width(line, style.size)
            p.text(x + min(centre - w / 2, TEXT_W - w), text_baseline(y, style), line, style.size)
            y -= lead
        p.text(x + date_right, text_baseline(y, style), date_text, style.size, "right")
        y = top - SEAL_ROOM if beside else y - lead
        for row in left:
            draw_blank(p, x, text_baseline(y, style), row, style.size)
            y -= lead

    return [Item(height, draw)]


def _lines_of(text: str, width: float, size: float) -> list[str]:
    return [text[s:e] for s, e in break_lines(text, width, size)]


def closing(body: list[Item], block: list[Item], keep_lines: int = 2) -> list[Item]:
    """The body, then the signature/seal block kept on one page with the body's last lines."""
    kept = 0
    for item in reversed(body):
        if kept >= keep_lines:
            break
        item.keep_next = True
        if not item.space:
            kept += 1
    for item in block[:-1]:
        item.keep_next = True
    return [*body, *block]


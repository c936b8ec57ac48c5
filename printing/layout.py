"""The page of a notice, in the manner of Chinese official documents (GB/T 9704-2012 as far as
the shipped fonts allow): case barcode top left, progress QR code top right, a bold centred
title, the document number on the right, the body in a Ming face, the agency and date bottom
right under clean space for the hand-applied seal, the window's contact line and — when it runs
over — 第 x 页 共 y 页 at the foot of every page.

Laid out and drawn straight on the canvas rather than through platypus: a notice is a column
of lines and ruled table rows, and placing those ourselves is a fraction of the cost of
platypus' general machinery (issue 15: a notice within 1.5× a bare page of the same text). It
also gives the rules a notice needs exactly:
- lines break between Chinese characters, never inside a run of Latin letters and digits (a
  case number, an address such as https://…?case=…, an item code), and not before a closing
  or after an opening punctuation mark (避头尾);
- a page never breaks between the first two or the last two lines of a paragraph, between a
  table's caption, header and first row, or between the last lines of the body and the
  signature/seal block — that block never stands alone on a page (printing/closing.py);
- a table that runs onto the next page repeats its header there.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from app.documents import CopyMark, DocumentSnapshot
from printing.codes import draw_code128, draw_qr
from printing.fonts import BOLD_STROKE, MAIN, advances, register_fonts, start_with_common, text_out, text_width

PAGE_W, PAGE_H = A4
MARGIN_X = 26 * mm
MARGIN_TOP = 50 * mm  # below the barcode/QR band
MARGIN_BOTTOM = 20 * mm
TEXT_W = PAGE_W - 2 * MARGIN_X
TEXT_TOP = PAGE_H - MARGIN_TOP
TEXT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
GREY = Color(0.45, 0.45, 0.45)
COPY_RED = Color(0.7, 0.1, 0.1)
HEAD_FILL = Color(0.93, 0.93, 0.93)
LABEL_FILL = Color(0.96, 0.96, 0.96)
RULE = 0.6  # table rules, points


def cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


@dataclass(frozen=True)
class Style:
    size: float
    leading: float
    indent: float = 0.0  # first line only (正文 starts two characters in)
    align: str = "left"  # left | center | right
    bold: bool = False
    color: Color = black
    after: float = 0.0  # space below the paragraph (dropped at the foot of a page)


TITLE = Style(22, 32, align="center", bold=True, after=1 * mm)  # 二号, bold Ming (小标宋 where shipped)
NUMBER = Style(14, 22, align="right", after=3 * mm)  # 发文字号
BODY = Style(14, 24, indent=28, after=1.5 * mm)  # 四号 Ming; the first line indented two characters
PLAIN = Style(14, 24, after=1.5 * mm)
CAPTION = Style(14, 24, after=1 * mm)  # a table's caption, kept with the table
CELL = Style(10.5, 15)  # 五号
CELL_CENTER = Style(10.5, 15, align="center")
HEAD = Style(10.5, 15, align="center", bold=True)

PAD_X, PAD_TOP, PAD_BOTTOM = 4.0, 3.0, 3.5  # table cell padding, points


# --- line breaking --------------------------------------------------------------------------

# Where a line may not break: inside a run of printable ASCII (a number, a code, an address),
# before a closing and after an opening punctuation mark (避头尾). Everywhere else it may:
# Chinese breaks between any two characters, and a space is a break that disappears.
_ASCII_RUN = re.compile(r"[!-~]{2,}")
NO_START = "，。、；：？！）》」』】〕〉”’…%‰·,.;:?!)]}"  # never at the start of a line
NO_END = "（《「『【〔〈“‘([{"  # never at the end of a line
_BEFORE = re.compile("[" + re.escape(NO_START) + "]")
_AFTER = re.compile("[" + re.escape(NO_END) + "]")


def _unbreakable(text: str) -> tuple[set[int], set[int]]:
    """Positions i a line must not start at: (inside ASCII runs, by punctuation rules)."""
    hard = {i for m in _ASCII_RUN.finditer(text) for i in range(m.start() + 1, m.end())}
    soft = {m.start() for m in _BEFORE.finditer(text)} | {m.end() for m in _AFTER.finditer(text)}
    return hard, soft | hard


@lru_cache(maxsize=4096)
def break_lines(text: str, width: float, size: float, indent: float = 0.0) -> tuple[tuple[int, int], ...]:
    """(start, end) of each line of `text` set at `size` in `width` points, the first `indent` in.

    Remembered per process: most of what a notice sets — its wording, table headers and labels,
    an item's material names, the agency — comes back notice after notice in the same columns.

    Each line takes as much as fits (a binary search over the running width), then backs off to
    the nearest allowed break. A line with none (a cell narrower than a number and its bracket)
    gives up the punctuation rule first, and only a run wider than the whole line is broken."""
    adv = advances(text)
    if sum(adv) * size <= width - indent + 0.01:  # the usual cell: one line, nothing to break
        e = len(text.rstrip(" "))
        s = len(text) - len(text.lstrip(" "))
        return ((s, e),) if e > s else ()
    cum = list(accumulate(adv, initial=0.0))  # width of text[:i] at 1 pt
    hard, never = _unbreakable(text)
    n, lines, avail = len(text), [], width - indent
    start = 0
    while start < n and text[start] == " ":
        start += 1
    while start < n:
        j = bisect_right(cum, cum[start] + (avail + 0.01) / size) - 1  # text[start:j] fits
        if j >= n:
            k = n
        else:
            k = j
            while k > start and k in never:
                k -= 1
            if k == start:  # no allowed break: keep the number whole at least
                k = j
                while k > start and k in hard:
                    k -= 1
                if k == start:
                    k = max(j, start + 1)
        e = k
        while e > start and text[e - 1] == " ":
            e -= 1
        lines.append((start, e))
        start, avail = k, width
        while start < n and text[start] == " ":
            start += 1
    return tuple(lines)


# --- drawing --------------------------------------------------------------------------------------


class Pen:
    """One page's drawing, gathered and painted in three layers when the page is done: fills,
    then rules (one path per line width), then text (one text object per page, one more per
    bold size) — instead of a graphics-state round trip for every string and line."""

    def __init__(self, c: Canvas):
        self.c = c
        self.t = c.beginText()
        self._bold: dict[float, PDFTextObject] = {}
        self._font: list[object] = [None, None, None]
        self._bold_font: dict[float, list[object]] = {}
        self._colour: Color = black
        self._fills: list[str] = []
        self._rules: dict[float, list[str]] = {}

    def text(self, x: float, y: float, text: str, size: float, align: str = "left", bold: bool = False,
             colour: Color = black) -> float:
        """One line at baseline y, with per-character font fallback; returns its width."""
        w = text_width(text, size)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        self.line(x, y, text, size, bold, colour)
        return w

    def line(self, x: float, y: float, text: str, size: float, bold: bool = False, colour: Color = black) -> None:
        """`text` but left-aligned and not measured: for lines already placed (a paragraph, a cell)."""
        if not text:  # an empty cell: no operators for nothing
            return
        if bold:  # faux bold (fill + stroke): its own text object per size, the stroke width follows the size
            t = self._bold.get(size)
            if t is None:
                t = self._bold[size] = self.c.beginText()
                t.setTextRenderMode(2)
                self._bold_font[size] = [None, None, None]
            text_out(t, x, y, text, size, self._bold_font[size])
            return
        if colour is not self._colour:
            self.t.setFillColor(colour)
            self._colour = colour
        text_out(self.t, x, y, text, size, self._font)

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: float = RULE) -> None:
        self._rules.setdefault(width, []).append(f"{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l")

    def box(self, x: float, y: float, w: float, h: float, width: float = RULE) -> None:
        self._rules.setdefault(width, []).append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re")

    def fill(self, x: float, y: float, w: float, h: float, colour: Color) -> None:
        self._fills.append(f"{colour.red:.3f} {colour.green:.3f} {colour.blue:.3f} rg {x:.2f} {y:.2f} {w:.2f} {h:.2f} re f")

    def finish(self) -> None:
        c = self.c
        if self._fills:
            c.addLiteral("q " + " ".join(self._fills) + " Q")
        for width, ops in self._rules.items():
            c.addLiteral(f"q 0 G {width:.2f} w " + " ".join(ops) + " S Q")
        c.drawText(self.t)
        for size, t in self._bold.items():
            c.saveState()
            c.setFillColor(black)
            c.setStrokeColor(black)
            c.setLineWidth(size * BOLD_STROKE)
            c.setLineJoin(1)
            c.drawText(t)
            c.restoreState()


# --- items: what the paginator places ---------------------------------------------------------

Draw = Callable[[Pen, float, float], None]  # (pen, left x, top y)


@dataclass(eq=False)
class Item:
    """A slice of the page that is never split: a line, a table row, the seal block."""

    height: float
    draw: Draw | None = None  # None: empty space
    keep_next: bool = False  # no page break between this item and the next
    header: Item | None = None  # a table row: the header row to repeat atop a new page

    @property
    def space(self) -> bool:
        return self.draw is None


def space(height: float) -> list[Item]:
    return [Item(height)]


def text_baseline(top: float, style: Style) -> float:
    # The em box of a CJK glyph sits about 0.88 em above and 0.12 em below the baseline: centre it in the line.
    return top - style.leading / 2 - style.size * 0.38


def _underlines(p: Pen, x: float, base: float, text: str, s: int, e: int, under: Sequence[tuple[int, int]],
                size: float) -> None:
    for a, b in under:
        lo, hi = max(a, s), min(b, e)
        if lo < hi:
            x0 = x + text_width(text[s:lo], size)
            p.rule(x0, base - size * 0.16, x0 + text_width(text[lo:hi], size), base - size * 0.16, 0.5)


def draw_lines(p: Pen, x: float, top: float, text: str, lines: Sequence[tuple[int, int]], style: Style,
                width: float, under: Sequence[tuple[int, int]] = ()) -> None:
    """Several lines of one paragraph (a table cell), from `top` down."""
    for n, (s, e) in enumerate(lines):
        line = text[s:e]
        dx = style.indent if n == 0 and s == 0 else 0.0
        if style.align != "left":
            w = text_width(line, style.size)
            dx = (width - w) / 2 if style.align == "center" else width - w
        base = text_baseline(top - n * style.leading, style)
        p.line(x + dx, base, line, style.size, style.bold, style.color)
        if under:
            _underlines(p, x + dx, base, text, s, e, under, style.size)


def para(text: str, style: Style = BODY, under: Sequence[tuple[int, int]] = (), width: float = TEXT_W) -> list[Item]:
    """A paragraph as one item per line: a page may break between lines, but not after the first
    line or before the last (no orphan, no widow)."""
    lines = break_lines(text, width, style.size, style.indent)
    items = []
    for s, e in lines:
        def draw(p: Pen, x: float, top: float, s: int = s, e: int = e) -> None:
            draw_lines(p, x, top, text, [(s, e)], style, width, under)

        items.append(Item(style.leading, draw))
    if len(items) >= 2:
        items[0].keep_next = True
        items[-2].keep_next = True
    if style.after:
        items += space(style.after)
    return items


def rich(parts: Sequence[tuple[str, bool]], style: Style = BODY) -> list[Item]:
    """Plain and underlined parts: the applicant's details stand out as they would when filled in by hand."""
    text, under, at = "", [], 0
    for t, underline in parts:
        if underline:
            under.append((at, at + len(t)))
        text += t
        at += len(t)
    return para(text, style, under)


def keep_with_next(items: list[Item]) -> list[Item]:
    """A caption or heading: no page break after it."""
    for item in items:
        item.keep_next = True
    return items


# --- tables -------------------------------------------------------------------------------------


def _fit_widths(header: Sequence[str], widths: list[float]) -> list[float]:
    """A header never wraps (序号 one character per line): a column too narrow for its header
    takes what it lacks from the widest column."""
    for i, h in enumerate(header):
        need = text_width(h, HEAD.size) + HEAD.size * BOLD_STROKE + 2 * PAD_X + 1
        if widths[i] < need:
            j = max(range(len(widths)), key=lambda k: widths[k])
            widths[j] -= need - widths[i]
            widths[i] = need
    return widths


@dataclass(frozen=True)
class CellExtra:
    """Something drawn in one cell under its text (the mailing list's tracking barcode):
    `height` more room, and `draw(pen, left, y_below_text, cell_width)`."""

    column: int
    height: float
    draw: Callable[[Pen, float, float, float], None]


def ruled_row(cells: Sequence[str], widths: Sequence[float], styles: Sequence[Style], fills: Sequence[Color | None],
              extra: CellExtra | None = None) -> Item:
    """A table row: each cell's lines centred vertically, filled where asked, ruled all round."""
    wrapped = [break_lines(text, w - 2 * PAD_X, st.size) or ((0, 0),) for text, w, st in zip(cells, widths, styles,
                                                                                            strict=True)]
    inner = [len(lines) * st.leading for lines, st in zip(wrapped, styles, strict=True)]
    if extra is not None:
        inner[extra.column] += extra.height
    height = max(inner) + PAD_TOP + PAD_BOTTOM

    def draw(p: Pen, x: float, top: float) -> None:
        left = x
        for n, (text, w, st, lines, fill) in enumerate(zip(cells, widths, styles, wrapped, fills, strict=True)):
            if fill is not None:
                p.fill(left, top - height, w, height, fill)
            y = top - PAD_TOP - (height - PAD_TOP - PAD_BOTTOM - inner[n]) / 2
            draw_lines(p, left + PAD_X, y, text, lines, st, w - 2 * PAD_X)
            if extra is not None and n == extra.column:
                extra.draw(p, left, y - len(lines) * st.leading, w)
            left += w
        rule_grid(p, x, top, height, widths)

    return Item(height, draw)


def rule_grid(p: Pen, x: float, top: float, height: float, widths: Sequence[float]) -> None:
    """A table row's outline and its column rules."""
    p.box(x, top - height, sum(widths), height)
    left = x
    for w in widths[:-1]:
        left += w
        p.rule(left, top, left, top - height)


def draw_pages(c: Canvas, pages: Sequence[Sequence[Item]], decorate: Callable[[Pen, int, int], None],
               left: float, top: float) -> None:
    """Every page: its furniture (`decorate(pen, page, total)`), then its items from `top` down."""
    for n, page in enumerate(pages, start=1):
        pen = Pen(c)
        decorate(pen, n, len(pages))
        y = top
        for item in page:
            if item.draw is not None:
                item.draw(pen, left, y)
            y -= item.height
        pen.finish()
        c.showPage()


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float],
          align: Sequence[str] = ()) -> list[Item]:
    """A ruled table: long cells wrap inside their column, a row is never split, the header
    repeats on a new page and is never left alone at the foot of one."""
    scale = TEXT_W / (sum(widths_mm) * mm)
    widths = _fit_widths(header, [w * mm * scale for w in widths_mm])
    styles = [CELL_CENTER if a == "center" else CELL for a in (list(align) + ["left"] * len(header))[:len(header)]]
    head = ruled_row(header, widths, [HEAD] * len(header), [HEAD_FILL] * len(header))
    head.keep_next = True
    body = [ruled_row(r, widths, styles, [None] * len(header)) for r in rows]
    for row in body:
        row.header = head
    return [head, *body]


def facts(rows: Sequence[tuple[str, str]], label_mm: float = 30) -> list[Item]:
    """Label/value pairs (办件编号, 申请事项 …) as a light two-column table."""
    widths = [label_mm * mm, TEXT_W - label_mm * mm]
    return [ruled_row([k, v], widths, [CELL, CELL], [LABEL_FILL, None]) for k, v in rows]


# --- pages ------------------------------------------------------------------------------------


def paginate(items: Sequence[Item], height: float = TEXT_H) -> list[list[Item]]:
    """Items onto pages, honouring keep_next; a group too tall for any page is split where it must."""
    pages: list[list[Item]] = [[]]
    used, fresh = 0.0, True  # fresh: nothing but a repeated header on this page yet
    i = 0

    def new_page(nxt: Item) -> None:
        nonlocal used, fresh
        pages.append([])
        used, fresh = 0.0, True
        if nxt.header is not None:
            pages[-1].append(nxt.header)
            used = nxt.header.height

    while i < len(items):
        item = items[i]
        if fresh and item.space:  # no space at the top of a page
            i += 1
            continue
        j = i
        while items[j].keep_next and j + 1 < len(items):
            j += 1
        group = items[i:j + 1]
        group_h = sum(x.height for x in group)
        if used + group_h <= height + 0.01:
            pages[-1].extend(group)
            used += group_h
            fresh = False
            i = j + 1
            continue
        head_h = item.header.height if item.header is not None else 0.0
        if not fresh and group_h + head_h <= height:
            new_page(item)
            continue
        # Taller than a page: place what fits, one item at a time.
        if not fresh and used + item.height > height:
            new_page(item)
            continue
        pages[-1].append(item)
        used += item.height
        fresh = False
        i += 1
    while len(pages) > 1 and not any(not x.space for x in pages[-1]):
        pages.pop()
    return pages


TOP = PAGE_H - 18 * mm  # the top of the code band
QR = 24 * mm


def _codes(c: Canvas, snapshot: DocumentSnapshot) -> None:
    """The barcode and QR code, on every page. Drawn straight into the page: in module units
    they are about 4 KB of operators, less than a form XObject costs to write (its resource
    dictionary, and reportlab re-encoding its stream)."""
    draw_code128(c, MARGIN_X, TOP - 12 * mm, snapshot.case_number, 62 * mm, 12 * mm)
    draw_qr(c, PAGE_W - MARGIN_X - QR, TOP - QR + 2 * mm, snapshot.progress_url, QR)


TRAINING_MARK = "培训样张 无效"
TRAINING_GREY = Color(0.6, 0.6, 0.6, alpha=0.45)


def is_training(snapshot: DocumentSnapshot) -> bool:
    return snapshot.extra.get("training") == "1"


def draw_training_mark(c: Canvas, snapshot: DocumentSnapshot, page_w: float = PAGE_W, page_h: float = 0.0) -> None:
    """The training room's paper can never pass for a real notice: a large diagonal mark, drawn
    on the canvas directly (a pen's buffered text would not turn with it)."""
    if not is_training(snapshot):
        return
    c.saveState()
    c.translate(page_w / 2, (page_h or A4[1]) / 2)
    c.rotate(35)
    c.setFillColor(TRAINING_GREY)
    c.setFont(MAIN, 64)
    c.drawCentredString(0, 0, TRAINING_MARK)
    c.setFont(MAIN, 20)
    c.drawCentredString(0, -22 * mm, "（培训用，不具法律效力）")
    c.restoreState()


def _decorate(p: Pen, snapshot: DocumentSnapshot, copy: CopyMark | None, page: int, total: int) -> None:
    """Per page: barcode and case number, QR and its caption, copy mark, contact line, page number."""
    c = p.c
    draw_training_mark(c, snapshot)
    _codes(c, snapshot)
    p.text(MARGIN_X, TOP - 17 * mm, f"办件编号 {snapshot.case_number}", 9.5)
    p.text(PAGE_W - MARGIN_X - QR / 2, TOP - QR - 0.5 * mm, "扫码查询办理进度", 8, "center")
    if copy is not None:
        # Under the code band, above the title: seen first, covering nothing.
        w = p.text(PAGE_W / 2, TOP - 29 * mm, copy.text(), 11, "center", colour=COPY_RED)
        c.saveState()
        c.setStrokeColor(COPY_RED)
        c.rect(PAGE_W / 2 - w / 2 - 3 * mm, TOP - 31.5 * mm, w + 6 * mm, 7.5 * mm, stroke=1, fill=0)
        c.restoreState()
    contact = f"{snapshot.hall_name}　{snapshot.window_no}　咨询电话 {snapshot.window_phone}".strip()
    p.text(MARGIN_X, 12 * mm, contact, 9, colour=GREY)
    if total > 1:
        p.text(PAGE_W - MARGIN_X, 12 * mm, f"第 {page} 页 共 {total} 页", 9.5, "right", colour=GREY)


def build_pdf(snapshot: DocumentSnapshot, title: str, items: Sequence[Item], copy: CopyMark | None,
              common_glyphs: bool = False) -> tuple[bytes, int]:
    """The PDF bytes and the page count. invariant=1: the same snapshot gives the same bytes.
    `common_glyphs`: a notice, whose wording fills UMing's first subset (fonts.COMMON)."""
    register_fonts()
    pages = paginate(items)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=MAIN)  # no unembedded Helvetica in the file
    if common_glyphs:
        start_with_common(c._doc)
    c.setTitle(title)
    c.setAuthor(snapshot.agency)
    c.setSubject(snapshot.case_number)
    c.setCreator("ClerkDesk 窗口受理台")
    draw_pages(c, pages, lambda pen, n, total: _decorate(pen, snapshot, copy, n, total), MARGIN_X, TEXT_TOP)
    c.save()
    return buf.getvalue(), len(pages)

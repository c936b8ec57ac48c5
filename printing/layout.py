"""The page of a notice, in the manner of Chinese official documents: case barcode top left,
progress QR code top right, centred title, document number on the right, the body, the
agency and date bottom right with room for the hand-applied seal (盖章处), the window's
contact line and — when it runs over — 第 x 页 共 y 页 at the foot of every page."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.documents import CopyMark, DocumentSnapshot
from printing.codes import draw_code128, draw_qr
from printing.fonts import MAIN, draw_text, markup, needs_fallback, register_fonts, text_width, wrap_text

PAGE_W, PAGE_H = A4
MARGIN_X = 26 * mm
MARGIN_TOP = 50 * mm  # below the barcode/QR band
MARGIN_BOTTOM = 24 * mm
TEXT_W = PAGE_W - 2 * MARGIN_X
GREY = Color(0.45, 0.45, 0.45)
COPY_RED = Color(0.7, 0.1, 0.1)


def cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=MAIN, fontSize=size, leading=leading, wordWrap="CJK", **kw)


class Styles:
    def __init__(self) -> None:
        register_fonts()
        self.title = _style("title", 22, 30, alignment=TA_CENTER, spaceAfter=4 * mm)
        self.number = _style("number", 12, 18, alignment=TA_RIGHT, spaceAfter=5 * mm)
        self.body = _style("body", 12.5, 22, firstLineIndent=25, spaceAfter=2 * mm)
        self.plain = _style("plain", 12.5, 22, spaceAfter=2 * mm)
        self.cell = _style("cell", 10.5, 15)
        self.head = _style("head", 10.5, 15, alignment=TA_CENTER)
        self.small = _style("small", 10, 15, textColor=GREY)


STYLES: Styles | None = None


def styles() -> Styles:
    global STYLES  # noqa: PLW0603 — built once: font registration and styles are per process
    if STYLES is None:
        STYLES = Styles()
    return STYLES


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, rare characters in their fallback font)."""
    return Paragraph(markup(text), style)


def rich(parts: Sequence[tuple[str, bool]], style: ParagraphStyle) -> Paragraph:
    """Plain and underlined parts: the applicant's details stand out as they would when filled in by hand."""
    return Paragraph("".join(f"<u>{markup(t)}</u>" if under else markup(t) for t, under in parts), style)


CELL_PAD = 12  # left + right padding of a table cell, points


def cell(text: str, width: float, style: ParagraphStyle) -> Paragraph | str:
    """A paragraph only where one is needed (it wraps, or a rare character needs its fallback font):
    a short plain cell is drawn as a string, which costs a fraction of a wrapped paragraph."""
    if "\n" not in text and not needs_fallback(text) and text_width(text, style.fontSize) <= width - CELL_PAD:
        return text
    return para(text, style)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float]) -> Table:
    """A ruled table whose long cells wrap inside their column; the header repeats on a new page."""
    s = styles()
    scale = TEXT_W / (sum(widths_mm) * mm)
    widths = [w * mm * scale for w in widths_mm]
    data = [[para(h, s.head) for h in header]] + [[cell(c, w, s.cell) for c, w in zip(r, widths, strict=True)]
                                                  for r in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), MAIN, s.cell.fontSize, s.cell.leading),  # string cells; also keeps Helvetica out
        ("GRID", (0, 0), (-1, -1), 0.6, black),
        ("BACKGROUND", (0, 0), (-1, 0), Color(0.93, 0.93, 0.93)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return t


def facts(rows: Sequence[tuple[str, str]]) -> Table:
    """Label/value pairs (办件编号, 申请事项 …) as a light two-column table."""
    s = styles()
    t = Table([[cell(k, 32 * mm, s.cell), cell(v, TEXT_W - 32 * mm, s.cell)] for k, v in rows],
              colWidths=[32 * mm, TEXT_W - 32 * mm])
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), MAIN, s.cell.fontSize, s.cell.leading),
        ("GRID", (0, 0), (-1, -1), 0.6, black),
        ("BACKGROUND", (0, 0), (0, -1), Color(0.95, 0.95, 0.95)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return t


class SealBlock(Flowable):
    """Agency and date at the right, a dashed circle marking where the seal goes."""

    def __init__(self, agency: str, on: date):
        super().__init__()
        self.agency, self.on = agency, on
        self.height = 42 * mm

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        return avail_w, self.height

    def draw(self) -> None:
        c = self.canv
        right = self.width
        cx, cy, r = right - 30 * mm, 22 * mm, 19 * mm
        c.saveState()
        c.setStrokeColor(GREY)
        c.setDash(3, 3)
        c.circle(cx, cy, r)
        c.setFillColor(GREY)
        draw_text(c, cx, cy + r - 7 * mm, "（盖章处）", 9, "center")
        c.restoreState()
        # A long department name wraps onto lines above the date, right-aligned, never past the margin.
        lines = wrap_text(self.agency, min(self.width, 120 * mm), 13)
        for i, line in enumerate(reversed(lines)):
            draw_text(c, right, 18 * mm + i * 6.5 * mm, line, 13, "right")
        draw_text(c, right, 10 * mm, cn_date(self.on), 13, "right")


def signature_line(who: str = "申请人（签字）") -> Paragraph:
    return para(f"{who}：____________________　　日期：______年____月____日", styles().plain)


def heading(snapshot: DocumentSnapshot, title: str) -> list[Flowable]:
    s = styles()
    return [para(title, s.title), para(snapshot.doc_number, s.number)]


def closing(snapshot: DocumentSnapshot, *, applicant_signs: bool) -> list[Flowable]:
    block: list[Flowable] = [Spacer(1, 4 * mm)]
    if applicant_signs:
        block += [signature_line(), Spacer(1, 2 * mm)]
    block.append(SealBlock(snapshot.agency, snapshot.issued_at.date()))
    return [KeepTogether(block)]


def _decorate(c: Canvas, snapshot: DocumentSnapshot, copy: CopyMark | None) -> None:
    """Per page: barcode and case number, QR and its caption, copy mark, contact line."""
    top = PAGE_H - 18 * mm
    draw_code128(c, MARGIN_X, top - 12 * mm, snapshot.case_number, 62 * mm, 12 * mm)
    c.setFillColor(black)
    draw_text(c, MARGIN_X, top - 17 * mm, f"办件编号 {snapshot.case_number}", 9.5)
    qr = 24 * mm
    draw_qr(c, PAGE_W - MARGIN_X - qr, top - qr + 2 * mm, snapshot.progress_url, qr)
    draw_text(c, PAGE_W - MARGIN_X - qr / 2, top - qr - 1.5 * mm, "扫码查询办理进度", 8, "center")
    if copy is not None:
        c.saveState()
        c.setFillColor(COPY_RED)
        c.setStrokeColor(COPY_RED)
        # Under the code band, above the title: seen first, covering nothing.
        w = draw_text(c, PAGE_W / 2, top - 27 * mm, copy.text(), 11, "center")
        c.rect(PAGE_W / 2 - w / 2 - 3 * mm, top - 29.5 * mm, w + 6 * mm, 7.5 * mm, stroke=1, fill=0)
        c.restoreState()
    c.setFillColor(GREY)
    contact = f"{snapshot.hall_name}　{snapshot.window_no}　咨询电话 {snapshot.window_phone}".strip()
    draw_text(c, MARGIN_X, 12 * mm, contact, 9)
    c.setFillColor(black)


def _numbered_canvas(snapshot: DocumentSnapshot, copy: CopyMark | None) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds the pages until the end so each can say 第 x 页 共 y 页."""

        def __init__(self, *args: object, **kwargs: object):
            kwargs["initialFontName"] = MAIN  # no unembedded Helvetica in the file
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 — reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for n, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, snapshot, copy)
                if total > 1:
                    draw_text(self, PAGE_W - MARGIN_X, 12 * mm, f"第 {n} 页 共 {total} 页", 9.5, "right")
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(snapshot: DocumentSnapshot, title: str, story: list[Flowable], copy: CopyMark | None) -> tuple[bytes, int]:
    """The PDF bytes and the page count. invariant=1: the same snapshot gives the same bytes."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=title, author=snapshot.agency, subject=snapshot.case_number,
        creator="ClerkDesk 窗口受理台", invariant=1, initialFontName=MAIN,
    )
    pages: list[int] = []
    doc.build(story, canvasmaker=_numbered_canvas(snapshot, copy),
              onLaterPages=lambda c, d: pages.append(d.page), onFirstPage=lambda c, d: pages.append(d.page))
    return buf.getvalue(), len(pages)

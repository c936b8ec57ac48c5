"""The courier's daily collection list (邮件交寄清单, issue 14): every certificate the hall mails that
day, one row each, with the tracking number as a Code 128 barcode the courier's collector scans
on the row itself; the count; and lines for the hall's clerk and the collector to sign.

Not one case's document, so no case barcode or progress QR: the title heads the first page,
and a running line (hall, list, day) heads the others. The page is the notices' page (fonts,
rules, pagination from printing/layout.py) with narrower margins for a seven-column table. A
row is never split; the table header repeats on every page; 第 x 页 共 y 页 at every foot.
Phones are printed masked only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.documents import DOCUMENT_TITLES, CopyMark, DocumentKind, DocumentSnapshot, MailingLine
from printing.closing import Blank, closing, draw_blank
from printing.codes import code128_modules, draw_code128
from printing.fonts import BOLD_STROKE, MAIN, register_fonts, text_width
from printing.handover import safe_phone
from printing.layout import (
    COPY_RED,
    GREY,
    HEAD_FILL,
    LABEL_FILL,
    NUMBER,
    PAD_X,
    PLAIN,
    TITLE,
    CellExtra,
    Item,
    Pen,
    Style,
    cn_date,
    draw_pages,
    draw_training_mark,
    keep_with_next,
    paginate,
    para,
    ruled_row,
    space,
    text_baseline,
)

PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
LIST_W = PAGE_W - 2 * MARGIN_X
LIST_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM

CELL = Style(9, 13)  # 小五: seven columns on a portrait page
CELL_CENTER = Style(9, 13, align="center")
HEAD = Style(9, 13, align="center", bold=True)
LABEL = Style(10.5, 15)
HEADER = ("序号", "办件编号", "收件人", "地址", "电话", "快递单号", "事项")
WIDTHS_MM = (10, 33, 16, 36, 21, 44, 20)  # 180 mm
ALIGN = ("center", "center", "left", "left", "center", "center", "left")
TRACKING_COL = 5
CODE_H = 9 * mm  # the bars: tall enough for a hand scanner at a slant
CODE_GAP = 1.2 * mm
QUIET_MODULES = 11  # clear space each side of the bars (Code 128 asks for 10)


def _code_width(value: str, cell_w: float) -> float:
    """The bars' width in a cell: the cell less its quiet zones, at most 0.33 mm a module."""
    modules = len(code128_modules(value))
    return min(cell_w * modules / (modules + 2 * QUIET_MODULES), modules * 0.33 * mm)


def _tracking_code(column: int, value: str) -> CellExtra | None:
    """The tracking number's bars under its text, centred in the cell."""
    if not value:
        return None

    def draw(p: Pen, left: float, y: float, w: float) -> None:
        bar_w = _code_width(value, w)
        draw_code128(p.c, left + (w - bar_w) / 2, y - CODE_GAP - CODE_H, value, bar_w, CODE_H)

    return CellExtra(column, CODE_GAP + CODE_H, draw)


def _widths() -> list[float]:
    scale = LIST_W / (sum(WIDTHS_MM) * mm)
    widths = [w * mm * scale for w in WIDTHS_MM]
    for i, h in enumerate(HEADER):  # a header never wraps
        need = text_width(h, HEAD.size) + HEAD.size * BOLD_STROKE + 2 * PAD_X + 1
        if widths[i] < need:
            j = max(range(len(widths)), key=lambda k: widths[k])
            widths[j] -= need - widths[i]
            widths[i] = need
    return widths


def _table(lines: Sequence[MailingLine]) -> list[Item]:
    widths = _widths()
    styles = [CELL_CENTER if a == "center" else CELL for a in ALIGN]
    head = ruled_row(HEADER, widths, [HEAD] * len(HEADER), [HEAD_FILL] * len(HEADER))
    head.keep_next = True
    rows = []
    for n, m in enumerate(lines, 1):
        row = ruled_row([str(n), m.case_number, m.addressee, m.address, safe_phone(m.phone_masked), m.tracking_no, m.item_name],
                   widths, styles, [None] * len(HEADER), _tracking_code(TRACKING_COL, m.tracking_no))
        row.header = head
        rows.append(row)
    return [head, *rows]


def couriers(lines: Sequence[MailingLine]) -> list[str]:
    """The couriers on the list, each once, in the order they first appear."""
    return list(dict.fromkeys(m.courier for m in lines if m.courier))


def _summary(s: DocumentSnapshot) -> list[Item]:
    """交寄单位 / 交寄日期 / 快递公司 / 件数, two pairs a row."""
    label_w, value_w = 24 * mm, LIST_W / 2 - 24 * mm
    widths = [label_w, value_w, label_w, value_w]
    styles = [LABEL] * 4
    fills = [LABEL_FILL, None, LABEL_FILL, None]
    return [ruled_row(["交寄单位", s.hall_name, "交寄日期", cn_date(s.issued_at.date())], widths, styles, fills),
            ruled_row(["快递公司", "、".join(couriers(s.mailing)) or "—", "邮件件数", f"{len(s.mailing)}件"], widths, styles, fills)]


SIGN_ROWS: tuple[Blank, ...] = (
    [("交寄经办人（签字）：", 40), ("      快递揽收人（签字）：", 40)],
    [("交接时间：", 0), ("", 14), ("年", 0), ("", 8), ("月", 0), ("", 8), ("日", 0), ("", 8), ("时", 0), ("", 8), ("分", 0),
     ("      揽收人联系电话：", 36)],
)


def _sign_off() -> list[Item]:
    items = []
    for n, row in enumerate(SIGN_ROWS):
        gap = 8 * mm if n == 0 else 0.0

        def draw(p: Pen, x: float, top: float, row: Blank = row, gap: float = gap) -> None:
            draw_blank(p, x, text_baseline(top - gap, LABEL), row, LABEL.size)

        items.append(Item(gap + LABEL.leading * 1.8, draw))
    return items


def mailing_story(s: DocumentSnapshot) -> list[Item]:
    title = DOCUMENT_TITLES[DocumentKind.MAILING_LIST]
    head = [*para(title, TITLE, width=LIST_W)]
    head += para(s.doc_number, NUMBER, width=LIST_W) if s.doc_number else space(4 * mm)
    lines = s.mailing
    body = [
        *_summary(s),
        *space(5 * mm),
        *(_table(lines) if lines else para("当日无交寄邮件。", PLAIN, width=LIST_W)),
        *space(4 * mm),
        *para(f"以上共计{len(lines)}件，已逐件核对快递单号并当面交接，交接后由快递企业负责投递。", Style(10.5, 18),
              width=LIST_W),
    ]
    return [*keep_with_next(head), *closing(body, _sign_off())]


def _decorate(p: Pen, s: DocumentSnapshot, copy: CopyMark | None, page: int, total: int) -> None:
    """Per page: a running head after the first, the copy mark, the contact line and the page number."""
    draw_training_mark(p.c, s, PAGE_W, PAGE_H)
    day = cn_date(s.issued_at.date())
    if page > 1:
        p.text(MARGIN_X, PAGE_H - 16 * mm, f"{s.hall_name}　{DOCUMENT_TITLES[DocumentKind.MAILING_LIST]}　{day}", 9,
               colour=GREY)
        p.text(PAGE_W - MARGIN_X, PAGE_H - 16 * mm, s.doc_number, 9, "right", colour=GREY)
    if copy is not None:
        # Centred over the page, above the title (page 1) or the running head: seen first, covering nothing.
        w = p.text(PAGE_W / 2, PAGE_H - 8 * mm, copy.text(), 10, "center", colour=COPY_RED)
        p.c.saveState()
        p.c.setStrokeColor(COPY_RED)
        p.c.rect(PAGE_W / 2 - w / 2 - 2 * mm, PAGE_H - 10 * mm, w + 4 * mm, 6 * mm, stroke=1, fill=0)
        p.c.restoreState()
    contact = f"{s.hall_name}　{s.window_no}　咨询电话 {s.window_phone}".strip()
    p.text(MARGIN_X, 12 * mm, contact, 9, colour=GREY)
    p.text(PAGE_W - MARGIN_X, 12 * mm, f"第 {page} 页 共 {total} 页", 9.5, "right", colour=GREY)


def build_mailing_pdf(s: DocumentSnapshot, copy: CopyMark | None = None) -> tuple[bytes, int]:
    """The PDF bytes and the page count; the same snapshot gives the same bytes."""
    register_fonts()
    pages = paginate(mailing_story(s), LIST_H)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=MAIN)
    c.setTitle(DOCUMENT_TITLES[DocumentKind.MAILING_LIST])
    c.setAuthor(s.hall_name)
    c.setSubject(f"{s.hall_name} {cn_date(s.issued_at.date())}")
    c.setCreator("ClerkDesk 窗口受理台")
    draw_pages(c, pages, lambda pen, n, total: _decorate(pen, s, copy, n, total), MARGIN_X, PAGE_H - MARGIN_TOP)
    c.save()
    return buf.getvalue(), len(pages)

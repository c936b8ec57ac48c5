"""Paper certificates (证照) on pre-printed stock: only the values are printed, each at the
position its certificate type defines in `resources/certificates/<type>.json` (millimetres
from the top-left corner of the stock), moved by the printer's calibration offset.

The calibration page outlines every box of a type with its label and draws millimetre rulers,
so the clerk prints it on plain paper, lays it over a blank form against the light and reads
how far off the printer feeds.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.config import resources_dir
from app.documents import CHECKS, SOURCES, CertificateFieldSpec, DocumentSnapshot
from app.rules.problems import Problem, RuleError
from printing.fonts import MAIN, draw_text, register_fonts, text_width, wrap_text
from printing.layout import draw_training_mark

FORMAT = "clerkdesk.certificate/v1"
SHRINK_TO = 0.75  # a long value shrinks to 3/4 of its size at most, then wraps: it must stay readable


@dataclass(frozen=True)
class FieldBox:
    key: str
    label: str
    x_mm: float
    y_mm: float
    width_mm: float
    font_size: float
    align: str = "left"
    source: str = "case"  # applicant | case | back_office | clerk — where the value comes from
    required: bool = True
    check: str = "text"  # text | credit_code

    def spec(self) -> CertificateFieldSpec:
        return CertificateFieldSpec(self.key, self.label, self.source, self.required, self.check)


@dataclass(frozen=True)
class CertificateType:
    type: str
    name: str
    width_mm: float
    height_mm: float
    items: tuple[str, ...]
    fields: tuple[FieldBox, ...]


def _bad(path: Path, why: str) -> RuleError:
    return RuleError(Problem("CERTIFICATE_TEMPLATE_INVALID", f"证照套打模板 {path.name} 有误：{why}。请联系信息中心。"))


def load_certificate_type(path: Path) -> CertificateType:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise _bad(path, f"无法读取（{err}）") from err
    if data.get("format") != FORMAT:
        raise _bad(path, f"格式应为 {FORMAT}")
    try:
        page = data["page"]
        fields = tuple(FieldBox(f["key"], f["label"], float(f["x_mm"]), float(f["y_mm"]), float(f["width_mm"]),
                                float(f.get("font_size", 12)), f.get("align", "left"), f.get("source", "case"),
                                bool(f.get("required", True)), f.get("check", "text")) for f in data["fields"])
        ct = CertificateType(data["type"], data["name"], float(page["width_mm"]), float(page["height_mm"]),
                             tuple(data.get("items", ())), fields)
    except (KeyError, TypeError, ValueError) as err:
        raise _bad(path, f"缺少或错误的项 {err}") from err
    for f in ct.fields:
        if f.source not in SOURCES:
            raise _bad(path, f"“{f.label}”的来源 {f.source} 无效（应为 {'、'.join(SOURCES)}）")
        if f.check not in CHECKS:
            raise _bad(path, f"“{f.label}”的校验 {f.check} 无效")
        if f.align not in ("left", "center", "right"):
            raise _bad(path, f"“{f.label}”的对齐方式 {f.align} 无效")
        if f.x_mm < 0 or f.y_mm < 0 or f.x_mm + f.width_mm > ct.width_mm or f.y_mm > ct.height_mm:
            raise _bad(path, f"“{f.label}”超出纸张范围")
    return ct


@cache
def certificate_types() -> tuple[CertificateType, ...]:
    folder = resources_dir() / "certificates"
    return tuple(load_certificate_type(p) for p in sorted(folder.glob("*.json")))


def certificate_type(name: str) -> CertificateType:
    for ct in certificate_types():
        if ct.type == name:
            return ct
    raise RuleError(Problem("CERTIFICATE_TYPE_UNKNOWN", f"没有名为 {name} 的证照套打模板。"))


def certificate_type_for_item(item_code: str) -> str | None:
    return next((ct.type for ct in certificate_types() if item_code in ct.items), None)


def certificate_form(name: str) -> tuple[CertificateFieldSpec, ...]:
    """What the pick-up clerk sees before printing: each field, where it comes from, its check."""
    return tuple(f.spec() for f in certificate_type(name).fields)


def fit_lines(text: str, width: float, size: float) -> tuple[list[str], float]:
    """Shrink a little to keep one line; if that is not enough, wrap by character."""
    smallest = size * SHRINK_TO
    while size - 0.5 >= smallest and text_width(text, size) > width:
        size -= 0.5
    if text_width(text, size) <= width:
        return [text], size
    return wrap_text(text, width, size), size


def _draw_value(c: Canvas, box: FieldBox, value: str, page_h: float, dx: float, dy: float) -> None:
    lines, size = fit_lines(value, box.width_mm * mm, box.font_size)
    x = box.x_mm * mm + dx
    x = {"left": x, "center": x + box.width_mm * mm / 2, "right": x + box.width_mm * mm}[box.align]
    y = page_h - box.y_mm * mm - dy
    for line in lines:
        draw_text(c, x, y, line, size, box.align)
        y -= size * 1.25


def _canvas(buf: io.BytesIO, ct: CertificateType, title: str) -> Canvas:
    register_fonts()
    c = Canvas(buf, pagesize=(ct.width_mm * mm, ct.height_mm * mm), invariant=1, initialFontName=MAIN)
    c.setTitle(title)
    c.setCreator("ClerkDesk 窗口受理台")
    return c


def render_certificate_pdf(s: DocumentSnapshot, offset_mm: tuple[float, float]) -> bytes:
    """Values only, at their boxes, moved right by offset x and down by offset y (mm)."""
    ct = certificate_type(s.certificate_type)
    values = {f.key: f.value for f in s.certificate_fields}
    buf = io.BytesIO()
    c = _canvas(buf, ct, f"{ct.name} {s.case_number}")
    c.setSubject(s.case_number)
    page_h = ct.height_mm * mm
    for box in ct.fields:
        if values.get(box.key):
            _draw_value(c, box, values[box.key], page_h, offset_mm[0] * mm, offset_mm[1] * mm)
    draw_training_mark(c, s, ct.width_mm * mm, page_h)
    c.showPage()
    c.save()
    return buf.getvalue()


def _rulers(c: Canvas, w: float, h: float) -> None:
    c.setLineWidth(0.3)
    for n in range(0, int(w / mm) + 1):
        tick = 4 if n % 10 == 0 else (2.5 if n % 5 == 0 else 1.2)
        c.line(n * mm, h, n * mm, h - tick * mm)
        if n % 10 == 0 and 0 < n:
            draw_text(c, n * mm, h - 7 * mm, str(n), 6, "center")
    for n in range(0, int(h / mm) + 1):
        tick = 4 if n % 10 == 0 else (2.5 if n % 5 == 0 else 1.2)
        c.line(0, h - n * mm, tick * mm, h - n * mm)
        if n % 10 == 0 and 0 < n:
            draw_text(c, 5 * mm, h - n * mm - 2, str(n), 6)


def render_calibration_pdf(type_name: str, offset_mm: tuple[float, float]) -> bytes:
    ct = certificate_type(type_name)
    buf = io.BytesIO()
    c = _canvas(buf, ct, f"套打校准页 {ct.name}")
    w, h = ct.width_mm * mm, ct.height_mm * mm
    _rulers(c, w, h)
    dx, dy = offset_mm[0] * mm, offset_mm[1] * mm
    c.setStrokeColor(Color(0.1, 0.3, 0.7))
    for box in ct.fields:
        x, y = box.x_mm * mm + dx, h - box.y_mm * mm - dy
        c.rect(x, y - 2 * mm, box.width_mm * mm, box.font_size * 1.3 + 2 * mm, stroke=1, fill=0)
        c.line(x - 3 * mm, y, x + 3 * mm, y)  # the value's baseline starts here
        c.line(x, y - 3 * mm, x, y + 3 * mm)
        c.setFillColor(Color(0.1, 0.3, 0.7))
        draw_text(c, x + 1.5 * mm, y + 1 * mm, f"{box.label}（{box.x_mm:g}, {box.y_mm:g} mm）", 8)
    c.setFillColor(black)
    # At the foot, clear of every box.
    draw_text(c, w / 2, 24 * mm, f"套打校准页 · {ct.name}", 14, "center")
    draw_text(c, w / 2, 17 * mm, f"当前偏移：横向 {offset_mm[0]:+g} mm，纵向 {offset_mm[1]:+g} mm", 11, "center")
    draw_text(c, w / 2, 10 * mm, "将本页与空白证照重叠对光查看：蓝框应落在证照的填写格内；偏右或偏下几毫米，就把偏移减去几毫米。",
              8.5, "center")
    c.showPage()
    c.save()
    return buf.getvalue()


"""A signature to a PNG image (QImage + QPainter: usable off the UI thread and without a window)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLineF, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from devices.signature.model import Signature

INK = "#10185a"  # dark blue-black, like a signing pen


def pen_width(pressure: float, base: float) -> float:
    """Harder pressure, wider line: 0.4× at a touch, 1.6× pressed hard, 1× with no pressure data."""
    return base * (0.4 + 1.2 * max(0.0, min(1.0, pressure)))


def paint(painter: QPainter, signature: Signature, scale: float = 1.0, base_width: float = 3.0,
          ink: str = INK) -> None:
    """Draw the strokes; shared by the PNG renderer and the on-screen pad.

    Segments are grouped by line width (quarter-pixel steps) and drawn with one drawLines call
    per width: a few dozen calls into Qt for a whole signature instead of one per segment (and
    round caps join the segments of a stroke seamlessly)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    brush = QBrush(QColor(ink))
    lines: dict[int, list[QLineF]] = {}
    dots: dict[int, list[QPointF]] = {}
    for stroke in signature.strokes:
        if len(stroke) == 1:
            pt = stroke[0]
            key = max(1, round(pen_width(pt.pressure, base_width) * scale * 4))
            dots.setdefault(key, []).append(QPointF(pt.x * scale, pt.y * scale))
        for a, b in zip(stroke, stroke[1:], strict=False):
            key = max(1, round(pen_width((a.pressure + b.pressure) / 2, base_width) * scale * 4))
            lines.setdefault(key, []).append(QLineF(a.x * scale, a.y * scale, b.x * scale, b.y * scale))
    for key in sorted(set(lines) | set(dots)):
        painter.setPen(QPen(brush, key / 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        if key in lines:
            painter.drawLines(lines[key])
        if key in dots:
            painter.drawPoints(dots[key])  # a round-capped point is a dot of the pen's width


def render_image(signature: Signature, *, scale: float = 1.0, base_width: float = 3.0, background: str | None = None,
                 ink: str = INK) -> QImage:
    image = QImage(max(1, round(signature.width * scale)), max(1, round(signature.height * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(background) if background else Qt.GlobalColor.transparent)
    painter = QPainter(image)
    paint(painter, signature, scale, base_width, ink)
    painter.end()
    return image


def render_png(signature: Signature, *, scale: float = 1.0, base_width: float = 3.0, background: str | None = None,
               ink: str = INK) -> bytes:
    """PNG bytes; transparent background unless `background` (e.g. '#ffffff') is given, so the
    image can sit on a printed form's signature line."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    render_image(signature, scale=scale, base_width=base_width, background=background, ink=ink).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())

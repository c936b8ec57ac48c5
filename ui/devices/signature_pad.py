"""An on-screen signature pad: mouse, pen (QTabletEvent, with pressure) and touch.

Strokes are kept as vectors (devices.signature.Signature: x, y, pressure, t_ms per point), so
what is stored is what was written — rendered to PNG for a form, hashed for the record. A pen
or a finger also makes the system send mouse events; those are ignored for a moment after a
pen or touch event so a line is never drawn twice.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QElapsedTimer, QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QInputDevice, QKeySequence, QPainter, QPen, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QWidget

from devices.signature.model import NO_PRESSURE, Point, Signature
from devices.signature.render import paint
from ui.widgets import named

HINT = "请在此处签名"
_SYNTHETIC_MOUSE_WINDOW_S = 0.5
_TOUCH_EVENTS = {QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel}


class SignaturePad(QWidget):
    changed = Signal()  # a stroke was finished, undone or cleared

    def __init__(self, parent: QWidget | None = None, *, pen_width: float = 3.0):
        super().__init__(parent)
        named(self, "signature_pad", "签名板：请用笔、手指或鼠标签名")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(360, 140)
        self.pen_width = pen_width
        self._strokes: list[tuple[Point, ...]] = []
        self._current: list[Point] | None = None
        self._source = ""
        self._clock = QElapsedTimer()  # t_ms counts from the signature's first point
        self._last_native = 0.0  # monotonic time of the last pen/touch event

    # --- the signature -------------------------------------------------------------------
    def signature(self) -> Signature:
        return Signature(tuple(self._strokes), self.width(), self.height())

    def is_empty(self) -> bool:
        return not self._strokes

    def set_signature(self, signature: Signature) -> None:
        """Show a stored signature (read-only use: new strokes would be added to it)."""
        self._strokes = [tuple(s) for s in signature.strokes]
        self._current = None
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        self._strokes, self._current = [], None
        self._clock.invalidate()
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self.update()
            self.changed.emit()

    # --- strokes -------------------------------------------------------------------------
    def _t(self) -> int:
        if not self._clock.isValid():
            self._clock.start()
        return int(self._clock.elapsed())

    def _begin(self, pos: QPointF, pressure: float, source: str) -> None:
        self._source = source
        self._current = [Point(pos.x(), pos.y(), pressure, self._t())]
        self.update()

    def _extend(self, pos: QPointF, pressure: float) -> None:
        if self._current is None:
            return
        last = self._current[-1]
        if (last.x, last.y) == (pos.x(), pos.y()):
            return  # no movement: keep the vector form small
        self._current.append(Point(pos.x(), pos.y(), pressure, self._t()))
        self.update()

    def _end(self) -> None:
        if self._current:
            self._strokes.append(tuple(self._current))
            self._current = None
            self.update()
            self.changed.emit()
        self._current = None

    def _cancel(self) -> None:
        self._current = None
        self.update()

    # --- mouse ---------------------------------------------------------------------------
    def _synthetic(self) -> bool:
        return time.monotonic() - self._last_native < _SYNTHETIC_MOUSE_WINDOW_S

    def mousePressEvent(self, event) -> None:  # noqa: ANN001
        if event.button() == Qt.MouseButton.LeftButton and not self._synthetic():
            self._begin(event.position(), NO_PRESSURE, "mouse")
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: ANN001
        if self._source == "mouse" and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), NO_PRESSURE)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: ANN001
        if self._source == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position(), NO_PRESSURE)
            self._end()
            self._source = ""
        event.accept()

    # --- pen -----------------------------------------------------------------------------
    def tabletEvent(self, event: QTabletEvent) -> None:
        self._last_native = time.monotonic()
        if event.pointerType() == QPointingDevice.PointerType.Eraser:
            event.accept()  # the pen's eraser end draws nothing
            return
        kind, pressure = event.type(), max(0.0, min(1.0, event.pressure()))
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), pressure, "pen")
        elif kind == QEvent.Type.TabletMove and self._source == "pen":
            self._extend(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease and self._source == "pen":
            self._end()
            self._source = ""
        event.accept()  # accepted: Qt sends no mouse event for it

    # --- touch ---------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() not in _TOUCH_EVENTS:
            return super().event(event)
        self._last_native = time.monotonic()
        points = event.points()
        if points:
            point = points[0]  # one finger signs; a second one is ignored
            has_pressure = bool(event.device().capabilities() & QInputDevice.Capability.Pressure)
            pressure = point.pressure() if has_pressure and point.pressure() > 0 else NO_PRESSURE
            kind = event.type()
            if kind == QEvent.Type.TouchBegin:
                self._begin(point.position(), pressure, "touch")
            elif kind == QEvent.Type.TouchUpdate and self._source == "touch":
                self._extend(point.position(), pressure)
            elif kind == QEvent.Type.TouchEnd and self._source == "touch":
                self._extend(point.position(), pressure)
                self._end()
                self._source = ""
            elif kind == QEvent.Type.TouchCancel:
                self._cancel()
                self._source = ""
        event.accept()
        return True

    # --- keys ----------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
        else:
            super().keyPressEvent(event)

    # --- drawing -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: ANN001
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        baseline = self.height() * 0.78
        painter.setPen(QPen(QColor("#b8b8b8"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(16, baseline), QPointF(self.width() - 16, baseline))
        strokes = list(self._strokes) + ([tuple(self._current)] if self._current else [])
        if not strokes:
            painter.setPen(QColor("#9a9a9a"))
            painter.drawText(QRectF(0, 0, self.width(), baseline - 6),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, HINT)
        paint(painter, Signature(tuple(strokes), self.width(), self.height()), base_width=self.pen_width)
        painter.end()


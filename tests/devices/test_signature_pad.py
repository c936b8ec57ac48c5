"""The on-screen signature pad with mouse, pen (QTabletEvent with pressure) and touch."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from devices.signature.render import render_png
from ui.devices.signature_pad import SignaturePad


@pytest.fixture
def pad(qtbot):
    w = SignaturePad()
    qtbot.addWidget(w)
    w.resize(600, 200)
    w.show()
    qtbot.waitExposed(w)
    return w


def drag(pad, points):
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[0]))
    for pt in points[1:]:
        QTest.mouseMove(pad, QPoint(*pt))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[-1]))


def test_mouse_drag_records_one_stroke(qtbot, pad):
    with qtbot.waitSignal(pad.changed, timeout=2000):
        drag(pad, [(50, 100), (120, 80), (200, 120), (300, 90)])
    sig = pad.signature()
    assert len(sig.strokes) == 1
    stroke = sig.strokes[0]
    assert [(pt.x, pt.y) for pt in stroke] == [(50, 100), (120, 80), (200, 120), (300, 90)]
    assert all(pt.pressure == 0.5 for pt in stroke)  # a mouse has no pressure
    assert (sig.width, sig.height) == (600, 200)


PEN = QPointingDevice("test pen", 4242, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                      QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2)


def tablet(pad, kind, x, y, pressure):
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
    ev = QTabletEvent(kind, PEN, QPointF(x, y), QPointF(pad.mapToGlobal(QPoint(x, y))), pressure, 0, 0, 0, 0, 0,
                      Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, buttons)
    QApplication.sendEvent(pad, ev)
    return ev


def test_pen_keeps_pressure_and_no_duplicate_mouse_line(pad):
    ev = tablet(pad, QEvent.Type.TabletPress, 60, 100, 0.2)
    assert ev.isAccepted()  # accepted: Qt synthesises no mouse event from it
    tablet(pad, QEvent.Type.TabletMove, 100, 90, 0.6)
    tablet(pad, QEvent.Type.TabletMove, 140, 95, 0.9)
    tablet(pad, QEvent.Type.TabletRelease, 140, 95, 0.0)
    # A system-synthesised mouse press right after the pen must not start a second stroke.
    drag(pad, [(60, 100), (140, 95)])
    sig = pad.signature()
    assert len(sig.strokes) == 1
    assert [round(pt.pressure, 2) for pt in sig.strokes[0]] == [0.2, 0.6, 0.9]


def test_touch_draws_a_stroke(pad):
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(40, 120), pad).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(90, 100), pad).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(160, 130), pad).commit()
    QTest.touchEvent(pad, device).release(0, QPoint(160, 130), pad).commit()
    sig = pad.signature()
    assert len(sig.strokes) == 1
    assert [(round(pt.x), round(pt.y)) for pt in sig.strokes[0]] == [(40, 120), (90, 100), (160, 130)]


def test_undo_and_clear(qtbot, pad):
    drag(pad, [(50, 100), (150, 100)])
    drag(pad, [(50, 150), (150, 150)])
    assert len(pad.signature().strokes) == 2
    pad.setFocus()
    QTest.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(pad.signature().strokes) == 1
    with qtbot.waitSignal(pad.changed, timeout=2000):
        pad.clear()
    assert pad.is_empty() and pad.signature().is_empty


def test_what_is_on_screen_is_what_is_stored(pad):
    drag(pad, [(50, 100), (120, 60), (200, 140), (320, 90), (400, 120)])
    shot = pad.grab().toImage()
    assert QColor(shot.pixel(120, 60)).lightness() < 120  # ink on screen where the pen went
    png = render_png(pad.signature())
    assert len(png) > 200
    assert pad.signature().sha256() == pad.signature().sha256()

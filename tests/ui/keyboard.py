"""Drive the app as a clerk does: keys go to whatever has the focus, never to a widget by name."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None, "nothing has the keyboard focus"
    return w


def type_text(text: str) -> None:
    """ASCII as real key clicks; Chinese and full-width characters as key events carrying
    the text, which is what a line edit receives when an IME commits a character."""
    for ch in text:
        w = focused()
        if ch.isascii():
            QTest.keyClicks(w, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(w, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def tab(times: int = 1) -> None:
    for _ in range(times):
        press(Qt.Key.Key_Tab)


def tab_to(object_name: str, limit: int = 60) -> None:
    """Press Tab until the named widget has the focus — as a clerk would, watching the screen."""
    path = []
    for _ in range(limit):
        path.append(focused().objectName())
        if path[-1] == object_name:
            return
        tab()
    raise AssertionError(f"Tab never reached {object_name}; it went {' → '.join(path)}")

"""Drive the app as a clerk does: keys go to whatever has the focus, never to a widget by name."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
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


class DialogDriver:
    """Acts on the next modal dialog from the event loop (exec() blocks the test's own code).

    Why a test could hang for ever: the act ran as soon as a modal widget existed, before the
    dialog had the keyboard focus, so keys went to the window behind it; `tab_to` then raised
    inside a timer callback, Qt swallowed the exception and the dialog stayed open in exec().
    Now the act waits until the focus is inside the dialog, and any failure closes the dialog
    (reject) and is raised again by `check()` in the test."""

    def __init__(self, act, give_up_ms: int = 10_000):  # noqa: ANN001
        self.act, self.errors, self.ran = act, [], False
        self._left = give_up_ms // 50
        QTimer.singleShot(50, self._poll)

    def _poll(self) -> None:
        dlg = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if dlg is None or focus is None or not dlg.isAncestorOf(focus):
            self._left -= 1
            if self._left > 0:
                QTimer.singleShot(50, self._poll)
            elif dlg is not None:  # the dialog never took the focus: close it, say so
                self.errors.append(AssertionError("dialog opened but never took the keyboard focus"))
                dlg.reject()
            return
        self.ran = True
        try:
            self.act(dlg)
        except BaseException as exc:  # noqa: BLE001 — re-raised in check(), never left in exec()
            self.errors.append(exc)
            if dlg.isVisible():
                dlg.reject()

    def check(self, qtbot=None) -> None:  # noqa: ANN001
        """Raise what went wrong inside the dialog; with `qtbot`, first wait for a dialog that
        opens after a read off the UI thread."""
        if qtbot is not None:
            qtbot.waitUntil(lambda: self.ran or bool(self.errors), timeout=15_000)
        if self.errors:
            raise self.errors[0]
        assert self.ran, "the dialog never opened"


def when_dialog_opens(act) -> DialogDriver:  # noqa: ANN001
    return DialogDriver(act)

"""Small shared widget helpers."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from shiboken6 import isValid

from ui.wheel_guard import wheel_only_when_focused

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str) -> W:
    """Every interactive widget gets an objectName (tests, automation) and a Chinese
    accessibleName (screen readers); a choice or number is changed by the wheel only when the
    clerk is in it (ui/wheel_guard.py)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    wheel_only_when_focused(widget)
    return widget


class FollowingScrollArea(QScrollArea):
    """A scrolling form that brings the focused field into view, however it got focus: Qt does
    it for Tab, not for a field the screen focuses itself ("first thing to fix" after a refused
    save), which would otherwise get the clerk's keys while out of sight."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        QApplication.instance().focusChanged.connect(self._focus_moved)  # gone with this object

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        inner = self.widget()
        if new is not None and inner is not None and inner.isAncestorOf(new):
            # After the layout settles: the error banner that came with this focus shrinks the
            # viewport only then, and would hide the row scrolled to now.
            QTimer.singleShot(0, self, lambda: self._bring(new))

    def _bring(self, widget: QWidget) -> None:
        if isValid(widget) and widget.hasFocus():
            self.ensureWidgetVisible(widget)


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """The size a dialog is laid out for, or as much of it as the screen it opens on holds: a
    1366×768 screen leaves ~728 px under the taskbar, and a 760-px preview hid its 打印 button.
    The title bar is outside the size, so room is left for it."""
    screen = (window.parentWidget() or window).screen() or QApplication.primaryScreen()
    room = screen.availableGeometry()
    window.resize(min(width, room.width()), min(height, room.height() - 40))


class DelayedNotice(QObject):
    """Words that replace a "please wait" only if the wait goes on: a login that answers in a
    tenth of a second never shows them; one held up by a platform that does not answer does,
    so the clerk knows the window has not frozen and what comes next."""

    def __init__(self, label: QLabel, after_ms: int = 3000):
        super().__init__(label)
        self.label, self.text = label, ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(after_ms)
        self.timer.timeout.connect(lambda: show_message(self.label, self.text, "warn"))

    def start(self, now: str, later: str) -> None:
        """Say `now` at once (a plain "please wait"), and `later` if the wait goes on."""
        show_message(self.label, now, "ok")
        self.text = later
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


def section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("section_title")
    return label


def show_message(label: QLabel, text: str, kind: str) -> None:
    """kind: ok | warn | error — restyled through a dynamic property, objectName stays put."""
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)
    label.setVisible(bool(text))


def training_banner(ctx) -> QLabel | None:  # noqa: ANN001 — an AppContext
    """The training room's banner (setting training = 1): orange, on every screen."""
    if ctx.settings.get("training") != "1":
        return None
    return training_label(ctx.settings.get("training_banner") or TRAINING_TEXT)


TRAINING_TEXT = "培训模式：培训数据，不连接正式平台；打印的文书均加印“培训样张 无效”。"


def training_label(text: str = TRAINING_TEXT) -> QLabel:
    """The banner itself (the login window shows it before the terminal is open)."""
    label = QLabel(text)
    label.setObjectName("training_banner")
    label.setAccessibleName("培训模式提示")
    label.setStyleSheet("background:#ff9800;color:#1a1a1a;font-weight:bold;padding:6px;")
    return label

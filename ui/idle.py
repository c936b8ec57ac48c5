"""Idle lock: any key, click, wheel, pen or touch anywhere in the app counts as the clerk being
there; after `idle_lock_minutes` (a terminal setting, 0 = never) without any, `idle` fires.

The input is watched on the app's top-level windows (QWindow), where the platform delivers it
before Qt hands it to a widget, not by an application-wide event filter: such a filter sent
every event of every widget through Python, and the first of them made PySide6 build 123 enum
classes. The main window's first turn of the event loop took 35-36 ms of CPU with it and
15-19 ms without (unloaded core; ×3-4 on the slow profile's shared core), and every later
event needed the GIL, which a pushing sync thread holds most of the time (issue 15).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

from app.context import AppContext

_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                    QEvent.Type.TabletPress, QEvent.Type.TouchBegin})
CHECK_MS = 15_000  # how often the idle time is looked at: a lock a few seconds late is fine


class IdleWatcher(QObject):
    idle = Signal(int)  # the configured minutes

    def __init__(self, window: QObject, clock=time.monotonic):  # noqa: ANN001
        super().__init__(window)
        self.ctx: AppContext = window.ctx
        self._clock = clock
        self._last = clock()
        self._window = window
        self._watching = True
        window.installEventFilter(self)  # only until it is shown: then its QWindow exists (see eventFilter)
        app = QGuiApplication.instance()
        for win in app.topLevelWindows():
            self._watch(win)
        app.focusWindowChanged.connect(self._watch)  # a window shown later (a dialog) gets focus first
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt API
        kind = event.type()
        if kind in _INPUT:
            self._last = self._clock()
        elif watched is self._window and kind == QEvent.Type.Show:
            self._window.removeEventFilter(self)  # the widget's own events need not pass through Python
            self._watch(self._window.windowHandle())
        return False

    def _watch(self, win: QWindow | None) -> None:
        if win is not None:
            win.installEventFilter(self)  # Qt keeps one entry per filter: installing again is harmless

    def touch(self) -> None:
        self._last = self._clock()

    def check(self) -> None:
        minutes = self.ctx.settings.int("idle_lock_minutes")
        if minutes > 0 and self._clock() - self._last >= minutes * 60:
            self.idle.emit(minutes)

    def stop(self) -> None:
        self._timer.stop()
        app = QGuiApplication.instance()
        if app is not None and self._watching:
            self._watching = False
            app.focusWindowChanged.disconnect(self._watch)
            for win in app.topLevelWindows():
                win.removeEventFilter(self)

"""Idle lock: any key, click, wheel, pen or touch anywhere in the app counts as the clerk being
there; after `idle_lock_minutes` (a terminal setting, 0 = never) without any, `idle` fires."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

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
        QApplication.instance().installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt API
        if event.type() in _INPUT:
            self._last = self._clock()
        return False

    def touch(self) -> None:
        self._last = self._clock()

    def check(self) -> None:
        minutes = self.ctx.settings.int("idle_lock_minutes")
        if minutes > 0 and self._clock() - self._last >= minutes * 60:
            self.idle.emit(minutes)

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

"""An event-loop heartbeat: a short Qt timer whose late ticks show how long the window froze.

A clerk notices a window that stops repainting or answering keys; the gap between two ticks
of a 10 ms timer is the longest time the GUI thread could do neither.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

TICK_MS = 10


class Heartbeat(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.ticks = 0
        self.longest_gap_ms = 0.0
        self._last = 0.0

    def start(self) -> None:
        self.ticks, self.longest_gap_ms = 0, 0.0
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._tick()

    @property
    def longest_stall_ms(self) -> float:
        """The longest gap beyond the tick itself: 0 for a loop that never waited."""
        return max(0.0, self.longest_gap_ms - TICK_MS)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_gap_ms = max(self.longest_gap_ms, (now - self._last) * 1000)
        self._last = now
        self.ticks += 1

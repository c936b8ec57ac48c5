"""UI-stall watchdog (debug mode): every event-loop stall over 100 ms is logged with the Python
stack that caused it, so stalls are found in the field instead of guessed.

A heartbeat timer on the GUI thread stamps the time every 20 ms; a plain Python thread
watches the stamp. When it is older than the threshold, the GUI thread is stuck: the watcher
takes the GUI thread's current frame (`sys._current_frames()`) — the code running *during* the
stall, not after it — and when the heartbeat comes back logs one WARNING on the
"clerkdesk.stall" logger with the stall's length and that stack. A stall that has not ended
after `HANG_REPORT_S` is logged at once (a clerk may kill a frozen window), and its end is
then noted at INFO.

The length is the gap between two heartbeats, so it is at most one heartbeat (20 ms) longer
than the stall itself: every stall over 100 ms is caught; one of 80–100 ms may be too.

Cost when on: one timer tick (a float store) every 20 ms on the GUI thread and a thread that
wakes as often; when off (the default) this module is not even imported (see ui/main.py).

Limit: the watcher needs the GIL to look. Python code and anything that releases the GIL
(sleep, I/O, SQLite, most Qt calls) let it in within the interpreter's switch interval; a
single C call that holds the GIL for the whole stall is only seen when it returns, and the
stack then shows the frame that made that call, or nothing if it already returned.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer

log = logging.getLogger("clerkdesk.stall")

THRESHOLD_MS = 100
HEARTBEAT_MS = 20
HANG_REPORT_S = 2.0


class StallWatchdog(QObject):
    """Create and `start()` on the GUI thread; `stop()` (or the app quitting) ends the watcher."""

    def __init__(self, threshold_ms: float = THRESHOLD_MS, heartbeat_ms: int = HEARTBEAT_MS,
                 hang_report_s: float = HANG_REPORT_S, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold_s = threshold_ms / 1000
        self.heartbeat_s = heartbeat_ms / 1000
        self.hang_report_s = hang_report_s
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may be 5% late by design
        self._timer.setInterval(heartbeat_ms)
        self._timer.timeout.connect(self._beat)
        self._last = time.monotonic()
        self._gui_thread = 0
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        self._gui_thread = threading.get_ident()  # the thread the event loop runs on
        self._last = time.monotonic()
        self._stopping.clear()
        self._timer.start()
        self._watcher = threading.Thread(target=self._watch, name="clerkdesk-stall-watchdog", daemon=True)
        self._watcher.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        log.info("stall watchdog on: event-loop stalls over %.0f ms are logged with their stack",
                 self.threshold_s * 1000)

    def stop(self) -> None:
        self._timer.stop()
        self._stopping.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=1.0)
        self._watcher = None

    def _beat(self) -> None:
        self._last = time.monotonic()  # one float store: the GIL makes it atomic for the watcher

    # --- the watcher thread --------------------------------------------------------------
    def _watch(self) -> None:
        stalled_since: float | None = None  # the last heartbeat before the current stall
        stack: list[str] = []
        hang_logged = False
        while not self._stopping.wait(self.heartbeat_s):
            last = self._last
            if stalled_since is None:
                # The gap since the last tick bounds the stall from above: no stall over the
                # threshold goes unseen (see the module docstring).
                if time.monotonic() - last > self.threshold_s:
                    stalled_since, stack, hang_logged = last, self._gui_stack(), False
                continue
            if last != stalled_since:  # the loop turned again: the stall is over
                stall_ms = (last - stalled_since) * 1000
                if hang_logged:
                    log.info("UI thread answered again after a %.0f ms stall", stall_ms)
                else:
                    self._report(f"UI event loop stalled for {stall_ms:.0f} ms", stall_ms, stack)
                stalled_since = None
            elif not hang_logged and time.monotonic() - stalled_since > self.hang_report_s:
                stall_ms = (time.monotonic() - stalled_since) * 1000
                self._report(f"UI event loop stalled for {stall_ms:.0f} ms and still stalled", stall_ms,
                             self._gui_stack() or stack)
                hang_logged = True

    def _gui_stack(self) -> list[str]:
        frame = sys._current_frames().get(self._gui_thread)
        return traceback.format_stack(frame) if frame is not None else []

    def _report(self, what: str, stall_ms: float, stack: list[str]) -> None:
        where = "".join(stack).rstrip() or "  (no Python code was running on the UI thread)"
        log.warning("%s; the UI thread's Python stack during the stall:\n%s", what, where,
                    extra={"stall_ms": round(stall_ms), "stall_stack": stack})


def start_stall_watchdog(app: QCoreApplication) -> StallWatchdog:
    """Start a watchdog owned by `app` (it lives as long as the app, stops when it quits)."""
    dog = StallWatchdog(parent=app)
    dog.start()
    return dog

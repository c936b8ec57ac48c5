"""Long work off the UI thread, then one broadcast of what changed (after Anki's
aqt/operations): views subscribe to `changed(changes, initiator)` and refresh only what they
show — and skip a change they caused themselves (they updated in their own `on_done`)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.changes import OpResult
from app.errors import ClerkDeskError, StorageError

log = logging.getLogger("clerkdesk.ui")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.fn, self.signals = fn, signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 — every failure must reach the clerk, not kill the thread
            if isinstance(exc, StorageError):
                log.error("storage %s: %s", exc.code, exc.detail)
            elif not isinstance(exc, ClerkDeskError):
                log.error("operation failed: %s", traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class Operations(QObject):
    """Runs writes one at a time in order (like a single database writer) and reads in parallel."""

    changed = Signal(object, object)  # Changes, initiator (the view or component that asked; or None)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(2)
        self._pending = 0
        self._writing = 0
        self._closed = False
        self._keep: set[_Signals] = set()

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """On close: let a save that has started finish (the clerk was told "正在保存"),
        then ignore results that would land on widgets already gone."""
        self._writes.waitForDone(timeout_ms)
        self._reads.waitForDone(timeout_ms)
        self._closed = True

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def writing(self) -> bool:
        """A save is under way: a second decision must wait for it (reads never block)."""
        return self._writing > 0

    def run_write(self, fn: Callable[[], OpResult], on_done: Callable[[Any], None] | None = None,
                  on_error: Callable[[Exception], None] | None = None, initiator: object | None = None) -> None:
        """`fn` returns an OpResult; its changes are broadcast after `on_done` runs, with the
        `initiator` so the view that asked can skip what it already shows."""
        def done(result: OpResult) -> None:
            self._writing -= 1
            if on_done:
                on_done(result.value)
            if isinstance(result, OpResult) and not result.changes.empty:
                self.changed.emit(result.changes, initiator)

        def failed(exc: Exception) -> None:
            self._writing -= 1
            if on_error:
                on_error(exc)
            else:
                log.error("unhandled write error: %r", exc)

        self._writing += 1
        self._start(self._writes, fn, done, failed)

    def run_read(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                 on_error: Callable[[Exception], None] | None = None) -> None:
        self._start(self._reads, fn, on_done, on_error)

    def _start(self, pool: QThreadPool, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None] | None) -> None:
        signals = _Signals()
        self._keep.add(signals)  # keep the QObject alive until its job reports back

        def finish() -> None:
            self._keep.discard(signals)
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)

        def ok(value: Any) -> None:
            try:
                if not self._closed:
                    on_done(value)
            finally:
                finish()

        def bad(exc: Exception) -> None:
            try:
                if self._closed:
                    log.error("operation failed after close: %r", exc)
                elif on_error:
                    on_error(exc)
                else:
                    log.error("unhandled operation error: %r", exc)
            finally:
                finish()

        signals.done.connect(ok)
        signals.failed.connect(bad)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        pool.start(_Job(fn, signals))


def error_text(exc: Exception) -> str:
    """What the clerk reads: a rule, storage or platform message as it is; anything else a calm
    sentence — never an exception's class or SQL (the details go to the log with the code)."""
    if isinstance(exc, ClerkDeskError):
        return exc.message
    return "操作未能完成，已录入的内容未丢失，请重试；如仍失败请联系信息中心（错误代码 INTERNAL）。"


def error_code(exc: Exception) -> str:
    return exc.code if isinstance(exc, ClerkDeskError) else "INTERNAL"


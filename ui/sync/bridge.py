"""The sync thread's callbacks as Qt signals.

SyncScheduler calls back on its own thread; a signal emitted there reaches slots of objects
living in the GUI thread through a queued connection, so widgets are only ever touched by the
GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.context import AppContext
from sync.scheduler import SyncScheduler, SyncStatus


class SyncBridge(QObject):
    status_changed = Signal(object)  # SyncStatus
    changes_arrived = Signal(object)  # app.changes.Changes pulled from the platform

    def __init__(self, ctx: AppContext, parent: QObject | None = None, interval_seconds: float | None = None,
                 batch_size: int | None = None):
        super().__init__(parent)
        self.scheduler = SyncScheduler(ctx, on_status=self.status_changed.emit, on_changes=self.changes_arrived.emit,
                                       interval_seconds=interval_seconds, batch_size=batch_size)

    @property
    def status(self) -> SyncStatus:
        return self.scheduler.status

    def start(self) -> None:
        self.scheduler.start()

    def sync_now(self) -> None:
        self.scheduler.sync_now()

    def refresh_counts(self) -> None:
        """Re-read the queue counts (a cheap read); call it off the GUI thread."""
        self.scheduler.refresh()

    def stop(self) -> None:
        self.scheduler.stop()

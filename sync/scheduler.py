"""The sync thread: runs a cycle every `sync_interval_seconds` and whenever `sync_now()` is
asked, and reports through callbacks. The UI turns the callbacks into Qt signals (they are
called on the sync thread — never touch a widget from them directly).

    scheduler = SyncScheduler(ctx, on_status=..., on_changes=...)
    scheduler.start()
    scheduler.sync_now()          # returns at once; the cycle runs on the sync thread
    scheduler.status              # the last SyncStatus, any thread
    scheduler.stop()              # ends a running HTTP wait quickly and joins the thread

No call here blocks the caller on the network.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from app.changes import Changes
from app.context import AppContext
from app.rules.problems import Problem
from app.usecases.sync_state import PushSummary, queue_counts, sync_overview
from sync.connection import NotConfigured, open_api
from sync.cycle import SyncReport, run_once
from sync.http import HttpSettings, PlatformError, PlatformNoAnswer, SyncCancelled
from sync.uploader import UploadSummary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    configured: bool  # a platform address is set (otherwise the terminal works offline only)
    online: bool | None  # None until the first cycle has tried
    syncing: bool
    last_sync_at: datetime | None  # the last cycle that reached the platform without error
    queued: int  # events waiting for the platform
    attention: int  # rejected events waiting for a person
    last_error: Problem | None
    last_report: SyncReport | None = None
    attachments: int = 0  # scanned pages waiting for the platform

    @property
    def light(self) -> str:
        """green / yellow / red / grey — for the status-bar light."""
        if not self.configured or self.online is None:
            return "grey"  # no platform, or not reached yet: nothing to claim either way
        if self.online is False:
            return "red"
        return "yellow" if self.attention or self.last_error else "green"


StatusCallback = Callable[[SyncStatus], None]
ChangesCallback = Callable[[Changes], None]


class SyncScheduler:
    def __init__(self, ctx: AppContext, on_status: StatusCallback | None = None,
                 on_changes: ChangesCallback | None = None, interval_seconds: float | None = None,
                 batch_size: int | None = None, http: HttpSettings | None = None):
        """`http`: the calls' timeouts and retries (default: the terminal's own)."""
        self.ctx = ctx
        self._http = http
        self._on_status = on_status
        self._on_changes = on_changes
        self._interval = interval_seconds
        self._batch_size = batch_size
        self._wake = threading.Event()
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = self._initial_status()
        self.cycles = 0  # cycles run so far: lets a caller know the thread has looked at its settings once

    # --- public API ---------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="clerkdesk-sync", daemon=True)
        self._thread.start()
        self._emit(self.status)

    def sync_now(self) -> None:
        """Ask for a cycle as soon as possible. Returns at once."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread: a wait for a retry ends at once, an HTTP call in progress ends at
        its timeout. What was sent but not answered goes again at the next start."""
        self._cancel.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def refresh(self) -> None:
        """Re-read queued/attention counts (e.g. after the clerk saved a case); cheap, no network."""
        self._update(**self._counts())

    # --- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._cancel.is_set():
            self._cycle()
            self.cycles += 1
            self._wake.wait(self._interval_seconds())
            self._wake.clear()

    def _interval_seconds(self) -> float:
        return self._interval if self._interval is not None else max(5, self.ctx.settings.int("sync_interval_seconds"))

    def _cycle(self) -> None:
        if not self.ctx.settings.get("platform_url"):
            self._update(configured=False, online=None, **self._counts())
            return
        self._update(configured=True, syncing=True)
        report: SyncReport | None = None
        try:
            api = open_api(self.ctx, cancel=self._cancel, settings=self._http, on_retry=self._on_retry)
            try:
                report = run_once(self.ctx, api, on_batch=self._on_batch, batch_size=self._batch_size,
                                  on_upload=self._on_upload)
            finally:
                api.close()
        except SyncCancelled:
            self._update(syncing=False)
            return
        except NotConfigured as err:
            self._update(syncing=False, online=None, last_error=err.as_problem(), **self._counts())
            return
        except Exception as err:  # noqa: BLE001 - the sync thread must survive anything and say so
            log.exception("sync cycle failed")
            problem = getattr(err, "problems", [Problem("SYNC_FAILED", f"同步出错：{err}")])[0]
            self._update(syncing=False, last_error=problem, **self._counts())
            return
        last_ok = report.finished_at if report.ok else self.status.last_sync_at
        self._update(syncing=False, online=report.reachable, last_sync_at=last_ok,
                     last_error=report.errors[0] if report.errors else None, last_report=report, **self._counts())
        if self._on_changes is not None and not report.changes.empty:
            self._on_changes(report.changes)

    def _on_retry(self, err: PlatformError) -> None:
        """A call got no answer for its whole read timeout (20 s) and is being asked again. The
        platform answered the cycle's check, but it is not answering now: the light goes red
        until an answer comes (the next batch, or the cycle's end), instead of staying green
        beside 正在同步… for the minutes the retries take."""
        if isinstance(err, PlatformNoAnswer):
            self._update(online=False, last_error=err.as_problem())

    def _on_batch(self, total: PushSummary) -> None:
        self._update(online=True, **self._counts())

    def _on_upload(self, _total: UploadSummary) -> None:
        self._update(online=True, **self._counts())  # "附件 n" counts down page by page

    # --- status ---------------------------------------------------------------------------

    def _initial_status(self) -> SyncStatus:
        ov = sync_overview(self.ctx)
        return SyncStatus(bool(ov.platform_url), None, False, ov.last_answer_at, ov.queued, ov.attention, None,
                          attachments=ov.attachments)

    def _counts(self) -> dict:
        c = queue_counts(self.ctx)  # after every batch: not sync_overview, whose max reads the whole outbox
        return {"queued": c.queued, "attention": c.attention, "attachments": c.attachments}

    def _update(self, **fields: object) -> None:
        with self._lock:
            self._status = replace(self._status, **fields)
            status = self._status
        self._emit(status)

    def _emit(self, status: SyncStatus) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(status)
        except Exception:  # noqa: BLE001 - a broken listener must not stop the sync
            log.exception("on_status callback failed")

"""The sync thread: it reports through the callback, never blocks the caller, writes nothing
while the platform is unreachable, goes green against the sandbox, and stops cleanly."""

from __future__ import annotations

import socket
import threading

from app.actor import SYSTEM
from app.usecases.registration import Registration, save_registration
from app.usecases.sync_state import set_sync_setting, sync_overview
from sync.scheduler import SyncScheduler, SyncStatus
from tests.sync.test_sync_state import _accepted_case


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Statuses:
    def __init__(self) -> None:
        self.seen: list[SyncStatus] = []
        self.cond = threading.Condition()

    def __call__(self, status: SyncStatus) -> None:
        with self.cond:
            self.seen.append(status)
            self.cond.notify_all()

    def wait_for(self, pred, timeout: float = 60) -> SyncStatus:
        with self.cond:
            assert self.cond.wait_for(lambda: any(pred(s) for s in self.seen), timeout), self.seen
            return next(s for s in self.seen if pred(s))


def test_without_a_platform_the_light_is_grey_and_stop_joins(ctx, clerk) -> None:
    statuses = Statuses()
    sched = SyncScheduler(ctx, on_status=statuses, interval_seconds=3600)
    sched.start()
    sched.sync_now()
    st = statuses.wait_for(lambda s: s.configured is False and s.queued == 0)
    assert st.light == "grey"
    sched.stop()
    assert sched._thread is None


def test_unreachable_platform_reports_offline_and_writes_nothing(ctx, clerk) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    set_sync_setting(ctx, SYSTEM, "platform_url", url)
    save_registration(ctx, SYSTEM, Registration(url, "T1", "secret", "token", None))
    _accepted_case(ctx, clerk)
    with ctx.read() as s:
        from sqlalchemy import func, select

        from app.storage.models import AuditRecord
        audit_before = s.scalar(select(func.count()).select_from(AuditRecord))
    statuses = Statuses()
    sched = SyncScheduler(ctx, on_status=statuses, interval_seconds=3600)
    sched.start()
    st = statuses.wait_for(lambda s: s.online is False)
    sched.stop()
    assert st.last_error.code == "PLATFORM_UNREACHABLE" and st.queued == 2 and st.light == "red"
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == audit_before
    assert sync_overview(ctx).queued == 2  # still pending, none marked in flight


def test_sync_now_against_the_platform_reports_green_and_the_changes(ctx, clerk, sandbox) -> None:
    from tests.sync.support import connect, take_in

    numbers = take_in(ctx, clerk, 2)
    connect(ctx, sandbox)
    statuses = Statuses()
    changed = []
    sched = SyncScheduler(ctx, on_status=statuses, on_changes=changed.append, interval_seconds=3600)
    sched.start()
    sched.sync_now()
    st = statuses.wait_for(lambda s: s.online is True and not s.syncing and s.last_report is not None)
    sched.stop()
    assert (st.queued, st.attention, st.light, st.last_error) == (0, 0, "green", None)
    assert st.last_sync_at is not None and st.last_report.pushed.applied == 4
    assert changed and changed[0].outbox
    assert {e["case_number"] for e in sandbox.applied_events()} == set(numbers)


def test_a_platform_that_stops_answering_mid_push_turns_the_light_red_until_it_answers(ctx, clerk, sandbox) -> None:
    """The event intake hung after the cycle's check had answered: the light stayed green beside
    正在同步… while each batch waited out its read timeout, five times (about 100 s by default)."""
    from dataclasses import replace

    from sync.contract import PATH_EVENTS_BATCH
    from tests.sync.support import FAST, connect, take_in
    from ui.sync.status_widget import status_text

    take_in(ctx, clerk, 2)
    connect(ctx, sandbox)
    sandbox.set_faults(latency_ms=60_000, latency_path=PATH_EVENTS_BATCH)  # health still answers
    statuses = Statuses()
    sched = SyncScheduler(ctx, on_status=statuses, interval_seconds=3600,
                          http=replace(FAST, read_timeout=1.0, retries=20, backoff_base=0.5, backoff_cap=1.0))
    sched.start()
    try:
        hung = statuses.wait_for(lambda s: s.syncing and s.online is False, timeout=15)
        assert hung.light == "red" and status_text(hung, ctx.now()) == "离线 · 正在重试连接…"
        assert hung.last_error.code == "PLATFORM_UNREACHABLE" and "没有应答" in hung.last_error.message
        sandbox.clear_faults()  # answering again: the next try goes through
        done = statuses.wait_for(lambda s: not s.syncing and s.last_report is not None, timeout=30)
    finally:
        sched.stop()
    assert done.online is True and done.light == "green" and done.queued == 0
    assert done.last_report.pushed.applied + done.last_report.pushed.duplicate == 4

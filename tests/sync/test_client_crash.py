"""kill -9 of the client in the middle of pushing: the next start resends what was in
flight; the platform ends up with every event exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app.config import Paths
from app.context import open_context
from app.storage.models import OutboxEvent
from app.usecases.sync_state import sync_overview
from tests.helpers import raw_db
from tests.sync.support import assert_every_event_once, connect, sync, take_in

ROOT = Path(__file__).resolve().parents[2]


def _wait_for_a_batch_in_flight(db: Path) -> None:
    """Until the worker has marked its next batch "sending" (it then waits on the slow platform)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with raw_db(db) as raw:
            if raw.execute("SELECT count(*) FROM outbox_events WHERE status = 'sending'").fetchone()[0]:
                return
        time.sleep(0.01)


def test_client_killed_mid_batch_resumes_with_nothing_lost_and_nothing_twice(ctx, clerk, sandbox, data_dir) -> None:
    take_in(ctx, clerk, 40)  # 80 events
    connect(ctx, sandbox)
    sandbox.set_faults(latency_ms=150)  # each batch takes a while: the kill lands mid-push
    proc = subprocess.Popen([sys.executable, "-m", "tests.sync.push_worker", str(data_dir), "5"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        if not line:
            break
        lines.append(line)
        if line.startswith("BATCH") and int(line.split()[1]) >= 15:
            break
    _wait_for_a_batch_in_flight(data_dir / "clerkdesk.db")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert any(x.startswith("BATCH") for x in lines), proc.stderr.read() if proc.stderr else lines
    assert not any(x.startswith("DONE") for x in lines)

    # What the killed client left: some answered, the rest queued (in flight or pending) — none gone.
    ctx.close()
    again = open_context(Paths(data_dir))
    with again.read() as s:
        by_status = dict(s.execute(select(OutboxEvent.status, func.count()).group_by(OutboxEvent.status)).all())
    assert sum(by_status.values()) == 80
    assert 0 < by_status.get("done", 0) < 80 and by_status.get("sending", 0) > 0
    applied_before = sandbox.stats()["events"]["applied"]
    assert applied_before >= by_status["done"]  # the platform may hold more than were answered

    sandbox.clear_faults()
    report = sync(again, batch_size=5)
    assert report.ok
    assert sync_overview(again).queued == 0
    assert_every_event_once(again, sandbox)
    again.close()

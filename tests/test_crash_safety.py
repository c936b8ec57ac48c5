"""A kill -9 in the middle of work loses no saved case and no queued event."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.config import Paths
from app.context import open_context
from app.storage.audit import verify_chain
from tests.helpers import raw_db

ROOT = Path(__file__).resolve().parents[1]


def test_sigkill_mid_intake_leaves_every_committed_case_and_event(tmp_path: Path) -> None:
    data = tmp_path / "terminal"
    proc = subprocess.Popen([sys.executable, "-m", "tests.crash_worker", str(data)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    committed: list[str] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while len(committed) < 25 and time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        if not line:
            break
        if line != "READY":
            committed.append(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert len(committed) >= 25, proc.stderr.read() if proc.stderr else ""

    with raw_db(data / "clerkdesk.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        cases = {n: s for n, s in raw.execute("SELECT number, state FROM cases")}
        events = raw.execute("SELECT case_number, kind FROM outbox_events WHERE case_number != ''").fetchall()
    for number in committed:
        assert cases[number] == "accepted"
        assert (number, "case.receive") in events and (number, "case.accept") in events
    # Whatever committed after the last printed line is complete too: every case has both events.
    for number, state in cases.items():
        kinds = {k for n, k in events if n == number}
        assert kinds == {"case.receive", "case.accept"} or (state == "received" and kinds == {"case.receive"})
    ctx = open_context(Paths(data))
    with ctx.read() as s:
        assert verify_chain(s).intact


def test_a_failure_during_the_very_first_start_leaves_no_half_made_terminal(tmp_path, monkeypatch) -> None:
    """Issue 12 #7: a kill during the first start once left a terminal with one account for good.
    The accounts are made in one transaction: none or all; the next start completes it."""
    import pytest

    from app.bootstrap import start_terminal
    from app.usecases import auth

    calls = {"n": 0}
    real = auth.hash_password

    def dies_on_the_third(password: str) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("power cut")  # as abrupt as it gets inside the process
        return real(password)

    monkeypatch.setattr(auth, "hash_password", dies_on_the_third)
    data = tmp_path / "first-start"
    with pytest.raises(KeyboardInterrupt):
        start_terminal(Paths(data))
    with raw_db(data / "clerkdesk.db") as db:
        assert db.execute("SELECT count(*) FROM clerks").fetchone()[0] == 0  # none, not one
    monkeypatch.setattr(auth, "hash_password", real)
    ctx = start_terminal(Paths(data))
    try:
        from app.usecases.auth import login

        assert login(ctx, "admin01", "demo1234").username == "admin01"
        assert login(ctx, "clerk01", "demo1234").username == "clerk01"
    finally:
        ctx.close()

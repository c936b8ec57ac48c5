"""Offline intake, then sync against the real sandbox: every event reaches the platform
exactly once, whatever the link does in between."""

from __future__ import annotations

import pytest

from app.case_states import Action
from app.usecases.sync_state import sync_overview
from tests.sync.support import FAST, assert_every_event_once, connect, sync, take_in


@pytest.fixture
def terminal(ctx, clerk, sandbox):
    """A terminal that worked offline (cases taken in before it ever reached the platform),
    then got connected."""
    take_in(ctx, clerk, 4)
    take_in(ctx, clerk, 2, action=Action.REQUEST_SUPPLEMENT)
    connect(ctx, sandbox)
    return ctx


def test_offline_intake_then_sync_delivers_every_event_once(terminal, sandbox) -> None:
    assert sync_overview(terminal).queued == 12
    report = sync(terminal, batch_size=5)
    assert report.ok and report.pushed.applied == 12
    assert sync_overview(terminal).queued == 0
    assert_every_event_once(terminal, sandbox)
    assert sandbox.stats()["events"]["applied_by_kind"]["case.receive"] == 6
    # Nothing more to send: a second sync pushes nothing.
    assert sync(terminal).pushed.applied == 0


@pytest.mark.parametrize("faults", [
    {"error_share": 0.5},
    {"drop_share": 0.5},
    {"error_next": 3, "drop_next": 3},
], ids=["half-5xx", "half-dropped", "next-errors-and-drops"])
def test_flaky_link_still_delivers_every_event_once(terminal, sandbox, faults) -> None:
    sandbox.set_faults(**faults)
    for _ in range(10):  # each cycle retries with backoff; a cycle that gives up leaves the rest for the next
        if sync(terminal, batch_size=3).ok and sync_overview(terminal).queued == 0:
            break
    assert sync_overview(terminal).queued == 0
    assert_every_event_once(terminal, sandbox)
    fired = sandbox.stats()["faults_fired"]
    assert fired["errors"] + fired["dropped"] > 0  # the faults really happened


def test_a_response_lost_after_commit_is_answered_duplicate_not_applied_twice(terminal, sandbox) -> None:
    sandbox.set_faults(lose_response_next=1)
    report = sync(terminal, batch_size=4)
    assert report.ok
    assert report.pushed.duplicate == 4  # the first batch went again: the platform had it already
    assert sandbox.stats()["faults_fired"]["responses_lost"] == 1
    assert_every_event_once(terminal, sandbox)


def test_latency_beyond_the_timeout_leaves_events_queued_then_delivers_them_once(terminal, sandbox) -> None:
    from dataclasses import replace

    sandbox.set_faults(latency_ms=1500)
    impatient = replace(FAST, read_timeout=0.5, retries=1)
    report = sync(terminal, impatient, batch_size=4)
    assert not report.ok and report.errors[0].code == "PLATFORM_UNREACHABLE"
    assert sync_overview(terminal).queued == 12  # nothing lost: in flight or pending
    sandbox.clear_faults()
    assert sync(terminal).ok
    assert_every_event_once(terminal, sandbox)


def test_a_hung_platform_is_reported_offline_after_one_short_wait_and_nothing_is_lost(terminal, sandbox) -> None:
    """Seen under Xvfb with the platform stopped: 正在同步… beside the last cycle's green light
    for about 100 s (the health check's 20 s read timeout, five times) before it said offline."""
    from sync.api import PROBE_READ_TIMEOUT
    from sync.http import HttpSettings

    sandbox.set_faults(latency_ms=60_000)  # takes the connection, then says nothing
    report = sync(terminal, HttpSettings())  # the terminal's own timeouts, as the sync thread has them
    assert not report.reachable and report.errors[0].code == "PLATFORM_UNREACHABLE"
    assert f"{PROBE_READ_TIMEOUT:g} 秒内没有应答" in report.errors[0].message and "离线" in report.errors[0].message
    assert sandbox.stats()["faults_fired"]["delayed"] == 1  # asked once, not five times
    assert sync_overview(terminal).queued == 12
    sandbox.clear_faults()
    assert sync(terminal).ok
    assert_every_event_once(terminal, sandbox)


def test_maintenance_is_reported_and_waited_out(terminal, sandbox) -> None:
    sandbox.set_faults(maintenance=True, retry_after_seconds=3600)
    report = sync(terminal)
    assert not report.reachable and report.errors[0].code == "PLATFORM_MAINTENANCE"
    assert "维护" in report.errors[0].message
    assert sync_overview(terminal).queued == 12
    sandbox.set_faults(maintenance=False)
    assert sync(terminal).ok
    assert_every_event_once(terminal, sandbox)


@pytest.mark.parametrize("when", ["before_commit", "after_commit"])
def test_server_restart_mid_batch_loses_nothing_and_duplicates_nothing(terminal, sandbox, when) -> None:
    sandbox.set_faults(exit_on_next_batch=when)
    report = sync(terminal, batch_size=4)
    assert not report.ok and report.errors[0].code == "PLATFORM_UNREACHABLE"
    sandbox.wait_exit()
    sandbox.restart()
    assert sync(terminal, batch_size=4).ok
    assert_every_event_once(terminal, sandbox)


def test_an_expired_token_is_renewed_without_the_clerk_noticing(terminal, clerk, sandbox) -> None:
    assert sync(terminal).ok
    take_in(terminal, clerk, 1)
    assert sandbox.expire_tokens() >= 1
    report = sync(terminal)
    assert report.ok and report.pushed.applied == 2
    assert_every_event_once(terminal, sandbox)

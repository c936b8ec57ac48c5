"""The debug-mode stall watchdog: a long stall on the UI thread is logged once, with the stack
of the code that caused it; short work is not."""

from __future__ import annotations

import logging
import time

import pytest
from PySide6.QtCore import QTimer

from ui.stall_watchdog import StallWatchdog


def sleep_300_ms_in_a_slot() -> None:
    time.sleep(0.3)


def work_for_20_ms() -> None:
    end = time.perf_counter() + 0.02
    while time.perf_counter() < end:
        pass


@pytest.fixture
def watchdog(qapp, caplog):
    caplog.set_level(logging.INFO, logger="clerkdesk.stall")
    dog = StallWatchdog()
    dog.start()
    yield dog
    dog.stop()


def stall_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "clerkdesk.stall" and r.levelno == logging.WARNING]


def test_a_300_ms_stall_is_logged_once_with_the_stack_that_caused_it(qtbot, caplog, watchdog):
    qtbot.wait(100)  # the heartbeat is going
    QTimer.singleShot(0, sleep_300_ms_in_a_slot)
    qtbot.waitUntil(lambda: len(stall_warnings(caplog)) > 0, timeout=5000)
    qtbot.wait(300)  # room for a second record, which must not come
    records = stall_warnings(caplog)
    assert len(records) == 1
    assert "sleep_300_ms_in_a_slot" in records[0].getMessage()
    assert any("sleep_300_ms_in_a_slot" in line for line in records[0].stall_stack)


def test_20_ms_of_work_is_not_a_stall(qtbot, caplog, watchdog):
    qtbot.wait(100)
    QTimer.singleShot(0, work_for_20_ms)
    qtbot.wait(400)
    assert stall_warnings(caplog) == []

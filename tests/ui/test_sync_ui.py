"""The platform link as the clerk sees it: the status-bar light and words, 立即同步, the queue
count going down, and the needs-attention list a supervisor settles — against the real sandbox."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.actor import SYSTEM
from app.changes import Changes
from app.rules.problems import Problem
from app.usecases.numbers import remaining_numbers
from app.usecases.sync_state import set_sync_setting, sync_overview
from sync.scheduler import SyncStatus
from tests.helpers import find_item
from tests.sync.support import connect, take_in
from ui.sync.status_widget import status_text

NOW = datetime(2026, 11, 20, 15, 0)


def _status(**kw) -> SyncStatus:
    base = {"configured": True, "online": True, "syncing": False, "last_sync_at": datetime(2026, 11, 20, 14, 32),
            "queued": 0, "attention": 0, "last_error": None}
    return SyncStatus(**{**base, **kw})


@pytest.mark.parametrize(("kw", "light", "words"), [
    ({"configured": False, "online": None}, "grey", "离线工作（未设平台）"),
    ({}, "green", "在线 · 14:32 已同步"),
    ({"last_sync_at": datetime(2026, 11, 18, 9, 5)}, "green", "在线 · 11-18 09:05 已同步"),
    ({"last_sync_at": None}, "green", "在线 · 尚未同步"),
    ({"online": False}, "red", "离线 · 联网后自动上传"),
    ({"attention": 2}, "yellow", "在线 · 14:32 已同步"),
    ({"last_error": Problem("CATALOG_PULL", "目录更新失败")}, "yellow", "在线 · 14:32 已同步，部分未完成"),
    ({"syncing": True}, "green", "正在同步…"),
    # Seen under Xvfb with a platform that stopped answering: a red light beside "正在同步…"
    # for minutes. A retry while offline says that it is one.
    ({"syncing": True, "online": False}, "red", "离线 · 正在重试连接…"),
    ({"syncing": True, "online": None}, "grey", "正在连接平台…"),
    ({"online": None}, "grey", "正在连接平台…"),
])
def test_the_status_words_and_light_for_each_state_of_the_link(kw, light, words) -> None:
    s = _status(**kw)
    assert (s.light, status_text(s, NOW)) == (light, words)


def test_connected_window_goes_green_and_a_decision_reaches_the_platform(qtbot, window, ctx, clerk, sandbox) -> None:
    connect(ctx, sandbox)
    w = window()
    bar = w.sync_status
    qtbot.waitUntil(lambda: bar.light.property("light") == "green" and not w.sync.status.syncing, timeout=20_000)
    assert bar.text.text().endswith("已同步") and bar.text.text().startswith("在线") and bar.sync_button.isEnabled()

    [number] = take_in(ctx, clerk, 1)  # saved the way the intake screen saves …
    w.ops.changed.emit(Changes(cases=frozenset({number})), None)
    # … and the window asks for a sync at once: the queue empties without waiting for the timer.
    qtbot.waitUntil(lambda: {e["case_number"] for e in sandbox.applied_events()} == {number}, timeout=20_000)
    qtbot.waitUntil(lambda: bar.queue.text() == "待上传 0", timeout=20_000)
    assert not bar.attention.isVisible()


def test_numbers_the_sync_leases_show_in_the_status_bar_at_once(qtbot, window, ctx, sandbox) -> None:
    """A station about to go offline for days reads 可用编号 to know how long it can work."""
    connect(ctx, sandbox)
    w = window()
    qtbot.waitUntil(lambda: w.sync_status.light.property("light") == "green" and not w.sync.status.syncing, timeout=20_000)
    before = remaining_numbers(ctx)
    # The first sync's own lease (it retires the demo numbers) refreshes the label off the UI thread.
    qtbot.waitUntil(lambda: w.numbers_label.text() == f"可用编号：{before}", timeout=10_000)
    set_sync_setting(ctx, SYSTEM, "number_low_mark", str(before + 1))  # under the mark: the next sync leases a block
    w.sync.sync_now()
    qtbot.waitUntil(lambda: remaining_numbers(ctx) > before, timeout=20_000)
    # Nothing else changed: the lease alone must refresh the count (the sweep that would is minutes away).
    qtbot.waitUntil(lambda: w.numbers_label.text() == f"可用编号：{remaining_numbers(ctx)}", timeout=5_000)


def test_offline_window_shows_red_and_keeps_the_queue(qtbot, window, ctx, clerk, sandbox) -> None:
    connect(ctx, sandbox)
    take_in(ctx, clerk, 2)
    sandbox.kill()
    w = window()
    bar = w.sync_status
    qtbot.waitUntil(lambda: bar.light.property("light") == "red", timeout=30_000)
    assert bar.text.text() == "离线 · 联网后自动上传"
    assert bar.queue.text() == "待上传 4" and sync_overview(ctx).queued == 4
    assert "PLATFORM_UNREACHABLE" in bar.toolTip()


def test_a_rejected_event_is_settled_from_the_attention_list(qtbot, window, ctx, clerk, sandbox) -> None:
    item = "个体工商户设立登记"
    [number] = take_in(ctx, clerk, 1, item)
    code = find_item(ctx, item).implementation_code
    sandbox.suspend_item(code, "系统升级，暂停受理", since="2026-11-01")
    connect(ctx, sandbox)

    # The clerk sees the count and the reason but cannot settle it.
    w = window("clerk01")
    bar = w.sync_status
    qtbot.waitUntil(lambda: bar.attention.isVisible() and bar.attention.text() == "需处理 1", timeout=20_000)
    assert bar.light.property("light") == "yellow"
    qtbot.mouseClick(bar.attention, Qt.MouseButton.LeftButton)
    dlg = w.attention_dialog
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 1)
    row = [dlg.table.item(0, c).text() for c in range(dlg.table.columnCount())]
    assert row[0].replace("-", "") == number and row[1] == "收件" and "暂停" in row[2] and "ITEM_SUSPENDED" in row[2]
    assert row[4] == "1 条"  # the acceptance waits behind it
    assert not dlg.requeue_button.isEnabled() and not dlg.ack_button.isEnabled()
    dlg.close()
    w.close()

    # The platform resumes the item; the supervisor sends it again and it goes through.
    sandbox.resume_item(code, since="2026-11-10")
    sup = window("super01")
    bar = sup.sync_status
    qtbot.waitUntil(lambda: bar.attention.isVisible(), timeout=20_000)
    sup.open_attention()
    dlg = sup.attention_dialog
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 1)
    qtbot.mouseClick(dlg.ack_button, Qt.MouseButton.LeftButton)  # "known, stop sending" needs a note
    qtbot.waitUntil(lambda: "请写明" in dlg.message.text())
    qtbot.mouseClick(dlg.requeue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已处理" in dlg.message.text())
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 0 and not bar.attention.isVisible(), timeout=20_000)
    qtbot.waitUntil(lambda: len(sandbox.applied_events(number)) == 2, timeout=20_000)
    qtbot.waitUntil(lambda: bar.queue.text() == "待上传 0", timeout=20_000)
    assert bar.light.property("light") == "green" and sync_overview(ctx).queued == 0


def test_scanned_pages_waiting_show_in_the_status_bar_and_leave_with_the_sync(qtbot, window, ctx, clerk, sandbox) -> None:
    """Issue 13 #4: "附件 n" beside the queue while scanned pages wait; the sync thread uploads them
    after the case's events, and the count goes with them."""
    from tests.scan_pages import intake_with_scans, large_page, sample_page

    connect(ctx, sandbox)
    _number, _m, hashes = intake_with_scans(ctx, clerk, [sample_page(0), large_page(5)])
    sandbox.kill()
    w = window()
    bar = w.sync_status
    qtbot.waitUntil(lambda: bar.light.property("light") == "red", timeout=30_000)
    assert bar.queue.text() == "待上传 2·附件 2" and "待上传扫描件 2 页" in bar.toolTip()

    sandbox.start()  # the link is back (same port)
    w.sync.sync_now()
    qtbot.waitUntil(lambda: bar.queue.text() == "待上传 0" and bar.light.property("light") == "green", timeout=30_000)
    assert sandbox.stats()["attachments"]["stored"] == 2
    assert "平台确认 2 页" in bar.toolTip()

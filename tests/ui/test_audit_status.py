"""A chain the platform refuses reaches the clerk's status bar: the words say so, the tooltip
has the Chinese sentence and the code — and the window keeps working and syncing events."""

from __future__ import annotations

from app.changes import Changes
from tests.audit.support import rehash_from, tamper
from tests.sync.support import connect, sync, take_in


def test_a_refused_audit_checkpoint_shows_in_the_status_bar(qtbot, window, ctx, clerk, sandbox, data_dir) -> None:
    take_in(ctx, clerk, 1)
    connect(ctx, sandbox)
    assert sync(ctx).receipt is not None
    db = data_dir / "clerkdesk.db"
    tamper(db, "UPDATE audit_records SET actor = 'someone' WHERE seq = 4")
    rehash_from(db, 4)
    w = window()
    bar = w.sync_status
    qtbot.waitUntil(lambda: bar.text.text() == "审计告警", timeout=20_000)
    assert bar.light.property("light") == "yellow"
    assert "AUDIT_CHAIN_REWRITTEN" in bar.toolTip() and "请立即报告县信息中心" in bar.toolTip()
    # The counter goes on: a new case still reaches the platform.
    [number] = take_in(ctx, clerk, 1)
    w.ops.changed.emit(Changes(cases=frozenset({number})), None)
    qtbot.waitUntil(lambda: len(sandbox.applied_events(number)) == 2, timeout=20_000)

"""Upgrading a terminal with queued events to the sync schema keeps every event, ready to send."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.storage.db import make_engine
from app.storage.migrate import current_revision, head_revision, upgrade, upgrade_with_backup

KEY = bytes(range(32))


def test_events_queued_before_the_sync_schema_stay_pending_after_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = make_engine(db, KEY)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(text(
                "INSERT INTO outbox_events (event_id, kind, case_number, payload, created_at, status, attempts, last_error) "
                "VALUES (:e, 'case.receive', :n, '{}', '2026-11-20 09:00:00', 'pending', 0, '')"),
                {"e": f"00000000-0000-0000-0000-00000000000{i}", "n": f"N{i}"})
    backup = upgrade_with_backup(engine, db, tmp_path / "backups", KEY)
    assert backup is not None
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT case_number, status, batch_id, answer, sent_at FROM outbox_events ORDER BY seq")).all()
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert [tuple(r) for r in rows] == [(f"N{i}", "pending", "", "", None) for i in range(3)]
    assert {"sync_cursors", "platform_registrations", "online_credentials", "attention_items"} <= tables

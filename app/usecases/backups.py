"""Backups (issue 12 #8): encrypted like the database, verified after writing (integrity and the
audit chain), a daily one kept for two weeks, and a restore that never loses an event queued
after the backup was made.

A restore puts the backup in place and then carries over, from the database it replaces, every
outbox event the backup does not have and that the platform may not have yet (pending, sending,
needs attention) — same event ids, so the platform answers "duplicate" for any it already has.
Case rows created after the backup are not in the restored database; their events still reach
the platform, which holds those cases.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.config import Paths
from app.errors import StorageError
from app.storage.audit import verify_chain
from app.storage.db import connect_raw, sqlcipher
from app.storage.keys import database_key
from app.storage.migrate import backup_database

DAILY_KEEP = 14
QUEUED = ("pending", "sending", "attention")


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    ok: bool
    message: str  # Chinese, for the administrator
    audit_records: int = 0


def verify_backup(path: Path, key: bytes) -> BackupCheck:
    """Open the backup with the terminal's key: SQLite's integrity check and the audit chain."""
    try:
        conn = connect_raw(path, key)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 — a wrong key or a broken file, said in words
        return BackupCheck(path, False, f"备份无法用本机密钥打开（{type(exc).__name__}）：可能来自别的电脑或已损坏。")
    if not ok:
        return BackupCheck(path, False, "备份文件完整性检查未通过（integrity_check），不能使用。")
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher)
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _key(dbapi_conn, _rec) -> None:  # noqa: ANN001
        dbapi_conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")

    try:
        with Session(engine) as s:
            verdict = verify_chain(s)
    finally:
        engine.dispose()
    if not verdict.intact:
        return BackupCheck(path, False, f"备份中的审计链断裂：{verdict.reason}", verdict.records)
    return BackupCheck(path, True, f"备份已校验：完整性通过，审计链完整（{verdict.records} 条记录）。", verdict.records)


def make_backup(paths: Paths, label: str = "manual", to: Path | None = None) -> BackupCheck:
    """An encrypted backup now, verified; `to` a folder (e.g. a USB disk) instead of backups/."""
    if not paths.database.exists():
        raise StorageError("STORAGE_NO_DATABASE", f"数据目录 {paths.data_dir} 中没有数据库，无法备份。")
    key = database_key(paths.database, create=False)
    path = backup_database(paths.database, to or paths.backups, label, key)
    check = verify_backup(path, key)
    if not check.ok:
        path.unlink(missing_ok=True)
        raise StorageError("STORAGE_BACKUP_FAILED", f"备份写入后校验未通过，已删除：{check.message}")
    return check


def daily_backup(paths: Paths, now: datetime) -> BackupCheck | None:
    """Once a day (the first start or sweep of the day), and only the newest DAILY_KEEP kept."""
    paths.backups.mkdir(parents=True, exist_ok=True)
    today = f"clerkdesk-daily-{now:%Y%m%d}"
    if any(p.name.startswith(today) for p in paths.backups.glob("clerkdesk-daily-*.db")):
        return None
    check = make_backup(paths, f"daily-{now:%Y%m%d}")
    dailies = sorted(paths.backups.glob("clerkdesk-daily-*.db"))
    for old in dailies[:-DAILY_KEEP]:
        old.unlink(missing_ok=True)
    return check


def restore(paths: Paths, backup: Path) -> tuple[BackupCheck, int, Path]:
    """Put `backup` in place of the (closed) database. Returns the check, how many queued events
    were carried over from the database it replaces, and where that database was kept."""
    key = database_key(paths.database, create=False)
    check = verify_backup(backup, key)
    if not check.ok:
        raise StorageError("STORAGE_BACKUP_INVALID", check.message)
    kept = backup_database(paths.database, paths.backups, "before-restore", key)
    staged = paths.database.with_suffix(".restoring")
    shutil.copyfile(backup, staged)
    os.chmod(staged, 0o600)
    carried = _carry_queued_events(kept, staged, key)
    _carry_audit_tail(kept, staged, key)
    for side in ("-wal", "-shm"):
        Path(str(paths.database) + side).unlink(missing_ok=True)
    os.replace(staged, paths.database)
    return check, carried, kept


def _carry_audit_tail(current: Path, restored: Path, key: bytes) -> int:
    """The audit records written after the backup, carried over verbatim (same seqs, hashes and
    MACs) with the platform's receipts — but only when the backup's chain is a prefix of the
    replaced database's (same hash at the backup's last seq). So the platform's checkpoints
    still extend and verify-audit sees no truncation; a replaced database whose chain differs
    is not trusted, and the platform's receipts then show the gap."""
    src, dst = connect_raw(current, key), connect_raw(restored, key)
    try:
        tables = {r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "audit_checkpoints" not in tables:
            return 0  # a backup from before 0010: the app upgrades it; nothing of this kind to carry
        last = dst.execute("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1").fetchone()
        if last is not None:
            theirs = src.execute("SELECT hash FROM audit_records WHERE seq = ?", (last[0],)).fetchone()
            if theirs is None or theirs[0] != last[1]:
                return 0
        n = 0
        for table, order in (("audit_records", "seq"), ("audit_checkpoints", "id")):
            cols = [r[1] for r in dst.execute(f"PRAGMA table_info({table})")]
            after = dst.execute(f"SELECT coalesce(max({order}), 0) FROM {table}").fetchone()[0]
            rows = src.execute(f"SELECT {','.join(cols)} FROM {table} WHERE {order} > ? ORDER BY {order}", (after,)).fetchall()
            dst.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows)
            n += len(rows) if table == "audit_records" else 0
        dst.commit()
        return n
    finally:
        src.close()
        dst.close()


def _carry_queued_events(current: Path, restored: Path, key: bytes) -> int:
    src, dst = connect_raw(current, key), connect_raw(restored, key)
    try:
        have = {r[0] for r in dst.execute("SELECT event_id FROM outbox_events")}
        cols = [r[1] for r in src.execute("PRAGMA table_info(outbox_events)") if r[1] != "seq"]
        marks = ",".join("?" * len(cols))
        rows = [r for r in src.execute(
            f"SELECT {','.join(cols)} FROM outbox_events WHERE status IN ({','.join('?' * len(QUEUED))}) ORDER BY seq",
            QUEUED) if r[cols.index("event_id")] not in have]
        dst.executemany(f"INSERT INTO outbox_events ({','.join(cols)}) VALUES ({marks})", rows)
        dst.commit()
        return len(rows)
    finally:
        src.close()
        dst.close()

"""Alembic, driven from code: the app upgrades an older database on start, after a backup."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.errors import StorageError
from app.storage.db import connect_raw, sqlcipher

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    command.upgrade(alembic_config(engine), target)


def export_encrypted(src: Any, target: Path, key: bytes) -> None:
    """Copy the database open on `src` (encrypted or, once, plain) into an encrypted file at
    `target` with `key` — SQLCipher's sqlcipher_export, consistent under WAL."""
    src.execute(f"ATTACH DATABASE ? AS export KEY \"x'{key.hex()}'\"", (str(target),))
    try:
        src.execute("SELECT sqlcipher_export('export')")
    finally:
        src.execute("DETACH DATABASE export")
    os.chmod(target, 0o600)


def backup_database(db_path: Path, backup_dir: Path, label: str, key: bytes) -> Path:
    """An encrypted, consistent copy beside the others in `backups/` (0700)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(backup_dir, 0o700)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"clerkdesk-{label}-{stamp}.db"
    src = connect_raw(db_path, key)
    try:
        export_encrypted(src, target, key)
    finally:
        src.close()
    return target


def is_plaintext(db_path: Path) -> bool:
    """An existing database written before encryption (SQLite's own header, readable)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return False
    with open(db_path, "rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


def encrypt_in_place(db_path: Path, backup_dir: Path, key: bytes) -> Path:
    """Once, on the first start of this version: the plain database becomes encrypted. The
    encrypted copy is made first and kept as a backup; then it replaces the plain file, whose
    WAL is checkpointed before and removed after. Returns the backup."""
    plain = sqlcipher.connect(str(db_path))  # no key: reads the plain file
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        backup_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(backup_dir, 0o700)
        backup = backup_dir / f"clerkdesk-before-encryption-{datetime.now():%Y%m%d-%H%M%S}.db"
        export_encrypted(plain, backup, key)
    finally:
        plain.close()
    fresh = db_path.with_suffix(".encrypting")
    shutil.copyfile(backup, fresh)
    os.chmod(fresh, 0o600)
    for side in ("-wal", "-shm"):
        Path(str(db_path) + side).unlink(missing_ok=True)
    os.replace(fresh, db_path)  # atomic: the plain file is gone in one step
    return backup


def upgrade_with_backup(engine: Engine, db_path: Path, backup_dir: Path, key: bytes) -> Path | None:
    """Bring the database to head. Returns the backup made, if an upgrade was needed."""
    current = current_revision(engine)
    if current == head_revision(engine):
        return None
    backup = None
    if current is not None:  # an existing database with data: keep a copy first
        backup = backup_database(db_path, backup_dir, f"before-{current}", key)
    try:
        upgrade(engine)
    except Exception as exc:  # noqa: BLE001 — whatever Alembic or SQLite said goes to the log, not the screen
        where = f"升级前的备份在 {backup}。" if backup else ""
        raise StorageError("STORAGE_MIGRATION_FAILED",
                           f"本机数据库升级未完成，程序不能启动。{where}请联系县政务服务中心信息科，不要删除数据目录。",
                           repr(exc)) from exc
    return backup

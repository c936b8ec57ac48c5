"""Alembic, driven from code: the app upgrades an older database on start, after a backup."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.errors import StorageError

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


def backup_database(db_path: Path, backup_dir: Path, label: str) -> Path:
    """A consistent copy through SQLite's online backup API (safe with WAL)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"clerkdesk-{label}-{stamp}.db"
    src = sqlite3.connect(db_path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def upgrade_with_backup(engine: Engine, db_path: Path, backup_dir: Path) -> Path | None:
    """Bring the database to head. Returns the backup made, if an upgrade was needed."""
    current = current_revision(engine)
    if current == head_revision(engine):
        return None
    backup = None
    if current is not None:  # an existing database with data: keep a copy first
        backup = backup_database(db_path, backup_dir, f"before-{current}")
    try:
        upgrade(engine)
    except Exception as exc:  # noqa: BLE001 — whatever Alembic or SQLite said goes to the log, not the screen
        where = f"升级前的备份在 {backup}。" if backup else ""
        raise StorageError("STORAGE_MIGRATION_FAILED",
                           f"本机数据库升级未完成，程序不能启动。{where}请联系县政务服务中心信息科，不要删除数据目录。",
                           repr(exc)) from exc
    return backup

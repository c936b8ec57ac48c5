"""Alembic, driven from code: the app upgrades an older database on start, after a backup.

Alembic (with Mako and Pygments behind it) costs about a quarter of a second to import, and
on a normal morning the schema is already current. So the start reads the stored revision
with one query and the head from the version files' `revision`/`down_revision` lines, and
imports Alembic only when they differ (a test holds the head equal to Alembic's own).
"""

from __future__ import annotations

import ast
import os
import shutil
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text

from app.errors import StorageError
from app.storage.db import connect_raw, sqlcipher

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def _assigned(tree: ast.Module, name: str) -> str | None:
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else (
            node.target if isinstance(node, ast.AnnAssign) else None)
        if isinstance(target, ast.Name) and target.id == name and isinstance(node.value, ast.Constant):
            return node.value.value
    return None


@cache
def _script_head() -> str:
    """The one revision no other revision builds on, read from the version files."""
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rev = _assigned(tree, "revision")
        if rev:
            revisions[rev] = _assigned(tree, "down_revision")
    heads = set(revisions) - {down for down in revisions.values() if down}
    if len(heads) != 1:  # a branched history: let Alembic itself say what is wrong
        raise RuntimeError(f"migration history has {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def head_revision(engine: Engine | None = None) -> str:  # noqa: ARG001 — kept for callers passing the engine
    return _script_head()


def current_revision(engine: Engine) -> str | None:
    """The stored revision, or None for a database Alembic never touched."""
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")).scalar():
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

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
    # The day's work starts on a new connection: the one that ran the migrations has their
    # hundreds of one-off statements in its statement cache (see app.storage.db.STATEMENT_CACHE).
    engine.dispose()
    return backup

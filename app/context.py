"""The open application: database, clock, and the terminal's settings and calendar.

Use cases open a unit of work from it (`ctx.unit_of_work(actor)`, app/unit_of_work.py) for
every change, and `ctx.read()` for a look that never blocks a save.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Paths
from app.errors import StorageError
from app.rules.workdays import WorkCalendar
from app.settings import Settings
from app.storage.db import make_engine, make_session_factory
from app.storage.keys import database_key
from app.storage.migrate import encrypt_in_place, is_plaintext, upgrade_with_backup

if TYPE_CHECKING:
    from app.actor import Actor
    from app.unit_of_work import UnitOfWork

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def china_now() -> datetime:
    return datetime.now(CHINA_TZ).replace(microsecond=0)


@dataclass
class AppContext:
    paths: Paths
    engine: Engine
    sessions: sessionmaker[Session]
    read_engine: Engine
    read_sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = china_now
    backup_made: object = None
    _settings: Settings | None = None
    _calendar: WorkCalendar | None = None
    terminal_keys: object = None  # app.storage.integrity.TerminalKeys once read from the database
    # The audit chain's head as this process last wrote it: a guess that spares the next save a
    # query, checked inside its INSERT (app/storage/audit.py append_drafts), never trusted.
    audit_head: str = ""

    def now(self) -> datetime:
        # Stored naive in China time: the hall's legal dates are China dates.
        return self.clock().astimezone(CHINA_TZ).replace(tzinfo=None)

    def today(self) -> date:
        return self.now().date()

    def unit_of_work(self, actor: Actor) -> AbstractContextManager[UnitOfWork]:
        """One transaction acting as `actor`: everything inside commits together or not at all."""
        from app.unit_of_work import unit_of_work

        return unit_of_work(self, actor)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only look: never holds the write lock, never blocks a save."""
        with self.read_sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()

    @property
    def settings(self) -> Settings:
        """The stored settings over the defaults, as last committed."""
        if self._settings is None:
            from app.unit_of_work import load_settings

            with self.read() as s:
                self._settings = load_settings(s)
        return self._settings

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            from app.unit_of_work import load_calendar

            with self.read() as s:
                self._calendar = load_calendar(s)
        return self._calendar

    def invalidate(self) -> None:
        """Called by a unit of work that changed settings or the calendar, after its commit."""
        self._settings = None
        self._calendar = None


def open_context(paths: Paths, clock: Callable[[], datetime] | None = None) -> AppContext:
    """Open (creating or upgrading, after a backup) the encrypted database in `paths`. A plain
    database from before encryption is encrypted first (an encrypted backup is kept)."""
    # Everything this process writes — database, WAL, backups, logs — is for this OS user only.
    os.umask(0o077)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(paths.data_dir, 0o700)
    existed = paths.database.exists() and paths.database.stat().st_size > 0
    key = database_key(paths.database, create=not existed or is_plaintext(paths.database))
    encrypted_backup = encrypt_in_place(paths.database, paths.backups, key) if is_plaintext(paths.database) else None
    engine = make_engine(paths.database, key)
    try:
        backup = upgrade_with_backup(engine, paths.database, paths.backups, key) or encrypted_backup
    except OperationalError as exc:
        engine.dispose()
        raise StorageError("STORAGE_KEY_WRONG", "数据库无法用本机密钥解开（文件可能来自别的电脑，或已损坏）。"
                                                "请联系信息中心用备份恢复。", str(exc)) from exc
    for f in (paths.database, Path(str(paths.database) + "-wal"), Path(str(paths.database) + "-shm")):
        if f.exists():
            os.chmod(f, 0o600)
    readers = make_engine(paths.database, key, for_writing=False)
    return AppContext(paths, engine, make_session_factory(engine, hold_loaded=True), readers, make_session_factory(readers),
                      clock or china_now, backup_made=backup)

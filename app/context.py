"""The open application: database, clock, terminal settings and the working-day calendar.

Every use case takes an AppContext and an Actor and runs one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Paths
from app.rules.workdays import WorkCalendar, parse_calendar_file
from app.storage.db import make_engine, make_session_factory
from app.storage.migrate import upgrade_with_backup
from app.storage.models import CalendarYear, Setting

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def china_now() -> datetime:
    return datetime.now(CHINA_TZ).replace(microsecond=0)


DEFAULT_SETTINGS = {
    "terminal_id": "YC-ZWFW-DEMO-01",
    "area_code": "620321",
    "county": "永昌县",
    "hall_name": "永昌县政务服务中心",
    "review_body": "永昌县人民政府",
    "court": "永昌县人民法院",
    "demo": "1",
}


@dataclass
class AppContext:
    paths: Paths
    engine: Engine
    sessions: sessionmaker[Session]
    read_engine: Engine
    read_sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = china_now
    settings: dict[str, str] = field(default_factory=dict)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    backup_made: object = None

    def now(self) -> datetime:
        # Stored naive in China time: the hall's legal dates are China dates.
        return self.clock().astimezone(CHINA_TZ).replace(tzinfo=None)

    def today(self) -> date:
        return self.now().date()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only look: never holds the write lock, never blocks a save."""
        with self.read_sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()

    def setting(self, key: str) -> str:
        return self.settings.get(key, DEFAULT_SETTINGS.get(key, ""))

    def reload_settings(self) -> None:
        with self.read() as s:
            self.settings = {row.key: row.value for row in s.scalars(select(Setting))}

    def reload_calendar(self) -> None:
        """Platform calendar files stored in the database override the package default."""
        with self.read() as s:
            overrides = {row.year: parse_calendar_file(row.data) for row in s.scalars(select(CalendarYear))}
        self.calendar = WorkCalendar(overrides)


def open_context(paths: Paths, clock: Callable[[], datetime] | None = None) -> AppContext:
    """Open (creating or upgrading, after a backup) the database in `paths`."""
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(paths.database)
    backup = upgrade_with_backup(engine, paths.database, paths.backups)
    readers = make_engine(paths.database, for_writing=False)
    ctx = AppContext(paths, engine, make_session_factory(engine), readers, make_session_factory(readers),
                     clock or china_now, backup_made=backup)
    ctx.reload_settings()
    ctx.reload_calendar()
    return ctx

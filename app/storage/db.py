"""The SQLite engine: encrypted with SQLCipher (the terminal's key, app/storage/keys.py), WAL,
synchronous=FULL, foreign keys, and write transactions that take the write lock at BEGIN so two
windows on one database never interleave."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2 as sqlcipher

from app.storage.keys import pragma_key
from app.storage.prepared import execute_driver

# How long a save waits for another writer (the sync thread, a second window) before the clerk
# is told "另一个程序正在使用数据库" — long enough for any batch of ours, short enough to say so.
BUSY_SECONDS = 5.0

# Prepared statements kept per connection. The driver's cache (sqlcipher3, pysqlite's older
# code, src/cache.c) holds 100 and is ordered by use count: once full, a statement seen for
# the first time is put last and thrown out by the next new one, so it is compiled again at
# every run. A terminal's connection meets a hundred different statements early in its day
# (the schema upgrade alone runs over a hundred), after which the save's statements were
# compiled on every save: 1.75 instead of 1.36 ms of CPU per save, measured. The app has a few
# hundred statements in all; a cached one takes 4–11 KB.
STATEMENT_CACHE = 512


def make_engine(db_path: Path, key: bytes, for_writing: bool = True) -> Engine:
    """The writer's engine takes the write lock at BEGIN; the readers' engine starts
    ordinary deferred transactions, so in WAL mode the screens keep reading while a
    case is being saved. SQLCipher through SQLAlchemy's own SQLite dialect: the database, its
    WAL and every backup are encrypted pages on disk."""
    engine = create_engine(f"sqlite:///{db_path}", module=sqlcipher,
                           connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS,
                                         "cached_statements": STATEMENT_CACHE})
    _configure_sqlite(engine, key, for_writing)
    return engine


def connect_raw(db_path: Path, key: bytes) -> Any:
    """A plain DB-API connection to the encrypted database (backups, tools, tests)."""
    conn = sqlcipher.connect(str(db_path), timeout=BUSY_SECONDS)
    conn.execute(pragma_key(key))
    return conn


def _configure_sqlite(engine: Engine, key: bytes, for_writing: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: object) -> None:
        # Let SQLAlchemy's begin event decide how transactions start (pysqlite's own
        # implicit BEGIN would be a deferred one).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(pragma_key(key))  # first, before the file is read at all
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed case survives a power cut, not just a process crash.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE: the audit chain reads the last hash and appends in one transaction;
        # taking the write lock up front keeps the chain linear with several writers.
        # On the driver's cursor (app.storage.prepared): Core's statement machinery was
        # 20 µs of every save, before its commit; errors still come as SQLAlchemy's.
        execute_driver(conn, "BEGIN IMMEDIATE" if for_writing else "BEGIN")


def make_session_factory(engine: Engine, hold_loaded: bool = False) -> sessionmaker[Session]:
    """`hold_loaded` (units of work): each session keeps every row it loaded until it ends. A
    session's identity map keeps an unchanged row only while something else refers to it, so a
    row a use case asked for twice was read from the database twice — 受理 read its item four
    times, and its clerk, applicant and 文号 sequence twice each."""
    factory = sessionmaker(engine, expire_on_commit=False)
    if hold_loaded:
        event.listen(factory, "loaded_as_persistent", _hold)
    return factory


def _hold(session: Session, instance: object) -> None:
    session.info.setdefault("held", []).append(instance)


def pragma(engine: Engine, name: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

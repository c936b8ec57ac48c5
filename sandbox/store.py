"""The sandbox's own store: a SQLite file in the data directory (WAL). Tables are created with
metadata.create_all — this is the sandbox's database, not the terminal's, and a training
copy is thrown away rather than migrated.

All access happens on the server's event-loop thread (routes and the back office are async
and call this synchronously), so there is exactly one writer and no locking to get wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Engine, ForeignKey, Integer, String, UniqueConstraint, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

DB_FILE = "sandbox.db"


# Datetimes are stored naive in Beijing time (sandbox/clock.py converts at the edges).


class Base(DeclarativeBase):
    pass


class Terminal(Base):
    __tablename__ = "terminals"
    terminal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column(DateTime())
    # Added by the hall issue (sync/contract/__init__.py "Authentication", "Re-enrolment").
    hall: Mapped[str] = mapped_column(String(100), default="")
    window: Mapped[str] = mapped_column(String(100), default="")
    desk: Mapped[str] = mapped_column(String(20), default="window")
    document_code: Mapped[str] = mapped_column(String(2), default="")
    one_time: Mapped[int] = mapped_column(Integer, default=0)  # 1: enrolled with a one-time code
    replaces: Mapped[str] = mapped_column(String(64), default="")  # the predecessor it succeeds
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    # Added by the data-protection issue: the terminal's Ed25519 public key (hex), "" until registered.
    public_key: Mapped[str] = mapped_column(String(64), default="")


class EnrolmentCode(Base):
    """A one-time enrolment code (stored as its sha256) and what it assigns."""

    __tablename__ = "enrolment_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(6))
    hall: Mapped[str] = mapped_column(String(100))
    window: Mapped[str] = mapped_column(String(100))
    desk: Mapped[str] = mapped_column(String(20), default="window")
    county: Mapped[str] = mapped_column(String(50), default="")
    review_body: Mapped[str] = mapped_column(String(100), default="")
    court: Mapped[str] = mapped_column(String(100), default="")
    replaces: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime())
    used_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    used_by: Mapped[str] = mapped_column(String(64), default="")
    # The enrolling terminal's request id: the same request may fetch a lost answer again.
    request_id: Mapped[str] = mapped_column(String(64), default="")


class ClerkAccount(Base):
    __tablename__ = "clerks"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    window_no: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))


class Token(Base):
    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"))
    username: Mapped[str] = mapped_column(String(64), default="")  # "" = a terminal token
    expires_at: Mapped[datetime] = mapped_column(DateTime())


class CatalogEntry(Base):
    """The item as it stands now (catalog-file dict, status fields included)."""

    __tablename__ = "catalog_items"
    implementation_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class CatalogChangeRow(Base):
    """Every change in order; the cursor of /catalog/changes is the last seq seen."""

    __tablename__ = "catalog_changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    implementation_code: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # an ItemUpsert / ItemStatusChange as JSON


class ItemStatusPeriod(Base):
    """When an item was in which status: events are judged by the status at their time."""

    __tablename__ = "item_status_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    implementation_code: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    since: Mapped[date] = mapped_column(Date)


class NumberCounter(Base):
    __tablename__ = "number_counters"
    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    next_serial: Mapped[int] = mapped_column(Integer)


class Lease(Base):
    __tablename__ = "number_leases"
    __table_args__ = (UniqueConstraint("terminal_id", "request_id"),)
    lease_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    leased_at: Mapped[datetime] = mapped_column(DateTime())


class PlatformCase(Base):
    __tablename__ = "cases"
    case_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(String(64), index=True)  # the terminal that received it
    item_code: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(DateTime())
    hall: Mapped[str] = mapped_column(String(100), default="")  # the receiving terminal's hall
    handed_to_hall: Mapped[str] = mapped_column(String(100), default="")  # 代收代办: handed over to this hall
    # Back office: when the next step is due (None = not in the back office's hands).
    office_due_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True, index=True)


class AppliedEvent(Base):
    """One row per event applied. event_id is unique: the same event can never apply twice."""

    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    terminal_id: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime())
    applied_at: Mapped[datetime] = mapped_column(DateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class EventReceipt(Base):
    """Every answer other than "applied" (duplicate, rejected): the evidence behind /sandbox/stats."""

    __tablename__ = "event_receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(DateTime())


class ProgressRow(Base):
    __tablename__ = "progress"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    progress_id: Mapped[str] = mapped_column(String(40), unique=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    terminal_id: Mapped[str] = mapped_column(String(64), index=True)
    step: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime())
    note: Mapped[str] = mapped_column(String(500), default="")
    # What comes with the step: {"certificate": IssuedCertificate} or {"delivery": DeliveryConfirmation}.
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class SigningKey(Base):
    """The platform's own Ed25519 key (one row): it countersigns audit receipts."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    private_key: Mapped[str] = mapped_column(String(64))  # hex
    created_at: Mapped[datetime] = mapped_column(DateTime())


class CheckpointRow(Base):
    """Every audit checkpoint the platform confirmed, per terminal: its history of the chain."""

    __tablename__ = "audit_checkpoints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    terminal_id: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    anchor_seq: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(128))
    confirmed_at: Mapped[str] = mapped_column(String(40))
    platform_signature: Mapped[str] = mapped_column(String(128))


class AttachmentBlob(Base):
    """Content the platform holds, once per hash (the bytes are a file in the data dir:
    sandbox/attachments.py)."""

    __tablename__ = "attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(40))
    stored_at: Mapped[datetime] = mapped_column(DateTime())


class AttachmentLink(Base):
    """A page of a case's material. `confirmed` once the declaring terminal has proved it has the
    content (uploaded it, or could already see it): only confirmed links open the content."""

    __tablename__ = "attachment_links"
    __table_args__ = (UniqueConstraint("sha256", "case_number", "material_name", "page_no", "terminal_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    material_name: Mapped[str] = mapped_column(String(200))
    page_no: Mapped[int] = mapped_column(Integer)
    terminal_id: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    declared_at: Mapped[datetime] = mapped_column(DateTime())
    confirmed: Mapped[int] = mapped_column(Integer, default=0)


class Store:
    def __init__(self, data_dir: Path):
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_FILE
        self.engine: Engine = create_engine(f"sqlite:///{self.path}")
        event.listen(self.engine, "connect", _pragmas)
        Base.metadata.create_all(self.engine)
        _add_missing_columns(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on any error."""
        with self._sessions() as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()


def _add_missing_columns(engine: Engine) -> None:
    """A store made before a column was added gets it (NULL / the default for old rows):
    the demo platform's data dir lives on between versions."""
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            have = {row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{table.name}")')}
            for col in table.columns:
                if col.name in have:
                    continue
                default = col.default.arg if col.default is not None and not callable(col.default.arg) else None
                literal = "" if default is None else (f" DEFAULT {default}" if isinstance(default, int)
                                                      else " DEFAULT '" + str(default).replace("'", "''") + "'")
                conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{col.name}" '
                                     f'{col.type.compile(engine.dialect)}{literal}')


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL survives a killed process (what the restart switch does); only an OS crash
    # could lose the last commits, which is acceptable for a sandbox.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()

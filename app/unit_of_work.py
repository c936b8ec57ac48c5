"""One unit of work per use case (cosmicpython's UoW): one transaction, the acting person
(never None), the time read once, a settings snapshot, the calendar, and a collector of what
changed. Everything a use case writes — domain rows, the audit record, the outbox event —
commits together or not at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.actor import Actor
from app.changes import Changes
from app.errors import StorageError
from app.events import checked_data
from app.rules.workdays import WorkCalendar, parse_calendar_file
from app.settings import Settings
from app.storage.audit import AuditDraft, append_drafts, canonical_json
from app.storage.integrity import (
    TerminalKeys,
    append_baseline,
    create_keys,
    note_touched,
    note_written,
    stored_keys,
    touched_state,
)
from app.storage.models import CalendarYear, Setting
from app.storage.outbox import enqueue

if TYPE_CHECKING:
    from app.context import AppContext


@dataclass
class ChangeCollector:
    """Filled while the use case runs; `freeze()` is what the views are told."""

    cases: set[str] = field(default_factory=set)
    catalog: bool = False
    outbox: bool = False
    clerks: bool = False
    settings: bool = False
    calendar: bool = False
    numbers: bool = False

    def case(self, number: str) -> None:
        self.cases.add(number)

    def freeze(self) -> Changes:
        return Changes(frozenset(self.cases), self.catalog, self.outbox, self.clerks, self.settings, self.numbers)


class UnitOfWork:
    def __init__(self, ctx: AppContext, session: Session, actor: Actor):
        if actor is None:  # a programming error, never a user's: every change has an author
            raise TypeError("a unit of work needs an acting person or system actor")
        self.session, self.actor = session, actor
        self._ctx = ctx
        self._keys: TerminalKeys | None = None
        # Audit records stated so far, chained and written when the transaction is sealed (or
        # before anything else appends to the chain): one head read and one INSERT per unit of
        # work, no flush forced in the middle of the use case, and the last record is written
        # once, with its row state, instead of written and then updated.
        self._drafts: list[AuditDraft] = []
        self.audit_head = ""  # the head this unit of work wrote, for the context once committed
        self._connection: Connection | None = None
        self.now: datetime = ctx.now()  # read once: every row of this transaction has the same time
        self.settings: Settings = ctx.settings
        self.terminal_id = self.settings.get("terminal_id")
        self._calendar = ctx.calendar
        self._calendar_stale = False
        self.changes = ChangeCollector()

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for Core and prepared statements (the save path): asked of the
        session once, not at every statement."""
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def calendar(self) -> WorkCalendar:
        """The calendar as this transaction sees it: a year stored a moment ago counts at once."""
        if self._calendar_stale:
            self.session.flush()
            self._calendar = load_calendar(self.session)
            self._calendar_stale = False
        return self._calendar

    def put_calendar_year(self, row: CalendarYear) -> None:
        """Store a year's official calendar; this transaction and the next see it."""
        if row not in self.session:
            self.session.add(row)
        self.changes.calendar = True
        self._calendar_stale = True

    def audit(self, action: str, entity: str, key: str, detail: dict, by: str = "") -> None:
        """`by` names who tried when the actor is the terminal acting for someone not yet
        authenticated (a login attempt); otherwise the actor's own name."""
        self.keys()  # a terminal's first audited unit of work makes its key (and baseline) first
        self._drafts.append(AuditDraft(self.now.isoformat(), by or self.actor.username, action, entity, key,
                                       canonical_json(detail)))

    def keys(self) -> TerminalKeys:
        """The terminal's signing keys; the first unit of work that audits anything makes them
        (app/storage/integrity.py). Cached on the context only once read back from the
        database, so a rolled-back creation is never used."""
        if self._keys is None:
            self._keys = self._ctx.terminal_keys or stored_keys(self.session)
            if self._keys is not None:
                self._ctx.terminal_keys = self._keys
            else:
                self._keys = create_keys(self.session, self.now, self.actor.username)
        return self._keys

    def rebind_rows(self) -> None:
        """State every case and party row as it is now (a restore put older rows in place)."""
        self._write_drafts()
        append_baseline(self.session, self.now, self.actor.username, self.keys().mac_key)

    def _write_drafts(self, state: str = "") -> None:
        if self._drafts:
            self.session.flush()  # records added through the ORM (key, baseline) keep their place
            self.audit_head = append_drafts(self.session, self._drafts, self.keys().mac_key, state,
                                            head_guess=self.audit_head or self._ctx.audit_head)
            self._drafts = []

    def touched(self, table: str, row_id: int) -> None:
        """A `cases`/`parties` row written without the ORM: sealed like an ORM-flushed one."""
        note_touched(self.session, table, row_id)

    def inserted(self, table: str, row: Mapping[str, Any]) -> None:
        """A `cases`/`parties` row as its INSERT … RETURNING gave it back: sealed as returned."""
        note_written(self.session, table, row)

    def seal(self) -> None:
        """At the end of the transaction: state the hashes of the case and party rows it wrote
        in its last audit record (or in a "rows.state" record when it audited nothing)."""
        self.session.flush()
        state = touched_state(self.session)
        if state and not self._drafts:
            self.audit("rows.state", "rows", "", {})
        self._write_drafts(state)

    def send(self, case_number: str, data: object) -> dict:
        """Queue a platform event (typed, checked first) and audit it; returns what was sent."""
        kind = type(data).kind  # type: ignore[attr-defined]
        wire = checked_data(kind, data)
        self.audit(kind, "case", case_number, wire)
        enqueue(self.connection, kind, case_number, self.now, self.terminal_id, self.actor.username, wire)
        self.changes.outbox = True
        return wire

    def put_setting(self, key: str, value: str) -> str:
        """Store one setting; the next unit of work sees it. Returns the old value, for the
        caller's audit record (set_sync_setting audits every change of the platform settings)."""
        row = self.session.get(Setting, key)
        before = row.value if row else ""
        if row is None:
            self.session.add(Setting(key=key, value=value))
        else:
            row.value = value
        self.settings = Settings({**self.settings.stored, key: value})
        self.changes.settings = True
        return before


def load_settings(session: Session) -> Settings:
    return Settings({row.key: row.value for row in session.scalars(select(Setting))})


def load_calendar(session: Session) -> WorkCalendar:
    """Platform calendar files stored in the database override the package default."""
    return WorkCalendar({row.year: parse_calendar_file(row.data) for row in session.scalars(select(CalendarYear))})


@contextmanager
def unit_of_work(ctx: AppContext, actor: Actor) -> Iterator[UnitOfWork]:
    try:
        with ctx.sessions() as session, session.begin():
            uow = UnitOfWork(ctx, session, actor)
            yield uow
            uow.seal()
            session.flush()
    except OperationalError as exc:
        raise storage_error(exc, ctx) from exc
    if uow.audit_head:
        ctx.audit_head = uow.audit_head  # committed: the next unit of work's guess (checked when used)
    if uow.changes.settings or uow.changes.calendar:
        ctx.invalidate()  # settings and calendar changes reach the next unit of work by themselves


def storage_error(exc: Exception, ctx: AppContext) -> StorageError:
    """A clerk-readable StorageError for what SQLite said (the raw text goes to the log)."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "full" in text or "disk i/o" in text:
        try:
            free = shutil.disk_usage(ctx.paths.data_dir).free // (1024 * 1024)
            where = f"数据所在磁盘（{ctx.paths.data_dir.anchor or ctx.paths.data_dir}）仅剩 {free} MB"
        except OSError:
            where = "数据所在磁盘已满"
        return StorageError("STORAGE_DISK_FULL", f"磁盘空间不足，本次内容未保存：{where}。请清理磁盘后重试，屏幕上的内容仍在。",
                            str(exc))
    if "locked" in text or "busy" in text:
        return StorageError("STORAGE_BUSY", "另一个程序正在使用数据库，本次内容未保存。请稍候再试；如反复出现，请关闭其他程序或联系信息中心。",
                            str(exc))
    return StorageError("STORAGE_FAILED", "本机数据库未能完成此操作，本次内容未保存，屏幕上的内容仍在。请重试；如仍失败请联系信息中心。",
                        str(exc))

"""Typed SQLAlchemy models. Nothing is ever deleted: rows are superseded or marked."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Clerk(Base):
    __tablename__ = "clerks"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    window_no: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Lockout after repeated wrong passwords at this terminal (a supervisor may unlock).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ServiceItem(Base):
    __tablename__ = "service_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    implementation_code: Mapped[str] = mapped_column(String(64), unique=True)
    basic_code: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[str] = mapped_column(String(20))
    department: Mapped[str] = mapped_column(String(100))
    handling_kind: Mapped[str] = mapped_column(String(10))
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    acceptance_conditions: Mapped[str] = mapped_column(Text, default="")
    process: Mapped[str] = mapped_column(Text, default="")
    legal_limit_days: Mapped[int] = mapped_column(Integer)
    committed_limit_days: Mapped[int] = mapped_column(Integer)
    fee_basis: Mapped[str] = mapped_column(Text, default="")
    handling_form: Mapped[str] = mapped_column(String(100), default="")
    visits: Mapped[int] = mapped_column(Integer, default=1)
    result_sample: Mapped[str] = mapped_column(Text, default="")
    consultation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="active")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    special_procedures: Mapped[list] = mapped_column(JSON, default=list)
    # Lower-case name, codes, department, full pinyin and initials: what the search box matches.
    search_key: Mapped[str] = mapped_column(Text, default="")
    catalog_revision: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    materials: Mapped[list[Material]] = relationship(
        back_populates="item", order_by="Material.position", cascade="all, delete-orphan"
    )


class Material(Base):
    __tablename__ = "materials"
    __table_args__ = (UniqueConstraint("item_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean)
    form: Mapped[str] = mapped_column(String(20))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    media: Mapped[str] = mapped_column(String(20))
    tolerable: Mapped[bool] = mapped_column(Boolean, default=False)
    platform_verifiable: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Retired materials stay for old cases' history; the item no longer asks for them.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    item: Mapped[ServiceItem] = relationship(back_populates="materials")


class Party(Base):
    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # person | organisation
    name: Mapped[str] = mapped_column(String(200), index=True)
    id_type: Mapped[str] = mapped_column(String(20), default="")
    id_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    legal_rep: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_received_at", "received_at"),
        Index("ix_cases_clerk_received", "clerk_id", "received_at"),
        Index("ix_cases_state_updated", "state", "updated_at"),  # 待领取, oldest first; any lookup by state
        # Most applicants come without an agent: their NULLs are not indexed, so a save that
        # names no agent writes no page of this index (migration 0015).
        Index("ix_cases_agent_id", "agent_id", sqlite_where=text("agent_id IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), nullable=True)
    authorisation: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(12))
    clerk_id: Mapped[int] = mapped_column(ForeignKey("clerks.id"))
    window_no: Mapped[str] = mapped_column(String(20), default="")
    terminal_id: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    received_on: Mapped[date] = mapped_column(Date)  # "today" is a range of ix_cases_received_at
    round: Mapped[int] = mapped_column(Integer, default=1)
    round_received_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(24))  # indexed by ix_cases_state_updated
    accepted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    acceptance_basis: Mapped[str] = mapped_column(String(12), default="")  # decision | deemed
    reject_ground: Mapped[str] = mapped_column(String(40), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    competent_agency: Mapped[str] = mapped_column(String(200), default="")
    remedy: Mapped[str] = mapped_column(Text, default="")
    acceptance_due: Mapped[date] = mapped_column(Date)
    committed_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    legal_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    # The deadline that matters in the current state and the day it turns yellow,
    # stored so "near or past deadline" is an index range scan, not a per-row computation.
    watch_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    watch_yellow_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    # What the one-time notice asked the applicant to bring by (the list shows it while 待补正).
    supplement_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class MaterialSubmission(Base):
    __tablename__ = "material_submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    provided: Mapped[str] = mapped_column(String(12))  # original | copy | electronic | none
    pages: Mapped[int] = mapped_column(Integer, default=0)
    reused_from_case: Mapped[str] = mapped_column(String(32), default="")
    platform_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    tolerated: Mapped[bool] = mapped_column(Boolean, default=False)
    promise_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    clerk_note: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(String(12), default="")  # missing | incorrect
    problem_note: Mapped[str] = mapped_column(Text, default="")


class CaseEvent(Base):
    """The case's timeline: one row per transition or recorded act."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(24), default="")
    to_state: Mapped[str] = mapped_column(String(24), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class ClockSuspension(Base):
    __tablename__ = "clock_suspensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    procedure: Mapped[str] = mapped_column(String(40))
    limit_days: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class OutboxEvent(Base):
    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_answered_at", "answered_at", sqlite_where=text("answered_at IS NOT NULL")),)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # The last answer: max() by a partial index — an event is queued unanswered, so queuing
    # one writes no page of it (migrations 0014, 0015).
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Sync bookkeeping (app/usecases/sync_state.py): status pending → sending → done | attention.
    # "sending" is written durably before the HTTP call, so a crash mid-batch resends it.
    batch_id: Mapped[str] = mapped_column(String(36), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    answer: Mapped[str] = mapped_column(String(12), default="")  # applied | duplicate | rejected


class AuditRecord(Base):
    """Append-only, hash-chained: each record holds the hash of the one before."""

    __tablename__ = "audit_records"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO text: hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON text
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Since 0010: the hashes of the case and party rows as this record's transaction left them
    # (canonical JSON, "" when it touched none), and an HMAC of `hash` with a key derived from
    # the terminal's signing key ("" only on records from before the key existed).
    state: Mapped[str] = mapped_column(Text, default="")
    mac: Mapped[str] = mapped_column(String(64), default="")


class NumberBlock(Base):
    __tablename__ = "number_blocks"
    __table_args__ = (Index("ix_number_blocks_prefix_open", "prefix", "exhausted"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16))  # area code + year
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    next: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # demo | platform
    leased_at: Mapped[datetime] = mapped_column(DateTime)
    exhausted: Mapped[bool] = mapped_column(Boolean, default=False)


class CalendarYear(Base):
    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

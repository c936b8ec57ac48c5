"""Tables of the sync with the platform (DESIGN.md §6): cursors, the terminal's registration,
credentials cached at online login, and the "needs attention" list for rejected events.

Nothing here is ever deleted: an attention item is resolved (who, when, what was done),
a credential is superseded by the next online login.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base


class SyncCursor(Base):
    """Where each pull stopped (catalog, progress) and when the last full sync succeeded."""

    __tablename__ = "sync_cursors"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class PlatformRegistration(Base):
    """The terminal as the platform knows it. One row per platform URL the terminal was
    registered with; the current one is the row matching the `platform_url` setting."""

    __tablename__ = "platform_registrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_url: Mapped[str] = mapped_column(String(300), unique=True)
    terminal_id: Mapped[str] = mapped_column(String(60))
    # The terminal's own credential: used to get a fresh token when the old one expires.
    terminal_secret: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(Text, default="")
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    # Since 0010: the platform's Ed25519 public key (hex), pinned at enrolment or at the first
    # key exchange, and when this terminal's own public key was registered with that platform.
    platform_key: Mapped[str] = mapped_column(String(64), default="")
    key_registered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class OnlineCredential(Base):
    """The argon2 hash of the password that last succeeded against the platform, so the
    clerk can log in offline next time (and only a clerk who logged in online before)."""

    __tablename__ = "online_credentials"
    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    window_no: Mapped[str] = mapped_column(String(20), default="")
    last_online_login_at: Mapped[datetime] = mapped_column(DateTime)


class AttentionItem(Base):
    """An event the platform rejected: it waits here until a person resolves it."""

    __tablename__ = "attention_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_seq: Mapped[int] = mapped_column(ForeignKey("outbox_events.seq"), index=True)
    case_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    # Open while resolution is "": then requeue | acknowledge.
    resolution: Mapped[str] = mapped_column(String(12), default="", index=True)
    resolved_by: Mapped[str] = mapped_column(String(40), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    attempt: Mapped[int] = mapped_column(Integer, default=1)

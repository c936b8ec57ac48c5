"""Tables of the tamper-evident audit (issue 12, requirement 3): the terminal's signing key and
every audit checkpoint sent to the platform with the platform's answer (the countersigned
receipt, or why it was refused). See docs/ARCHITECTURE.md "Audit that cannot be rewritten".

Nothing here is ever deleted: a checkpoint row is the evidence verify-audit checks against.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base


class TerminalKey(Base):
    """The terminal's Ed25519 key pair (one row). The private key lives only here, inside the
    encrypted database: never in a file, a setting, the audit log or a log line."""

    __tablename__ = "terminal_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    private_key: Mapped[str] = mapped_column(String(64))  # raw 32 bytes, hex
    public_key: Mapped[str] = mapped_column(String(64))  # raw 32 bytes, hex (what the platform holds)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditCheckpoint(Base):
    """One signed checkpoint (terminal, last audit seq, head hash) sent to a platform, and its
    answer: "confirmed" with the platform's countersignature, or "rejected" with the code."""

    __tablename__ = "audit_checkpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_url: Mapped[str] = mapped_column(String(300))
    terminal_id: Mapped[str] = mapped_column(String(60))
    seq: Mapped[int] = mapped_column(Integer, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[str] = mapped_column(String(40))  # as signed (contract timestamp text)
    outcome: Mapped[str] = mapped_column(String(12), index=True)  # confirmed | rejected
    code: Mapped[str] = mapped_column(String(60), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[str] = mapped_column(String(40), default="")  # the platform's time, as countersigned
    platform_signature: Mapped[str] = mapped_column(String(128), default="")  # hex
    stored_at: Mapped[datetime] = mapped_column(DateTime)

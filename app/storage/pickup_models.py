"""The pick-up desk's records: each certificate handed over or mailed, and each spoiled blank."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base


class Handover(Base):
    """领取 or 邮寄送达: who, how identity was checked, the signature — never the agent's full ID."""

    __tablename__ = "handovers"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # collect | mail
    mode: Mapped[str] = mapped_column(String(16))  # self | agent | organisation | mail
    collector_name: Mapped[str] = mapped_column(String(100), default="")
    collector_id_masked: Mapped[str] = mapped_column(String(32), default="")
    identity_method: Mapped[str] = mapped_column(String(40), default="")
    blank_serial: Mapped[str] = mapped_column(String(40), default="")
    signature_sha256: Mapped[str] = mapped_column(String(64), default="")
    signature_png: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    override_by: Mapped[str] = mapped_column(String(40), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    courier: Mapped[str] = mapped_column(String(40), default="")
    tracking_no: Mapped[str] = mapped_column(String(40), default="", index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    by: Mapped[str] = mapped_column(String(40))


class SpoiledBlank(Base):
    """A pre-printed certificate blank spoiled in printing (作废): its serial and why."""

    __tablename__ = "spoiled_blanks"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    serial: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(40))
    pages: Mapped[int] = mapped_column(Integer, default=1)

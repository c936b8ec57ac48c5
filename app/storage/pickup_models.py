"""The pick-up desk's records: each certificate handed over or mailed, and each spoiled blank."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
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
    # 邮寄送达: the courier's delivery confirmation, as the platform relayed it (已送达)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    delivered_to: Mapped[str] = mapped_column(String(100), default="")


class HandoverPage(Base):
    """A page captured at the desk for a hand-over (授权委托书, the applicant's ID copy, a unit's
    letter): the image is an Attachment (inside the encrypted store), linked here by its hash."""

    __tablename__ = "handover_pages"
    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # authorisation | applicant_id_copy | unit_letter
    page_no: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"))
    # As for intake scans (material_pages): the platform confirmed it holds the page; NULL = to upload.
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    upload_error: Mapped[str] = mapped_column(String(300), default="")


class PlatformCertificate(Base):
    """The certificate the approving department issued, as the platform sent it with the
    certificate_ready step: pre-fills the pick-up desk and the certificate form."""

    __tablename__ = "platform_certificates"
    case_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    certificate_no: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    item_code: Mapped[str] = mapped_column(String(64))
    holder_name: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(DateTime)


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

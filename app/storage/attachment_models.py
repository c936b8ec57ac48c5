"""Scanned materials (材料电子化, 第十七条): page images kept by content hash inside the local store
(the same protected database as the cases, never loose files), and which material of which
case round each page belongs to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base


class Attachment(Base):
    __tablename__ = "attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # the same page is stored once
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # the platform has it


class MaterialPage(Base):
    __tablename__ = "material_pages"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    material_name: Mapped[str] = mapped_column(String(200))
    page_no: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"), index=True)
    # The platform confirmed it holds this page for the case (sync/contract/attachments.py);
    # NULL = still to upload (app/usecases/uploads.py).
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    upload_error: Mapped[str] = mapped_column(String(300), default="")  # the last attempt's, for the log and support

"""Issued documents: the snapshot each was rendered from, its hash, and every print of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base


class IssuedDocument(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    doc_number: Mapped[str] = mapped_column(String(60), unique=True)
    snapshot_json: Mapped[str] = mapped_column(Text)  # what the applicant was given, for every reprint
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")  # of the first (original) rendering
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[str] = mapped_column(String(40))


class DocumentPrint(Base):
    __tablename__ = "document_prints"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(40))
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    printer: Mapped[str] = mapped_column(String(200), default="")
    copies: Mapped[int] = mapped_column(Integer, default=1)


class DocumentSequence(Base):
    """The yearly serial of each department's documents on this terminal."""

    __tablename__ = "document_sequences"
    department: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)

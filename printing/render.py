"""Snapshot in, PDF out: the one entry point the app's UI and admin command call."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, is_dataclass
from functools import cache

from app.documents import DOCUMENT_TITLES, CopyMark, DocumentKind, DocumentSnapshot
from printing.certificates import render_calibration_pdf, render_certificate_pdf
from printing.fonts import missing_glyphs
from printing.handover import handover_story, title_of
from printing.layout import build_pdf
from printing.mailing_list import build_mailing_pdf
from printing.notices import notice_story


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: int
    sha256: str
    missing_glyphs: tuple[str, ...]  # characters that print as nothing: the clerk is warned before printing


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _strings(value: object) -> list[str]:
    """Every string in a snapshot, in order, walked in place (asdict would deep-copy it all)."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif is_dataclass(v):
            stack.extend(getattr(v, n) for n in reversed(_field_names(type(v))))
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list | tuple):
            stack.extend(reversed(v))
    return out


def snapshot_missing_glyphs(snapshot: DocumentSnapshot) -> tuple[str, ...]:
    return missing_glyphs("".join(_strings(snapshot)))


def _done(pdf: bytes, pages: int, missing: tuple[str, ...]) -> RenderedDocument:
    return RenderedDocument(pdf, pages, hashlib.sha256(pdf).hexdigest(), missing)


def render_document(snapshot: DocumentSnapshot, *, copy: CopyMark | None = None,
                    offset_mm: tuple[float, float] = (0.0, 0.0)) -> RenderedDocument:
    missing = snapshot_missing_glyphs(snapshot)
    if snapshot.kind == DocumentKind.CERTIFICATE:
        return _done(render_certificate_pdf(snapshot, offset_mm), 1, missing)
    if snapshot.kind == DocumentKind.CALIBRATION:
        return render_calibration(snapshot.certificate_type, offset_mm)
    if snapshot.kind == DocumentKind.MAILING_LIST:
        return _done(*build_mailing_pdf(snapshot, copy), missing)
    if snapshot.kind == DocumentKind.HANDOVER_RECEIPT:
        pdf, pages = build_pdf(snapshot, title_of(snapshot), handover_story(snapshot), copy)
        return _done(pdf, pages, missing)
    pdf, pages = build_pdf(snapshot, DOCUMENT_TITLES[snapshot.kind], notice_story(snapshot), copy)
    return _done(pdf, pages, missing)


def render_calibration(certificate_type: str, offset_mm: tuple[float, float] = (0.0, 0.0)) -> RenderedDocument:
    return _done(render_calibration_pdf(certificate_type, offset_mm), 1, ())

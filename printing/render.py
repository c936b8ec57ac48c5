"""Snapshot in, PDF out: the one entry point the app's UI and admin command call."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from operator import attrgetter

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
def _field_values(cls: type) -> Callable[[object], tuple[object, ...]]:
    """A dataclass's field values, last field first, in one call."""
    names = [f.name for f in reversed(fields(cls))]
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda v: (get(v),)


_LEAVES = frozenset({type(None), bool, int, float, date, datetime})  # nothing to walk into


def _strings(value: object) -> list[str]:
    """Every string in a snapshot, in order, walked in place (asdict would deep-copy it all)."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is str:
            out.append(v)
        elif t in _LEAVES:
            continue
        elif t is tuple or t is list:
            stack.extend(reversed(v))
        elif isinstance(v, str):
            out.append(v)
        elif is_dataclass(v):
            stack.extend(_field_values(t)(v))
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
    pdf, pages = build_pdf(snapshot, DOCUMENT_TITLES[snapshot.kind], notice_story(snapshot), copy, common_glyphs=True)
    return _done(pdf, pages, missing)


def render_calibration(certificate_type: str, offset_mm: tuple[float, float] = (0.0, 0.0)) -> RenderedDocument:
    return _done(render_calibration_pdf(certificate_type, offset_mm), 1, ())

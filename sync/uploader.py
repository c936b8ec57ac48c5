"""Scanned pages to the platform (sync/contract/attachments.py), on the sync thread after the
outbox push (the platform must know a case before it takes its pages).

Per page: declare it (the platform answers what it already has), send only the missing chunks,
and mark the page uploaded once the platform says it holds it for the case. Nothing about
chunks is kept locally: after a kill the next sync simply declares again, so a chunk that
reached the platform is never sent again, and a page the platform holds costs one small
request and no bytes. A page the platform refuses (its case unknown or not this terminal's)
keeps waiting with the reason and never holds up the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.context import AppContext
from app.usecases.uploads import (
    HANDOVER,
    MATERIAL,
    PageUpload,
    mark_upload_failed,
    mark_uploaded,
    pending_uploads,
    read_range,
)
from sync.api import PlatformApi
from sync.contract import chunk_range
from sync.http import PlatformProtocolError, PlatformRefused

PAGE_BATCH = 50


@dataclass
class UploadSummary:
    pages: int = 0  # confirmed by the platform this cycle
    already_there: int = 0  # of which the platform already had every byte (nothing sent)
    chunks: int = 0
    bytes: int = 0
    refused: int = 0  # pages the platform refused this cycle (they keep waiting)


def upload_pending(ctx: AppContext, api: PlatformApi, on_page: Callable[[UploadSummary], None] | None = None,
                   on_chunk: Callable[[UploadSummary], None] | None = None) -> UploadSummary:
    """Upload every page waiting whose case the platform knows. A link error propagates
    (the page stays waiting; the next cycle resumes it)."""
    total = UploadSummary()
    for source in (MATERIAL, HANDOVER):  # intake scans, then the pick-up desk's papers
        _upload_source(ctx, api, source, total, on_page, on_chunk)
    return total


def _upload_source(ctx: AppContext, api: PlatformApi, source: str, total: UploadSummary,
                   on_page: Callable[[UploadSummary], None] | None,
                   on_chunk: Callable[[UploadSummary], None] | None) -> None:
    after = 0
    while True:
        pages = pending_uploads(ctx, PAGE_BATCH, after, source)
        if not pages:
            return
        for page in pages:
            after = page.page_id
            try:
                sent = _upload(ctx, api, page, total, on_chunk)
            except PlatformRefused as err:
                mark_upload_failed(ctx, page, err.platform_code or err.code, err.message)
                total.refused += 1
                continue
            mark_uploaded(ctx, page)
            total.pages += 1
            total.already_there += 0 if sent else 1
            if on_page is not None:
                on_page(total)


def _upload(ctx: AppContext, api: PlatformApi, page: PageUpload, total: UploadSummary,
            on_chunk: Callable[[UploadSummary], None] | None) -> int:
    """Chunks sent for this page (0: the platform had it)."""
    status = api.declare_attachment(page)
    if status.complete:
        return 0
    missing = [i for i in range(status.chunks) if i not in set(status.received)]
    if not missing:  # every chunk there yet not complete: the platform contradicts itself
        raise _unconfirmed(page)
    # One read of the page from the first missing chunk on: SQLite decrypts a BLOB's pages from
    # its start, so a read per chunk would cost the page again and again.
    first = chunk_range(page.size, missing[0], status.chunk_size)[0]
    tail = read_range(ctx, page.sha256, first, page.size - first)
    sent = 0
    for index in missing:
        offset, length = chunk_range(page.size, index, status.chunk_size)
        status = api.put_attachment_chunk(page.sha256, index, tail[offset - first:offset - first + length])
        sent += 1
        total.chunks += 1
        total.bytes += length
        if on_chunk is not None:
            on_chunk(total)
        if status.complete:
            break
    if not status.complete:
        raise _unconfirmed(page)
    return sent


def _unconfirmed(page: PageUpload) -> PlatformProtocolError:
    return PlatformProtocolError(f"平台没有确认收到完整的扫描件（{page.case_number} {page.material_name} 第 {page.page_no} 页）。")

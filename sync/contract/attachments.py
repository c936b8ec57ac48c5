"""Attachments: scanned pages of a case's materials (材料电子化), by content hash, uploaded in
chunks, resumable, idempotent by hash (DESIGN.md §6).

1. ``POST /api/v1/attachments`` with an ``AttachmentDeclaration`` (the page's sha256, size,
   media type, and the case number, material line and page it belongs to) →
   ``AttachmentStatus``: ``complete`` (the platform has the content and the page is linked to
   the case: send nothing) or the chunks this terminal has already delivered. Declaring again
   is harmless: it is also how a terminal resumes after a crash — it asks, then sends only the
   chunks not in ``received``. The case must be known to the platform (push its events first:
   409 ``CASE_UNKNOWN``) and the terminal entitled to it (403 ``CASE_NOT_ENTITLED``).
2. ``PUT /api/v1/attachments/{sha256}/chunks/{index}`` with the raw bytes of chunk ``index``
   (``application/octet-stream``): chunk i is bytes [i·CHUNK, min(size, (i+1)·CHUNK)) with
   ``ATTACHMENT_CHUNK_SIZE`` fixed here. A chunk of the wrong length is refused (422
   ``CHUNK_INVALID``); one already received is answered without storing it again. After the
   last chunk the platform checks the whole content against the hash (422
   ``ATTACHMENT_HASH_MISMATCH``, the received chunks discarded) and answers ``complete``.
3. ``GET /api/v1/attachments/{sha256}/content`` → the bytes, only to a terminal entitled to a
   case the attachment is linked to (the binding rules of "Binding every request to the
   terminal"); to anyone else 404 ``NOT_FOUND``, as for a hash the platform never saw.

The same content is stored once. A terminal that declares content the platform already holds
for a case it is entitled to sends nothing; a terminal that cannot already see that content
must upload it itself (a hash alone is no proof of having the page, so knowing a hash never
opens another hall's scan).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from sync.contract.wire import API_PREFIX, ContractModel

PATH_ATTACHMENTS = f"{API_PREFIX}/attachments"  # POST AttachmentDeclaration → AttachmentStatus
PATH_ATTACHMENT_CHUNK = f"{API_PREFIX}/attachments/{{sha256}}/chunks/{{index}}"  # PUT raw bytes → AttachmentStatus
PATH_ATTACHMENT_CONTENT = f"{API_PREFIX}/attachments/{{sha256}}/content"  # GET → raw bytes

ATTACHMENT_CHUNK_SIZE = 256 * 1024
MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024  # one page (the terminal refuses larger scans too)
ATTACHMENT_MEDIA_TYPES = ("image/jpeg", "application/pdf")

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def chunk_path(sha256: str, index: int) -> str:
    return PATH_ATTACHMENT_CHUNK.format(sha256=sha256, index=index)


def content_path(sha256: str) -> str:
    return PATH_ATTACHMENT_CONTENT.format(sha256=sha256)


def chunk_count(size: int, chunk_size: int = ATTACHMENT_CHUNK_SIZE) -> int:
    return max(1, -(-size // chunk_size))


def chunk_range(size: int, index: int, chunk_size: int = ATTACHMENT_CHUNK_SIZE) -> tuple[int, int]:
    """(offset, length) of chunk `index` of content of `size` bytes."""
    start = index * chunk_size
    return start, max(0, min(size, start + chunk_size) - start)


class AttachmentDeclaration(ContractModel):
    sha256: Sha256
    size: int = Field(gt=0, le=MAX_ATTACHMENT_BYTES)
    media_type: str
    case_number: str = Field(min_length=1, max_length=32)
    material_name: str = Field(min_length=1, max_length=200)  # the material line, as on the case's event
    page_no: int = Field(ge=1, le=999)


class AttachmentStatus(ContractModel):
    sha256: str
    size: int
    chunk_size: int = ATTACHMENT_CHUNK_SIZE
    chunks: int  # how many chunks the content has
    complete: bool  # the platform holds it and it is linked to the declared case: send nothing
    received: list[int] = Field(default_factory=list)  # chunks this terminal delivered so far

"""Scanned pages to the platform (issue 13 #4): which pages wait, their bytes chunk by chunk,
and marking what the platform confirmed. The sync thread (sync/uploader.py) moves the bytes.

A page waits until its case's ``case.receive`` event has been answered by the platform (the
platform must know the case before it takes pages for it). Nothing is marked uploaded until
the platform says it holds the page for the case; a kill at any point leaves the page
waiting, and the next sync asks the platform what it already has instead of sending again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select, update

from app.actor import SYSTEM
from app.case_states import Action
from app.context import AppContext
from app.storage.attachment_models import Attachment, MaterialPage
from app.storage.models import Case, OutboxEvent

RECEIVE_KIND = f"case.{Action.RECEIVE.value}"
DONE = "done"  # app/usecases/sync_state.py: the platform answered applied or duplicate


@dataclass(frozen=True)
class PageUpload:
    page_id: int
    sha256: str
    size: int
    media_type: str
    case_number: str
    material_name: str
    page_no: int


def _case_known_to_platform():  # noqa: ANN202 - a SQLAlchemy clause
    return exists().where(and_(OutboxEvent.case_number == Case.number, OutboxEvent.kind == RECEIVE_KIND,
                               OutboxEvent.status == DONE))


def pending_uploads(ctx: AppContext, limit: int = 100, after_id: int = 0) -> list[PageUpload]:
    """Pages not yet confirmed by the platform whose case it knows, oldest first."""
    q = (select(MaterialPage.id, MaterialPage.sha256, Attachment.size, Attachment.media_type, Case.number,
                MaterialPage.material_name, MaterialPage.page_no)
         .join(Case, Case.id == MaterialPage.case_id).join(Attachment, Attachment.sha256 == MaterialPage.sha256)
         .where(MaterialPage.uploaded_at.is_(None), MaterialPage.id > after_id, _case_known_to_platform())
         .order_by(MaterialPage.id).limit(max(1, limit)))
    with ctx.read() as s:
        return [PageUpload(*row) for row in s.execute(q).all()]


def read_range(ctx: AppContext, sha256: str, offset: int, length: int) -> bytes:
    """`length` bytes of a stored page from `offset`, cut by SQLite itself (substr on a BLOB):
    a resumed upload reads only what is still to send."""
    with ctx.read() as s:
        data = s.scalar(select(func.substr(Attachment.data, offset + 1, length)).where(Attachment.sha256 == sha256))
    if data is None:
        raise LookupError(sha256)
    return bytes(data)


def mark_uploaded(ctx: AppContext, page: PageUpload) -> None:
    """The platform holds this page for its case: never send it again."""
    with ctx.unit_of_work(SYSTEM) as uow:
        s, now = uow.session, uow.now
        s.execute(update(MaterialPage).where(MaterialPage.id == page.page_id, MaterialPage.uploaded_at.is_(None))
                  .values(uploaded_at=now, upload_error=""))
        s.execute(update(Attachment).where(Attachment.sha256 == page.sha256, Attachment.uploaded_at.is_(None))
                  .values(uploaded_at=now))
        uow.audit("attachment.upload", "attachment", page.sha256,
                  {"case": page.case_number, "material": page.material_name, "page": page.page_no, "size": page.size})


def mark_upload_failed(ctx: AppContext, page: PageUpload, code: str, message: str) -> None:
    """Why the platform refused this page; it stays waiting (tried again next sync)."""
    with ctx.unit_of_work(SYSTEM) as uow:
        uow.session.execute(update(MaterialPage).where(MaterialPage.id == page.page_id)
                            .values(upload_error=f"{code}: {message}"[:300]))

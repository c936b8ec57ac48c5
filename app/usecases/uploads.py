"""Scanned pages to the platform (issue 13 #4): which pages wait, their bytes chunk by chunk,
and marking what the platform confirmed. The sync thread (sync/uploader.py) moves the bytes.

A page waits until its case's ``case.receive`` event has been answered by the platform (the
platform must know the case before it takes pages for it). The pick-up desk's captured papers
(授权委托书, the applicant's ID copy, a unit's letter) go the same way once the collection or
mailing they prove has been answered, under the material name "领取凭证：<paper>". Nothing is marked uploaded until
the platform says it holds the page for the case; a kill at any point leaves the page
waiting, and the next sync asks the platform what it already has instead of sending again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select, update

from app.actor import SYSTEM
from app.case_states import Action
from app.context import AppContext
from app.rules.handover import PAGE_KINDS
from app.storage.attachment_models import Attachment, MaterialPage
from app.storage.models import Case, OutboxEvent
from app.storage.pickup_models import HandoverPage

RECEIVE_KIND = f"case.{Action.RECEIVE.value}"
HANDOVER_KINDS = (f"case.{Action.COLLECT.value}", f"case.{Action.MAIL.value}")
MATERIAL, HANDOVER = "material", "handover"  # the two kinds of page: intake scans, the desk's papers

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
    source: str = MATERIAL  # MATERIAL: page_id is a material_pages row; HANDOVER: a handover_pages row


def _answered(kinds: tuple[str, ...]):  # noqa: ANN202 - a SQLAlchemy clause
    return exists().where(and_(OutboxEvent.case_number == Case.number, OutboxEvent.kind.in_(kinds),
                               OutboxEvent.status == DONE))


def pending_uploads(ctx: AppContext, limit: int = 100, after_id: int = 0, source: str = MATERIAL) -> list[PageUpload]:
    """Pages of one kind not yet confirmed by the platform whose case (or, for the desk's papers,
    whose collection or mailing) it knows, oldest first."""
    if source == HANDOVER:
        q = (select(HandoverPage.id, HandoverPage.sha256, Attachment.size, Attachment.media_type, Case.number,
                    HandoverPage.kind, HandoverPage.page_no)
             .join(Case, Case.id == HandoverPage.case_id).join(Attachment, Attachment.sha256 == HandoverPage.sha256)
             .where(HandoverPage.uploaded_at.is_(None), HandoverPage.id > after_id, _answered(HANDOVER_KINDS))
             .order_by(HandoverPage.id).limit(max(1, limit)))
        with ctx.read() as s:
            return [PageUpload(*row[:5], f"领取凭证：{PAGE_KINDS.get(row[5], row[5])}", row[6], HANDOVER)
                    for row in s.execute(q).all()]
    q = (select(MaterialPage.id, MaterialPage.sha256, Attachment.size, Attachment.media_type, Case.number,
                MaterialPage.material_name, MaterialPage.page_no)
         .join(Case, Case.id == MaterialPage.case_id).join(Attachment, Attachment.sha256 == MaterialPage.sha256)
         .where(MaterialPage.uploaded_at.is_(None), MaterialPage.id > after_id, _answered((RECEIVE_KIND,)))
         .order_by(MaterialPage.id).limit(max(1, limit)))
    with ctx.read() as s:
        return [PageUpload(*row) for row in s.execute(q).all()]


def _page_table(page: PageUpload) -> type[MaterialPage] | type[HandoverPage]:
    return HandoverPage if page.source == HANDOVER else MaterialPage


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
        table = _page_table(page)
        s.execute(update(table).where(table.id == page.page_id, table.uploaded_at.is_(None))
                  .values(uploaded_at=now, upload_error=""))
        s.execute(update(Attachment).where(Attachment.sha256 == page.sha256, Attachment.uploaded_at.is_(None))
                  .values(uploaded_at=now))
        uow.audit("attachment.upload", "attachment", page.sha256,
                  {"case": page.case_number, "material": page.material_name, "page": page.page_no, "size": page.size})


def mark_upload_failed(ctx: AppContext, page: PageUpload, code: str, message: str) -> None:
    """Why the platform refused this page; it stays waiting (tried again next sync)."""
    with ctx.unit_of_work(SYSTEM) as uow:
        table = _page_table(page)
        uow.session.execute(update(table).where(table.id == page.page_id)
                            .values(upload_error=f"{code}: {message}"[:300]))

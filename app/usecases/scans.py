"""材料电子化: a page the document camera captured is stored at once (content hash, inside the
local store) so nothing is lost if the app dies before the case is saved; the case then links
its materials to the pages (Tick.scans) in the intake's own transaction."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.changes import OpResult
from app.context import AppContext
from app.permissions import Perm
from app.rules.problems import Problem, RuleError
from app.storage.attachment_models import Attachment, MaterialPage

MEDIA_TYPES = ("image/jpeg", "application/pdf")
MAX_PAGE_BYTES = 8 * 1024 * 1024  # a document camera's JPEG page is well under 1 MB


def store_scan(ctx: AppContext, actor: Actor, data: bytes, media_type: str = "image/jpeg") -> OpResult[str]:
    """Keep a scanned page; returns its SHA-256 (the same page twice is stored once)."""
    actor.require(Perm.CASE_INTAKE)
    with ctx.unit_of_work(actor) as uow:
        sha = keep_page(uow, data, media_type)
    return OpResult(sha, uow.changes.freeze())


def keep_page(uow, data: bytes, media_type: str) -> str:  # noqa: ANN001 — a UnitOfWork
    """Inside a unit of work: the page checked and kept once by its SHA-256 (the intake's and
    the pick-up desk's captures alike)."""
    if media_type not in MEDIA_TYPES:
        raise RuleError(Problem("SCAN_MEDIA_TYPE", "扫描件只能是 JPEG 图片或 PDF。"))
    if not data or len(data) > MAX_PAGE_BYTES:
        raise RuleError(Problem("SCAN_SIZE", "扫描件为空或过大（单页不超过 8 MB），请重新拍摄。"))
    sha = hashlib.sha256(data).hexdigest()
    if uow.session.get(Attachment, sha) is None:
        uow.session.add(Attachment(sha256=sha, media_type=media_type, size=len(data), data=data, created_at=uow.now))
        uow.audit("attachment.store", "attachment", sha, {"size": len(data), "media_type": media_type})
    return sha


def link_pages(s: Session, case_id: int, round_: int, material_name: str, hashes: tuple[str, ...]) -> None:
    """Inside the intake's transaction: this material's pages, in the order they were taken."""
    known = set(s.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(hashes))))
    missing = [h for h in hashes if h not in known]
    if missing:
        raise RuleError(Problem("SCAN_MISSING", f"材料“{material_name}”的扫描件未保存成功，请重新拍摄。"))
    s.add_all([MaterialPage(case_id=case_id, round=round_, material_name=material_name, page_no=i,
                                      sha256=h) for i, h in enumerate(hashes, 1)])


def page_image(ctx: AppContext, actor: Actor, sha256: str) -> bytes:
    actor.require(Perm.CASE_VIEW)
    with ctx.read() as s:
        row = s.get(Attachment, sha256)
        if row is None:
            raise RuleError(Problem("SCAN_NOT_FOUND", "找不到这页扫描件。"))
        return row.data

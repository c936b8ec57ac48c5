"""Every state change writes, in its own transaction, an audit record and (where the platform
must hear of it) an outbox event — the transactional outbox of DESIGN.md §3."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.context import AppContext
from app.storage.audit import append_audit
from app.storage.outbox import enqueue


def record(
    session: Session,
    ctx: AppContext,
    actor: str,
    action: str,
    entity: str,
    key: str,
    detail: dict,
    event_kind: str | None = None,
    case_number: str = "",
) -> None:
    now = ctx.now()
    append_audit(session, now, actor, action, entity, key, detail)
    if event_kind:
        enqueue(session, event_kind, case_number, now, ctx.setting("terminal_id"), actor, detail)

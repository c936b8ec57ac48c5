"""The platform's catalog: items as they stand, the ordered list of changes terminals page
through, and each item's status history (events are judged by the status at their time)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.errors import PlatformProblem
from sandbox.paging import parse_cursor
from sandbox.store import CatalogChangeRow, CatalogEntry, ItemStatusPeriod
from sync.contract import (
    CatalogChangesPage,
    CatalogItem,
    ErrorCode,
    ItemStatusChange,
    ItemUpsert,
)

EARLIEST = date(2000, 1, 1)
STATUS_LABELS = {"active": "在用", "suspended": "暂停办理", "terminated": "终止"}


class CatalogFileError(ValueError):
    pass


def read_catalog_file(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """(revision, items) of a clerkdesk.catalog/v1 file; every item checked against the contract."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("schema") != "clerkdesk.catalog/v1" or not isinstance(data.get("items"), list):
        raise CatalogFileError(f"{path}: not a clerkdesk.catalog/v1 file")
    for i, item in enumerate(data["items"]):
        try:
            CatalogItem.model_validate(item)
        except ValidationError as exc:
            raise CatalogFileError(f"{path}: item {i + 1} does not match the contract: {exc}") from exc
    return str(data.get("revision", "")), data["items"]


def load_catalog(s: Session, items: list[dict[str, Any]]) -> int:
    """Add new items and changed ones as upserts (a restart with the same file adds nothing).
    Returns how many changes were recorded."""
    existing = {e.implementation_code: e for e in s.scalars(select(CatalogEntry))}
    added = 0
    for item in items:
        code = item["implementation_code"]
        row = existing.get(code)
        if row is not None and row.data == item:
            continue
        if row is None:
            s.add(CatalogEntry(implementation_code=code, data=item))
        else:
            row.data = item
        s.add(CatalogChangeRow(implementation_code=code, body=ItemUpsert(item=item).model_dump(mode="json")))
        since = _parse_day(item.get("status_since")) or EARLIEST
        if row is None and since > EARLIEST:  # it was in use before the status it arrives with
            s.add(ItemStatusPeriod(implementation_code=code, status="active", reason="", since=EARLIEST))
        s.add(ItemStatusPeriod(implementation_code=code, status=item.get("status", "active"),
                               reason=item.get("status_reason", ""), since=since))
        added += 1
    return added


def _parse_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def changes_page(s: Session, since: str, limit: int, revision: str) -> CatalogChangesPage:
    after = parse_cursor(since)
    rows = s.scalars(select(CatalogChangeRow).where(CatalogChangeRow.seq > after)
                     .order_by(CatalogChangeRow.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = str(rows[-1].seq) if rows else str(after) if after else since
    return CatalogChangesPage.model_validate({
        "changes": [r.body for r in rows], "next_cursor": next_cursor, "has_more": more, "revision": revision})


def set_item_status(s: Session, code: str, status: str, reason: str, since: date | None) -> ItemStatusChange:
    """Suspend, resume or terminate an item: the item changes, a status change is queued for
    every terminal, and the period is recorded for judging events."""
    row = s.get(CatalogEntry, code)
    if row is None:
        raise PlatformProblem(404, ErrorCode.ITEM_UNKNOWN, f"平台目录中没有实施编码为 {code} 的事项。")
    since = since or clock.now().date()
    item = dict(row.data)
    item.update(status=status, status_reason=reason if status != "active" else "",
                status_since=since.isoformat() if status != "active" else "")
    row.data = item
    change = ItemStatusChange(implementation_code=code, status=status, reason=reason, since=since, item=item)
    s.add(CatalogChangeRow(implementation_code=code, body=change.model_dump(mode="json")))
    s.add(ItemStatusPeriod(implementation_code=code, status=status, reason=reason, since=since))
    return change


def item_status_on(s: Session, code: str, day: date) -> ItemStatusPeriod | None:
    """The item's status period in force on `day`; None for an item the platform does not know."""
    return s.scalars(select(ItemStatusPeriod).where(
        ItemStatusPeriod.implementation_code == code, ItemStatusPeriod.since <= day)
        .order_by(ItemStatusPeriod.since.desc(), ItemStatusPeriod.id.desc()).limit(1)).first()


def item_name(s: Session, code: str) -> str:
    row = s.get(CatalogEntry, code)
    return str(row.data.get("name", code)) if row else code


def item_count(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(CatalogEntry)) or 0

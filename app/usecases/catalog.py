"""Catalog use cases: import the platform's catalog file, find an item, read its guide."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.actor import Actor
from app.catalog_format import GUIDE_FIELDS, CatalogFile, ItemRecord, parse_catalog
from app.catalog_search import CatalogIndex, IndexedItem, search_key
from app.changes import OpResult
from app.context import AppContext
from app.permissions import Perm
from app.rules.decisions import ALWAYS, material_condition
from app.rules.problems import Problem, RuleError
from app.storage.models import Case, Material, ServiceItem

STATUS_LABELS = {"active": "在用", "suspended": "暂停", "terminated": "终止"}


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int
    status_changed: int
    revision: str


def load_catalog_file(path: Path) -> CatalogFile:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuleError(Problem("CATALOG_UNREADABLE", f"无法读取事项目录文件：{exc}")) from exc
    return parse_catalog(data)


def _apply_item(session: Session, rec: ItemRecord, existing: ServiceItem | None, revision: str, now) -> str:  # noqa: ANN001
    """Upsert one item; returns added / updated / unchanged / status."""
    fields = {
        k: getattr(rec, k)
        for k in (
            "implementation_code", "basic_code", "name", "item_type", "department", "handling_kind",
            "legal_basis", "acceptance_conditions", "process", "legal_limit_days", "committed_limit_days",
            "fee_basis", "handling_form", "visits", "result_sample", "consultation", "status",
            "status_reason", "status_since", "revision",
        )
    }
    fields["special_procedures"] = [{"name": n, "limit_days": d} for n, d in rec.special_procedures]
    fields["search_key"] = search_key(rec.name, rec.implementation_code, rec.basic_code, rec.department)
    if existing is None:
        item = ServiceItem(**fields, catalog_revision=revision, updated_at=now)
        item.materials = [_material_row(m, i) for i, m in enumerate(rec.materials)]
        session.add(item)
        return "added"
    if existing.revision >= rec.revision and existing.status == rec.status:
        return "unchanged"
    outcome = "status" if existing.status != rec.status and existing.revision == rec.revision else "updated"
    for k, v in fields.items():
        setattr(existing, k, v)
    existing.catalog_revision, existing.updated_at = revision, now
    _sync_materials(existing, rec)
    return outcome


def _material_row(m, position: int) -> Material:  # noqa: ANN001
    return Material(
        code=m.code, position=position, name=m.name, required=m.required, form=m.form, copies=m.copies,
        media=m.media, tolerable=m.tolerable, platform_verifiable=m.platform_verifiable, notes=m.notes,
    )


def _sync_materials(item: ServiceItem, rec: ItemRecord) -> None:
    # Materials are never deleted: old cases point at them. Dropped ones are retired.
    by_code = {m.code: m for m in item.materials}
    for pos, m in enumerate(rec.materials):
        row = by_code.pop(m.code, None)
        if row is None:
            item.materials.append(_material_row(m, pos))
            continue
        for k in ("name", "required", "form", "copies", "media", "tolerable", "platform_verifiable", "notes"):
            setattr(row, k, getattr(m, k))
        row.position, row.retired = pos, False
    for row in by_code.values():
        row.retired = True


def upsert_items(s: Session, records: Sequence[ItemRecord], revision: str, now: datetime,
                 existing: dict[str, ServiceItem] | None = None) -> dict[str, int]:
    """Upsert `records` inside the caller's transaction; counts by outcome (added / updated /
    unchanged / status). Without `existing`, loads just the items these records name."""
    if existing is None:
        codes = [r.implementation_code for r in records]
        existing = {}
        for start in range(0, len(codes), 500):  # stay far below SQLite's bound-parameter limit
            chunk = codes[start:start + 500]
            existing |= {i.implementation_code: i for i in s.scalars(
                select(ServiceItem).where(ServiceItem.implementation_code.in_(chunk))
                .options(selectinload(ServiceItem.materials)))}
    counts = {"added": 0, "updated": 0, "unchanged": 0, "status": 0}
    for rec in records:
        counts[_apply_item(s, rec, existing.get(rec.implementation_code), revision, now)] += 1
    return counts


def import_catalog(ctx: AppContext, actor: Actor, catalog: CatalogFile) -> OpResult[ImportSummary]:
    """Upsert every item; a newer revision or a status change replaces the stored one."""
    actor.require(Perm.CATALOG_IMPORT)
    with ctx.unit_of_work(actor) as uow:
        s, now = uow.session, uow.now
        existing = {
            i.implementation_code: i
            for i in s.scalars(select(ServiceItem).options(selectinload(ServiceItem.materials)))
        }
        counts = upsert_items(s, catalog.items, catalog.revision, now, existing)
        summary = ImportSummary(counts["added"], counts["updated"], counts["unchanged"], counts["status"], catalog.revision)
        uow.audit("catalog.import", "catalog", catalog.revision,
                  {"added": summary.added, "updated": summary.updated, "status_changed": summary.status_changed,
                   "source": catalog.source})
        uow.changes.catalog = True
    return OpResult(summary, uow.changes.freeze())


def catalog_size(ctx: AppContext) -> int:
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(ServiceItem)) or 0


USAGE_DAYS = 90  # "how often the window uses an item": recent cases, a range on ix_cases_received_at


def build_index(ctx: AppContext) -> CatalogIndex:
    since = ctx.now() - timedelta(days=USAGE_DAYS)
    with ctx.read() as s:
        rows = s.execute(
            select(ServiceItem.id, ServiceItem.name, ServiceItem.implementation_code, ServiceItem.department,
                   ServiceItem.status, ServiceItem.search_key).order_by(ServiceItem.department, ServiceItem.name)
        ).all()
        usage = dict(s.execute(select(Case.item_id, func.count()).where(Case.received_at >= since)
                               .group_by(Case.item_id)).all())
    return CatalogIndex([(IndexedItem(r[0], r[1], r[2], r[3], r[4]), r[5]) for r in rows], usage)


@dataclass(frozen=True)
class MaterialView:
    material_id: int
    code: str
    name: str
    required: bool
    form: str
    copies: int
    media: str
    tolerable: bool
    platform_verifiable: bool
    notes: str
    condition: str = ALWAYS  # ALWAYS / AGENT / CONDITIONAL (app.rules.decisions.material_condition)


@dataclass(frozen=True)
class ItemGuide:
    item_id: int
    name: str
    implementation_code: str
    department: str
    item_type: str
    handling_kind: str
    legal_limit_days: int
    committed_limit_days: int
    status: str
    status_reason: str
    status_since: date | None
    special_procedures: tuple[tuple[str, int], ...]
    guide: tuple[tuple[str, str], ...]  # the 14 fields of 第十六条, label → text
    materials: tuple[MaterialView, ...]

    @property
    def can_take_in(self) -> bool:
        return self.status == "active"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def blocked_message(self) -> str:
        """Why this item cannot be taken in, in the words a clerk can tell the applicant."""
        if self.can_take_in:
            return ""
        since = f"自{self.status_since:%Y年%m月%d日}起" if self.status_since else ""
        reason = f"，原因：{self.status_reason}" if self.status_reason else ""
        return f"该事项{since}已{self.status_label}{reason}。暂不能收件。"


def _days(n: int) -> str:
    return "当场办结（即办）" if n == 0 else f"{n}个工作日"


def _guide_text(item: ServiceItem, key: str) -> str:
    if key == "materials":
        lines = []
        for i, m in enumerate((m for m in item.materials if not m.retired), start=1):
            flags = "必需" if m.required else "非必需"
            extra = "；可容缺" if m.tolerable else ""
            extra += "；平台可核验，免提交" if m.platform_verifiable else ""
            lines.append(f"{i}. {m.name}（{m.form}{m.copies}份，{m.media}，{flags}{extra}）")
        return "\n".join(lines)
    if key in ("legal_limit_days", "committed_limit_days"):
        return _days(getattr(item, key))
    if key == "visits":
        return f"{item.visits}次"
    return str(getattr(item, key))


def item_guide(ctx: AppContext, item_id: int) -> ItemGuide:
    with ctx.read() as s:
        item = s.get(ServiceItem, item_id, options=[selectinload(ServiceItem.materials)])
        if item is None:
            raise RuleError(Problem("ITEM_NOT_FOUND", "找不到该事项，目录可能已更新，请重新查找。"))
        return ItemGuide(
            item_id=item.id, name=item.name, implementation_code=item.implementation_code,
            department=item.department, item_type=item.item_type, handling_kind=item.handling_kind,
            legal_limit_days=item.legal_limit_days, committed_limit_days=item.committed_limit_days,
            status=item.status, status_reason=item.status_reason, status_since=item.status_since,
            special_procedures=tuple((p["name"], int(p["limit_days"])) for p in item.special_procedures or []),
            guide=tuple((label, _guide_text(item, key)) for key, label in GUIDE_FIELDS),
            materials=tuple(
                MaterialView(m.id, m.code, m.name, m.required, m.form, m.copies, m.media, m.tolerable,
                             m.platform_verifiable, m.notes, material_condition(m.name, m.notes, m.required))
                for m in item.materials if not m.retired
            ),
        )

"""The catalog file: the JSON shape the platform sends (schema clerkdesk.catalog/v1).

Parsing is strict: the guide a clerk reads must be the platform's own (永昌办法 第四条(三)),
so a malformed item is refused with a message naming it, never half-imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.rules.problems import Problem, RuleError
from app.rules.text import check_text

SCHEMA = "clerkdesk.catalog/v1"
ITEM_TYPES = {"行政许可", "行政确认", "行政给付", "行政裁决", "行政奖励", "公共服务", "其他行政权力"}
HANDLING_KINDS = {"即办件", "承诺件"}
STATUSES = {"active", "suspended", "terminated"}
FORMS = {"原件", "复印件", "原件和复印件"}
MEDIA = {"纸质", "电子", "纸质或电子"}

# The 14 fields of 永昌办法 第十六条, in the order the guide shows them.
GUIDE_FIELDS: list[tuple[str, str]] = [
    ("name", "事项名称"),
    ("implementation_code", "事项编码"),
    ("handling_kind", "办件类型"),
    ("legal_basis", "设定依据"),
    ("acceptance_conditions", "受理条件"),
    ("materials", "申请材料"),
    ("process", "办事流程"),
    ("legal_limit_days", "法定时限"),
    ("committed_limit_days", "承诺时限"),
    ("fee_basis", "收费依据"),
    ("handling_form", "办理形式"),
    ("visits", "到场次数"),
    ("result_sample", "结果样本"),
    ("consultation", "咨询投诉方式"),
]

_ITEM_TEXT = [
    "implementation_code", "name", "item_type", "department", "handling_kind", "legal_basis",
    "acceptance_conditions", "process", "fee_basis", "handling_form", "result_sample", "consultation",
]


@dataclass(frozen=True)
class MaterialRecord:
    code: str
    name: str
    required: bool
    form: str
    copies: int
    media: str
    tolerable: bool
    platform_verifiable: bool
    notes: str


@dataclass(frozen=True)
class ItemRecord:
    implementation_code: str
    basic_code: str
    name: str
    item_type: str
    department: str
    handling_kind: str
    legal_basis: str
    acceptance_conditions: str
    process: str
    legal_limit_days: int
    committed_limit_days: int
    fee_basis: str
    handling_form: str
    visits: int
    result_sample: str
    consultation: str
    status: str
    status_reason: str
    status_since: date | None
    revision: int
    special_procedures: tuple[tuple[str, int], ...]
    materials: tuple[MaterialRecord, ...]


@dataclass(frozen=True)
class CatalogFile:
    revision: str
    source: str
    items: tuple[ItemRecord, ...]


def _bad(where: str, what: str) -> Problem:
    return Problem("CATALOG_INVALID", f"事项目录文件有误：{where}{what}")


def _text(d: dict, key: str, where: str, problems: list[Problem], required: bool = True) -> str:
    value = d.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and key in ("name", "implementation_code") and not value.strip()):
        problems.append(_bad(where, f"字段 {key} 缺失或不是文本。"))
        return ""
    return value.strip()


def _int(d: dict, key: str, where: str, problems: list[Problem], low: int = 0) -> int:
    value = d.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        problems.append(_bad(where, f"字段 {key} 应为不小于 {low} 的整数。"))
        return low
    return value


def _material(m: Any, where: str, problems: list[Problem]) -> MaterialRecord | None:
    if not isinstance(m, dict):
        problems.append(_bad(where, "材料条目格式不对。"))
        return None
    code, name = _text(m, "code", where, problems), _text(m, "name", where, problems)
    # The name is printed on receipts and notices and copied into every case's material lines,
    # so it obeys the same limit and characters as one the clerk types (app.rules.text).
    problems += [_bad(where, f"材料“{name[:30]}”：{p.message}") for p in check_text("material_name", name)]
    form, media = m.get("form"), m.get("media")
    if form not in FORMS:
        problems.append(_bad(where, f"材料“{name}”的 form 应为 {'/'.join(sorted(FORMS))}。"))
    if media not in MEDIA:
        problems.append(_bad(where, f"材料“{name}”的 media 应为 {'/'.join(sorted(MEDIA))}。"))
    return MaterialRecord(
        code=code,
        name=name,
        required=bool(m.get("required", True)),
        form=str(form),
        copies=_int(m, "copies", f"{where}材料“{name}”", problems, low=0),
        media=str(media),
        tolerable=bool(m.get("tolerable", False)),
        platform_verifiable=bool(m.get("platform_verifiable", False)),
        notes=str(m.get("notes", "")),
    )


def _date_or_none(text: str, where: str, problems: list[Problem]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(_bad(where, f"日期“{text}”应为 YYYY-MM-DD。"))
        return None


def parse_item(d: Any, index: int) -> tuple[ItemRecord | None, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(d, dict):
        return None, [_bad(f"第 {index + 1} 个事项", "不是对象。")]
    where = f"事项“{d.get('name', index + 1)}”"
    texts = {k: _text(d, k, where, problems) for k in _ITEM_TEXT}
    if texts["item_type"] and texts["item_type"] not in ITEM_TYPES:
        problems.append(_bad(where, f"事项类型“{texts['item_type']}”不在规定范围内。"))
    if texts["handling_kind"] and texts["handling_kind"] not in HANDLING_KINDS:
        problems.append(_bad(where, "办件类型应为即办件或承诺件。"))
    legal = _int(d, "legal_limit_days", where, problems)
    committed = _int(d, "committed_limit_days", where, problems)
    if committed > legal:
        problems.append(_bad(where, "承诺时限不能长于法定时限。"))
    status = d.get("status", "active")
    if status not in STATUSES:
        problems.append(_bad(where, "状态应为 active/suspended/terminated。"))
    mats_raw = d.get("materials")
    if not isinstance(mats_raw, list):
        problems.append(_bad(where, "缺少申请材料清单。"))
        mats_raw = []
    materials = [m for m in (_material(m, where, problems) for m in mats_raw) if m]
    if len({m.code for m in materials}) != len(materials):
        problems.append(_bad(where, "材料编码重复。"))
    procs = []
    for p in d.get("special_procedures", []) or []:
        if isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("limit_days"), int):
            procs.append((p["name"], p["limit_days"]))
        else:
            problems.append(_bad(where, "特别程序条目应含 name 与 limit_days。"))
    if problems:
        return None, problems
    return (
        ItemRecord(
            **texts,
            basic_code=str(d.get("basic_code", "")),
            legal_limit_days=legal,
            committed_limit_days=committed,
            visits=_int(d, "visits", where, problems),
            status=status,
            status_reason=str(d.get("status_reason", "")),
            status_since=_date_or_none(str(d.get("status_since", "") or ""), where, problems),
            revision=_int(d, "revision", where, problems, low=1) if "revision" in d else 1,
            special_procedures=tuple(procs),
            materials=tuple(materials),
        ),
        problems,
    )


def parse_catalog(data: Any) -> CatalogFile:
    """A parsed catalog, or RuleError listing every problem (first 20) in the file."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise RuleError(Problem("CATALOG_SCHEMA", f"不是事项目录文件（应为 {SCHEMA} 格式）。"))
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise RuleError(_bad("", "缺少 items 列表。"))
    problems: list[Problem] = []
    items: list[ItemRecord] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        item, item_problems = parse_item(raw, i)
        problems += item_problems
        if item:
            if item.implementation_code in seen:
                problems.append(_bad(f"事项“{item.name}”", f"实施编码 {item.implementation_code} 重复。"))
            seen.add(item.implementation_code)
            items.append(item)
    if problems:
        raise RuleError(problems[:20])
    return CatalogFile(str(data.get("revision", "")), str(data.get("source", "")), tuple(items))

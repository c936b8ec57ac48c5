"""The catalog: the demo catalog a county hall would recognise, its import, and finding an
item by name, code, department, full pinyin or initials."""

from __future__ import annotations

import copy
import json

import pytest

from app.actor import SYSTEM
from app.catalog_format import GUIDE_FIELDS, parse_catalog
from app.catalog_search import CatalogIndex, IndexedItem, search_key
from app.config import demo_catalog_path
from app.rules.problems import RuleError
from app.usecases.catalog import build_index, import_catalog, item_guide, load_catalog_file
from benchmarks.make_catalog import make_catalog


def test_demo_catalog_is_a_real_county_hall_catalog() -> None:
    cat = load_catalog_file(demo_catalog_path())
    assert len(cat.items) >= 30
    depts = {i.department for i in cat.items}
    for d in ("市场监督管理局", "人力资源和社会保障局", "民政局", "住房和城乡建设局", "卫生健康局", "残疾人联合会"):
        assert any(d in x for x in depts), d
    assert {i.status for i in cat.items} == {"active", "suspended", "terminated"}
    for i in cat.items:
        assert i.legal_basis and i.acceptance_conditions and i.process and i.consultation and i.result_sample
        assert 0 <= i.committed_limit_days <= i.legal_limit_days
        assert i.materials
        if i.status != "active":
            assert i.status_reason and i.status_since
    kinds = {i.handling_kind for i in cat.items}
    assert kinds == {"即办件", "承诺件"}
    assert any(m.tolerable for i in cat.items for m in i.materials)
    assert any(m.platform_verifiable for i in cat.items for m in i.materials)


def test_guide_shows_all_fourteen_fields_of_article_16(ctx) -> None:
    g = item_guide(ctx, build_index(ctx).search("gtgs")[0].item_id)
    labels = [label for label, _ in g.guide]
    assert labels == ["事项名称", "事项编码", "办件类型", "设定依据", "受理条件", "申请材料", "办事流程", "法定时限",
                      "承诺时限", "收费依据", "办理形式", "到场次数", "结果样本", "咨询投诉方式"]
    assert len(GUIDE_FIELDS) == 14
    assert all(text.strip() for _, text in g.guide)
    materials_text = dict(g.guide)["申请材料"]
    assert all(m.name in materials_text for m in g.materials)


@pytest.mark.parametrize(("query", "expected"), [
    ("gtgs", "个体工商户设立登记"),
    ("getigongshanghu", "个体工商户设立登记"),
    ("个体工商户设立", "个体工商户设立登记"),
    ("ＧＴＧＳ", "个体工商户设立登记"),  # full-width from an IME
    ("jhdj", "内地居民结婚登记"),
    ("残疾人证", "残疾人证新办"),
])
def test_search_by_name_pinyin_and_initials(ctx, query: str, expected: str) -> None:
    names = [h.name for h in build_index(ctx).search(query)]
    assert expected in names[:3]


def test_search_by_code_and_department(ctx) -> None:
    idx = build_index(ctx)
    some = idx.search("gtgs")[0]
    assert idx.search(some.implementation_code)[0].item_id == some.item_id
    by_dept = idx.search("残疾人联合会")
    assert by_dept and all("残疾人联合会" in h.department for h in by_dept)
    assert idx.search("zzzzqqqq") == []


def test_import_is_idempotent_and_a_newer_revision_suspends_an_item(ctx) -> None:
    raw = json.loads(demo_catalog_path().read_text(encoding="utf-8"))
    again = import_catalog(ctx, SYSTEM, parse_catalog(raw)).value
    assert (again.added, again.updated, again.status_changed) == (0, 0, 0)
    changed = copy.deepcopy(raw)
    target = next(i for i in changed["items"] if i["status"] == "active")
    target["revision"] += 1
    target["status"], target["status_reason"], target["status_since"] = "suspended", "系统维护", "2026-11-20"
    target["materials"] = target["materials"][:-1]  # a material dropped by the platform
    summary = import_catalog(ctx, SYSTEM, parse_catalog(changed)).value
    assert summary.updated == 1
    hit = next(h for h in build_index(ctx).search(target["implementation_code"]))
    g = item_guide(ctx, hit.item_id)
    assert not g.can_take_in and "系统维护" in g.blocked_message() and "2026年11月20日" in g.blocked_message()
    assert len(g.materials) == len(raw["items"][raw["items"].index(next(
        i for i in raw["items"] if i["implementation_code"] == target["implementation_code"]))]["materials"]) - 1


def test_malformed_items_are_refused_with_their_names() -> None:
    raw = json.loads(demo_catalog_path().read_text(encoding="utf-8"))
    raw["items"][0]["committed_limit_days"] = raw["items"][0]["legal_limit_days"] + 1
    raw["items"][1]["materials"][0]["form"] = "传真件"
    with pytest.raises(RuleError) as err:
        parse_catalog(raw)
    text = err.value.message
    assert raw["items"][0]["name"] in text and "承诺时限" in text and "form" in text


def test_a_material_name_too_long_or_with_a_hidden_character_is_refused_at_import() -> None:
    """Catalog names reach every receipt and case line: the typed-text limits apply to them."""
    raw = json.loads(demo_catalog_path().read_text(encoding="utf-8"))
    raw["items"][0]["materials"][0]["name"] = "营业执照" * 51  # 204 characters
    raw["items"][1]["materials"][0]["name"] = "身份\u200b证明"
    with pytest.raises(RuleError) as err:
        parse_catalog(raw)
    text = err.value.message
    assert "最多200个字" in text and "U+200B" in text
    assert raw["items"][0]["name"] in text and raw["items"][1]["name"] in text


def test_generated_catalog_of_20000_items_imports_and_searches() -> None:
    data = make_catalog(20_000)
    cat = parse_catalog(data)
    assert len(cat.items) == 20_000
    assert len({i.implementation_code for i in cat.items}) == 20_000
    rows = [(IndexedItem(n, i.name, i.implementation_code, i.department, i.status),
             search_key(i.name, i.implementation_code, i.basic_code, i.department)) for n, i in enumerate(cat.items[:3000])]
    idx = CatalogIndex(rows)
    hits = idx.search("gtgs", limit=500)
    assert hits and all(h.name.startswith("个体工商户") for h in hits)
    assert len({h.department for h in hits}) > 5


def test_the_items_a_window_takes_in_most_come_first(ctx, clerk) -> None:
    """Issue 10: 'gtgs' listed 个体工商户变更登记 above 设立登记, though the window takes in 设立
    every day. Usage first, then match quality; an exact code still wins outright."""
    from app.case_states import Action
    from app.usecases.catalog import build_index
    from app.usecases.decisions import Decision, intake_and_decide
    from app.usecases.intake import IntakeInput
    from tests.helpers import all_provided, find_item, person

    assert build_index(ctx).search("gtgs")[0].name == "个体工商户变更登记"  # no usage yet: catalog order
    setup = find_item(ctx, "个体工商户设立登记")
    for _ in range(2):
        intake_and_decide(ctx, clerk, IntakeInput(setup.item_id, person(), all_provided(setup)), Decision(Action.ACCEPT))
    index = build_index(ctx)
    assert index.search("gtgs")[0].name == "个体工商户设立登记"
    change = find_item(ctx, "个体工商户变更登记")
    assert index.search(change.implementation_code)[0].name == "个体工商户变更登记"

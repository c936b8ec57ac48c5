"""The item finder's search as the clerk types: every keystroke finds what a fresh search
would, whatever was typed, deleted and typed again before it.

The index narrows a longer query from the matches of an earlier one it contains, and keeps
the ASCII and the Chinese parts of the keys apart; both are shortcuts that must never change
what is found. So each keystroke is compared with a new index (nothing remembered) and with a
plain scan of the keys.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalog_search import CatalogIndex, IndexedItem, search_key

pytestmark = pytest.mark.timeout(120)

# Names as a hall's catalog has them: Chinese, Chinese with Latin or digits inside, and one
# that repeats a neighbour's pinyin.
ITEMS = [
    ("个体工商户设立登记", "市场监督管理局"), ("个体工商户变更登记", "市场监督管理局"),
    ("ICP经营许可证核发", "通信管理局"), ("第2类医疗器械经营备案", "市场监督管理局"),
    ("城乡居民基本养老保险参保登记", "人力资源和社会保障局"), ("特困人员认定", "民政局"),
    ("失业保险金申领", "人力资源和社会保障局"), ("内地居民往来港澳通行证签注", "公安局出入境管理大队"),
    ("食品经营许可证核发", "市场监督管理局"), ("食品经营许可证变更", "市场监督管理局"),
    ("道路运输经营许可（3.5吨以上）", "交通运输局"), ("农村土地承包经营权证补发", "农业农村局"),
    ("陈列品进口备案", "商务局"), ("GSP认证复查", "市场监督管理局"), ("建设工程规划许可证", "自然资源局"),
    ("残疾人证核发", "残疾人联合会"), ("长者优待证办理", "民政局"), ("一件事：开办餐饮店", "政务服务中心"),
]


def _rows() -> list[tuple[IndexedItem, str]]:
    rows = []
    for n, (name, department) in enumerate(ITEMS):
        code = f"11620321MB{n:04d}A"
        rows.append((IndexedItem(n, name, code, department, "active"), search_key(name, code, f"00{n:03d}", department)))
    return rows


ROWS = _rows()
KEYS = [key for _, key in ROWS]
ALPHABET = sorted({c for key in KEYS for c in key if c not in "\x1e"} | set("xq9第吨"))


def _plain_scan(q: str, scan_cap: int) -> set[int]:
    """Items whose key holds the query, the first `scan_cap` in catalog order."""
    return set([i for i, key in enumerate(KEYS) if q in key][:scan_cap])


def _typing() -> st.SearchStrategy[list[str]]:
    """What the search box holds after each keystroke: characters typed, deleted, or a
    fragment of a real key pasted or picked from the IME."""
    edit = st.one_of(
        st.tuples(st.just("type"), st.sampled_from(ALPHABET)),
        st.tuples(st.just("delete"), st.just("")),
        st.tuples(st.just("paste"), st.tuples(st.sampled_from(KEYS), st.integers(0, 60), st.integers(1, 8))),
    )

    def apply(edits: list) -> list[str]:
        text, seen = "", []
        for kind, arg in edits:
            if kind == "type":
                text += arg
            elif kind == "delete":
                text = text[:-1]
            else:
                key, start, length = arg
                text = key[start:start + length].replace("\x1e", "")
            seen.append(text)
        return seen

    return st.lists(edit, min_size=1, max_size=25).map(apply)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries=_typing(), scan_cap=st.integers(1, 12))
def test_every_keystroke_finds_what_a_fresh_search_finds(queries: list[str], scan_cap: int) -> None:
    typed_into = CatalogIndex(ROWS)  # one finder, kept across the keystrokes
    for q in queries:
        found = [h.item_id for h in typed_into.search(q, limit=100, scan_cap=scan_cap)]
        fresh = [h.item_id for h in CatalogIndex(ROWS).search(q, limit=100, scan_cap=scan_cap)]
        assert found == fresh, q
        if q.strip():
            assert set(found) == _plain_scan(q.lower(), scan_cap), q


def test_latin_inside_a_chinese_name_and_chinese_after_latin_are_found() -> None:
    index = CatalogIndex(ROWS)
    assert [h.name for h in index.search("icp")] == ["ICP经营许可证核发"]
    assert [h.name for h in index.search("gsp认证")] == ["GSP认证复查"]
    assert [h.name for h in index.search("3.5吨")] == ["道路运输经营许可（3.5吨以上）"]
    assert {h.name for h in index.search("2类")} == {"第2类医疗器械经营备案"}


def test_typing_on_narrows_and_deleting_widens_again() -> None:
    index = CatalogIndex(ROWS)
    assert len(index.search("sp")) > len(index.search("spjyxkz"))  # 食品经营许可证…
    assert {h.name for h in index.search("spjyxkz")} == {"食品经营许可证核发", "食品经营许可证变更"}
    assert {h.name for h in index.search("spjyxkzb")} == {"食品经营许可证变更"}
    assert {h.name for h in index.search("spjyxkz")} == {"食品经营许可证核发", "食品经营许可证变更"}
    assert [h.name for h in index.search("食品经营许可证核")] == ["食品经营许可证核发"]

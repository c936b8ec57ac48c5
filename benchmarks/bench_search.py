"""Item search per keystroke over a 20,000-item catalog, against a naive Python scan.

The clerk types into the finder and every keystroke re-runs `CatalogIndex.search`. Queries
are what clerks type: the start of a name, pinyin initials ("gtgs"), full pinyin, an
implementation code, a department fragment — fed one character at a time.
"""

from __future__ import annotations

import random
import sys

from app.actor import SYSTEM
from benchmarks.common import Row, log, percentile, temp_data_dir, time_each, time_pairs
from benchmarks.slow_pc import untimed

QUERY_MIX = {"name": 60, "initials": 50, "pinyin": 30, "code": 30, "department": 30}  # ~200 queries


def keystrokes(rng: random.Random, items: list, count_by_kind: dict[str, int]) -> list[tuple[str, str]]:
    """(kind, text typed so far) for every keystroke of every query."""
    from app.catalog_search import pinyin_keys

    out: list[tuple[str, str]] = []
    for kind, count in count_by_kind.items():
        for item in rng.sample(items, count):
            if kind == "name":
                text = item.name
            elif kind == "initials":
                text = pinyin_keys(item.name)[1][:8]
            elif kind == "pinyin":
                text = pinyin_keys(item.name)[0][:14]
            elif kind == "code":
                text = item.implementation_code
            else:
                # A fragment of the department: the place ("河西堡镇") or the office ("市场监督").
                dept = item.department
                length = rng.randint(2, min(6, len(dept)))
                start = rng.randint(0, len(dept) - length)
                text = dept[start:start + length]
            out += [(kind, text[:n]) for n in range(1, len(text) + 1)]
    return out


def run(quick: bool = False) -> list[Row]:
    from sqlalchemy import select

    from app.catalog_format import parse_catalog
    from app.catalog_search import normalise_query
    from app.config import Paths
    from app.context import open_context
    from app.storage.models import ServiceItem
    from app.usecases.catalog import build_index, import_catalog
    from app.usecases.setup import ensure_settings
    from benchmarks.make_catalog import make_catalog

    count = 5_000 if quick else 20_000
    with temp_data_dir("search") as data_dir:
        ctx = open_context(Paths(data_dir))
        ensure_settings(ctx)
        log(f"search: importing a {count:,}-item catalog (untimed setup)…")
        with untimed():
            import_catalog(ctx, SYSTEM, parse_catalog(make_catalog(count)))
        index = build_index(ctx)
        # The same search keys the index holds, in the same order, for the naive scan.
        with ctx.read() as s:
            keys = list(s.scalars(select(ServiceItem.search_key).order_by(ServiceItem.department, ServiceItem.name)))
        ctx.close()

    items = index.search("", limit=len(index))
    typed = keystrokes(random.Random(7), items, QUERY_MIX)
    log(f"search: {len(typed)} keystrokes over {len(index):,} items")

    def naive(text: str) -> list[int]:
        q = normalise_query(text)
        return [i for i, key in enumerate(keys) if q in key][:50]

    texts = [t for _, t in typed]
    time_each(index.search, texts[:50])  # warm-up: first calls pay for lazy setup
    fast, slow = time_pairs(index.search, naive, texts)

    worst = max(range(len(fast)), key=fast.__getitem__)
    by_kind = {}
    for kind in QUERY_MIX:
        vals = [ms for (k, _), ms in zip(typed, fast, strict=True) if k == kind]
        by_kind[kind] = percentile(vals, 95)
    p95 = percentile(fast, 95)
    size = f"{count // 1000}k"
    return [
        Row(
            key="search", name=f"search p95 per keystroke ({size} items)", measured=p95, baseline=percentile(slow, 95),
            baseline_name="naive scan p95",
            notes=[
                f"{len(texts)} keystrokes; index p50 {percentile(fast, 50):.3f} ms, p95 {p95:.3f} ms, max {max(fast):.3f} ms",
                f"naive scan p50 {percentile(slow, 50):.3f} ms, p95 {percentile(slow, 95):.3f} ms, max {max(slow):.3f} ms",
                "index p95 by query kind: " + ", ".join(f"{k} {v:.3f} ms" for k, v in by_kind.items()),
                f"slowest keystroke: {typed[worst][1]!r} ({typed[worst][0]}) {fast[worst]:.3f} ms",
            ],
        )
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.3f} ms vs {r.baseline:.3f} ms = {r.ratio:.2f}×", *r.notes, sep="\n  ")

"""A large catalog for benchmarks, in the platform's import format (clerkdesk.catalog/v1).

    python -m benchmarks.make_catalog --count 20000 --out big.json

Built from the demo catalog: every item is re-issued for many implementing agencies
(county departments, township stations) with varied names, so search sees realistic
text and pinyin, not "item 1..N".
"""

from __future__ import annotations

import argparse
import copy
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "catalog" / "demo_catalog.json"

PLACES = [
    "永昌县", "金川区", "山丹县", "民乐县", "临泽县", "高台县", "肃南县", "甘州区", "凉州区", "民勤县", "古浪县", "天祝县",
    "河西堡镇", "新城子镇", "朱王堡镇", "东寨镇", "水源镇", "红山窑镇", "焦家庄镇", "六坝镇", "南坝乡", "城关镇",
]
VARIANTS = ["", "（新办）", "（变更）", "（延续）", "（补证）", "（注销）", "（告知承诺制）", "（跨省通办）", "（一件事）"]


def make_catalog(count: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    bases = demo["items"]
    items = []
    for n in range(count):
        base = bases[n % len(bases)]
        place = PLACES[(n // len(bases)) % len(PLACES)]
        variant = VARIANTS[(n // (len(bases) * len(PLACES))) % len(VARIANTS)]
        it = copy.deepcopy(base)
        dept = base["department"].replace("永昌县", "")
        it["department"] = f"{place}{dept}"
        it["name"] = f"{base['name']}{variant}"
        it["implementation_code"] = f"{base['implementation_code'][:8]}{n:08d}{rng.randrange(10**6):06d}"
        it["basic_code"] = f"{n:012d}"
        it["status"], it["status_reason"], it["status_since"] = "active", "", ""
        items.append(it)
    return {"schema": demo["schema"], "revision": f"bench-{count}-{seed}", "source": "benchmark", "items": items}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--count", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    Path(args.out).write_text(json.dumps(make_catalog(args.count, args.seed), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

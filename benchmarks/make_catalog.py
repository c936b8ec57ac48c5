"""A large catalog for benchmarks and tests, in the platform's import format (clerkdesk.catalog/v1).

    python benchmarks/make_catalog.py --count 20000 --out big.json [--seed N]

    from benchmarks.make_catalog import make_catalog
    data = make_catalog(20_000)

Built from the demo catalog: every demo item is re-issued by the agencies of many fictional
counties and townships, with lifecycle variants (新办/变更/延续…) in the names, so search sees
realistic Chinese text and pinyin rather than "item 1..N". Same count and seed, same output.
Standard library only, so a benchmark machine needs nothing but Python.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "catalog" / "demo_catalog.json"

# Place-name characters. None has a pinyin initial "g", so no generated county or township can
# spell the initials "gtgs" and pollute search for 个体工商户 (the tests rely on that).
COUNTY_HEADS = "永昌金河新东西南北红清安宁丰泉沙石柳杨马朱焦水双平兴和祁龙凤白青黑黄长云玉民临天静会秦礼岷漳渭陇华庄泾崇灵合夏舟卓肃阿敦嘉景靖环正宕康文成徽两武张酒"
COUNTY_TAILS = "川源城坝堡山泉湾峡滩寨岭塬台宁安丰州阳水原昌和泽乐丹远西定泰通渠湖林溪营屯"
TOWN_NAMES = [
    "城北", "河西堡", "新城子", "朱王堡", "东寨", "水源", "红山窑", "焦家庄", "六坝", "南坝", "双湾", "宁远堡",
    "清河", "北滩", "西屯", "东湾", "柳林", "杨柳", "石桥", "龙泉", "白杨", "青山", "沙河", "平川",
]
CITIES = ["金昌市", "武威市", "张掖市", "酒泉市", "白银市", "定西市", "天水市", "平凉市", "庆阳市", "陇南市"]
PHONE_AREAS = {"金昌市": "0935", "武威市": "0935", "张掖市": "0936", "酒泉市": "0937", "白银市": "0943",
               "定西市": "0932", "天水市": "0938", "平凉市": "0933", "庆阳市": "0934", "陇南市": "0939"}
TOWNS_PER_COUNTY = 4

# Lifecycle variants only fit names that are a licence as such ("…许可", "…核发"); a name that
# already says what happens (变更登记, 注销登记, 申领…) varies by how it is delivered instead.
LICENCE_VARIANTS = ["", "新办", "变更", "延续", "补证", "注销", "告知承诺制"]
SERVICE_VARIANTS = ["", "跨省通办", "省内通办", "“一件事”联办", "全程网办"]
LICENCE_ENDINGS = ("许可", "核发")
# A variant replaces these qualifiers instead of stacking on them ("（新办·变更）" reads wrong).
DROPPABLE = ("（新办）", "（首次）")
# Township level: the county department's local station, where one exists.
TOWN_STATIONS = {
    "市场监督管理局": "{county}市场监督管理局{town}市场监督管理所",
    "公安局": "{county}公安局{town}派出所",
    "自然资源局": "{county}自然资源局{town}自然资源所",
    "税务局": "国家税务总局{county}税务局{town}税务分局",
}
# Departments whose people-facing items a township government takes in (赋权乡镇), for these kinds.
TOWN_GOVERNMENT_DEPTS = ("民政局", "人力资源和社会保障局", "医疗保障局", "卫生健康局", "残疾人联合会", "农业农村局")
TOWN_KINDS = {"公共服务", "行政给付", "行政确认"}

SUSPEND_REASONS = [
    "业务系统升级改造，暂停受理，恢复时间另行通知",
    "上级部门调整实施权限，待新的实施清单发布后恢复受理",
    "办事指南修订中，暂停受理，预计两周内恢复",
]
TERMINATE_REASONS = [
    "根据国务院决定取消该事项，本事项终止实施",
    "根据省政府决定改为备案管理，本事项终止实施",
    "并入其他事项办理，本事项终止实施",
]
PHONE = re.compile(r"0\d{3}-\d{7}")
TEXT_FIELDS = ("acceptance_conditions", "process", "consultation", "fee_basis", "handling_form")


def _check_char(chars: str, weights: list[int], modulus: int, body: str) -> str:
    """Check character per GB 11714 / GB 32100, so generated codes look like the platform's."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body] if modulus == 11 else [chars.index(c) for c in body]
    r = (modulus - sum(v * w for v, w in zip(values, weights, strict=True)) % modulus) % modulus
    return chars[r]


def _uscc(area: str, serial: int) -> str:
    """A valid-looking 统一社会信用代码 of a government agency (1 = 机构编制, 1 = 机关)."""
    org = f"MB{serial:06d}"
    org += _check_char("0123456789X", [3, 7, 9, 10, 5, 8, 4, 2], 11, org)
    body = f"11{area}{org}"
    return body + _check_char("0123456789ABCDEFGHJKLMNPQRTUWXY",
                              [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], 31, body)


def _places(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(county, town or "", city, area code) — each county followed by its townships."""
    counties = [h + t for h in COUNTY_HEADS for t in COUNTY_TAILS if h != t and h + t != "永昌"]  # 永昌 is the demo county
    rng.shuffle(counties)
    places: list[tuple[str, str, str, str]] = []
    for i, stem in enumerate(counties):
        county = stem + ("区" if i % 7 == 3 else "县")
        city = CITIES[i % len(CITIES)]
        area = f"62{i // 50 + 1:02d}{i % 50 + 50:02d}"  # ends 50-99: never 620321, the demo county
        places.append((county, "", city, area))
        for j in range(TOWNS_PER_COUNTY):
            town = TOWN_NAMES[(i * TOWNS_PER_COUNTY + j) % len(TOWN_NAMES)]
            places.append((county, town + ("乡" if j == 3 else "镇"), city, area))
    return places


def _department(demo_dept: str, item_type: str, county: str, town: str, city: str) -> str:
    """The implementing agency's name for a demo department moved to another county or township."""
    if town:
        for suffix, station in TOWN_STATIONS.items():
            if demo_dept.endswith(suffix):
                return station.format(county=county, town=town)
        if item_type in TOWN_KINDS and demo_dept.endswith(TOWN_GOVERNMENT_DEPTS):
            return f"{county}{town}人民政府"
    stem = county[:-1]
    return demo_dept.replace("永昌县", county).replace("永昌", stem).replace("金昌市", city)


def _stem(name: str) -> str:
    for q in DROPPABLE:
        if name.endswith(q):
            return name[: -len(q)]
    return name


def _variants(name: str, visits: int) -> list[str]:
    if _stem(name).endswith(LICENCE_ENDINGS):
        return LICENCE_VARIANTS
    # "全程网办" would contradict a guide that asks the applicant to come to the hall.
    return SERVICE_VARIANTS if visits == 0 else SERVICE_VARIANTS[:-1]


def _name(base: str, variant: str) -> str:
    if not variant:
        return base
    base = _stem(base)
    if base.endswith("）"):
        return f"{base[:-1]}·{variant}）"
    return f"{base}（{variant}）"


def make_catalog(count: int, seed: int = 0) -> dict:
    """A catalog of `count` items built deterministically from the demo catalog."""
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    bases = demo["items"]
    places = _places(rng)
    n_bases, n_places = len(bases), len(places)
    agencies: dict[tuple[int, str], tuple[str, str]] = {}  # (place, department) -> (USCC, phone)
    items: list[dict] = []
    for n in range(count):
        b = n % n_bases
        k = n // n_bases  # which pass over the demo items
        p = k % n_places
        round_no = k // n_places  # > 0 only once every place has every item (~600,000 items)
        base = bases[b]
        county, town, city, area = places[p]
        dept = _department(base["department"], base["item_type"], county, town, city)
        agency = agencies.get((p, dept))
        if agency is None:
            # A running serial keeps every agency's credit code distinct.
            phone = f"{PHONE_AREAS[city]}-{rng.randrange(2_000_000, 8_999_999)}"
            agency = agencies[(p, dept)] = (_uscc(area, len(agencies)), phone)
        uscc, phone = agency
        variants = _variants(base["name"], base["visits"])
        v = (k * 3 + b) % len(variants)
        basic = f"{base['basic_code'][:-3]}{v:03d}"
        it = dict(base)
        it["implementation_code"] = f"{uscc}4{basic}{round_no:02d}"
        it["basic_code"] = basic
        it["name"] = _name(base["name"], variants[v])
        it["department"] = dept
        place_name = county + town
        for f in TEXT_FIELDS:
            it[f] = base[f].replace("永昌县", place_name).replace("金昌市", city)
        it["consultation"] = PHONE.sub(phone, it["consultation"], count=1)
        if it["handling_kind"] == "承诺件":
            # Agencies promise different limits for the same item; never above the legal limit.
            legal = it["legal_limit_days"]
            it["committed_limit_days"] = max(1, min(legal, base["committed_limit_days"] + rng.randint(-2, 2)))
        it["revision"] = rng.randint(1, 3)
        roll = rng.random()
        if base["status"] == "terminated":
            # A terminated item stays terminated wherever it was implemented.
            it["status"], it["status_reason"], it["status_since"] = "terminated", base["status_reason"], base["status_since"]
        elif roll < 0.015:
            it["status"], it["status_reason"] = "suspended", rng.choice(SUSPEND_REASONS)
            it["status_since"] = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
        elif roll < 0.025:
            it["status"], it["status_reason"] = "terminated", rng.choice(TERMINATE_REASONS)
            it["status_since"] = f"{rng.randint(2021, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            it["status"], it["status_reason"], it["status_since"] = "active", "", ""
        # Fresh lists/dicts so a caller may edit one item without touching the others.
        it["special_procedures"] = [dict(sp) for sp in base["special_procedures"]]
        it["materials"] = [dict(m) for m in base["materials"]]
        items.append(it)
    return {
        "schema": demo["schema"],
        "revision": f"bench-{count}-{seed}",
        "source": "ClerkDesk 基准测试生成数据（基于永昌县演示目录）",
        "items": items,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Generate a large clerkdesk.catalog/v1 file from the demo catalog.")
    p.add_argument("--count", type=int, default=20_000, help="number of items (default 20000)")
    p.add_argument("--seed", type=int, default=0, help="random seed; same seed, same file")
    p.add_argument("--out", required=True, help="output JSON file")
    args = p.parse_args(argv)
    data = make_catalog(args.count, args.seed)
    # Compact: a 20,000-item file is for machines, and indenting would double its size.
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(data['items'])} items -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

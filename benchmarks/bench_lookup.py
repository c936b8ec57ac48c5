"""Finding a case again at 1,000,000 cases: by case number (pick-up desk) and by the
applicant's ID number (case search), against raw SQLite queries on the same file.

The database is the app's own (schema from `open_context`, demo clerks and catalog from
`start_terminal`); the bulk rows go in with raw sqlite3 `executemany`, because a million
ORM inserts would take longer than the whole benchmark run. No ANALYZE: a terminal's
database never gets one either, so the planner works as it does in the hall. The memory
benchmark reuses the same database (`case_database`).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks.common import Row, log, percentile, time_pairs
from benchmarks.slow_pc import untimed

CHUNK = 50_000
YEARS = 5
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "桂兰建华秀英志强丽娟明军海燕玉梅文斌红霞国庆春生晓东永福淑珍金花德胜春燕立新凤英宏伟振华"
TOWNS = ["城关镇", "河西堡镇", "新城子镇", "朱王堡镇", "东寨镇", "水源镇", "红山窑镇", "焦家庄镇", "六坝镇", "南坝乡"]
OLD_STATES = (["collected"] * 70 + ["concluded_approved"] * 10 + ["mailed"] * 8 + ["rejected"] * 5
              + ["withdrawn"] * 3 + ["concluded_denied"] * 2 + ["awaiting_pickup"] * 2)
RECENT_STATES = (["received"] * 20 + ["accepted"] * 25 + ["in_progress"] * 35 + ["awaiting_supplement"] * 10
                 + ["awaiting_pickup"] * 10)
ACCEPTED_LIKE = {"accepted", "in_progress", "awaiting_pickup", "collected", "mailed", "concluded_approved",
                 "concluded_denied", "awaiting_supplement"}

CASE_COLUMNS = (
    "number", "item_id", "applicant_id", "agent_id", "authorisation", "channel", "clerk_id", "window_no", "terminal_id",
    "received_at", "received_on", "round", "round_received_on", "state", "accepted_on", "acceptance_basis",
    "reject_ground", "reject_reason", "competent_agency", "remedy", "acceptance_due", "committed_due", "legal_due",
    "due_confirmed", "watch_due", "watch_yellow_on", "updated_at",
)
PARTY_COLUMNS = ("id", "kind", "name", "id_type", "id_number", "phone", "address", "legal_rep", "created_at")


def resident_id(n: int) -> str:
    """A valid, unique 18-digit resident ID for party n (birth day and sequence from n)."""
    birth = date(1940, 1, 1) + timedelta(days=n % 23_000)
    body = f"6203{21 + n % 3:02d}{birth:%Y%m%d}{n // 23_000 % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _dt(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy stores DateTime in SQLite


def party_rows(first_id: int, count: int, rng: random.Random) -> Iterator[tuple]:
    created = _dt(datetime(2020, 1, 1, 9, 0))
    for n in range(first_id, first_id + count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else "")
        yield (n, "person", name, "居民身份证", resident_id(n), f"13{rng.randrange(10**9):09d}",
               f"永昌县{TOWNS[n % len(TOWNS)]}{n % 300 + 1}号", "", created)


def case_rows(total: int, today: date, parties: tuple[int, int], items: list[tuple[int, int, int]],
              clerks: list[tuple[int, str]], terminal: str, rng: random.Random) -> Iterator[tuple]:
    """`total` cases spread evenly over the last YEARS years, numbers in issue order."""
    from app.rules.case_number import make_case_number, number_prefix

    per_year = total // YEARS
    lo, hi = parties
    for y in range(YEARS):
        year = today.year - YEARS + 1 + y
        start = date(year, 1, 1)
        span = (today - start).days + 1 if year == today.year else 365
        prefix = number_prefix("620321", year)
        count = per_year if y < YEARS - 1 else total - per_year * (YEARS - 1)
        for serial in range(1, count + 1):
            on = start + timedelta(days=(serial - 1) * span // count)
            at = datetime(on.year, on.month, on.day, 8, 30) + timedelta(seconds=serial * 37 % 30_000)
            item_id, committed, legal = items[serial % len(items)]
            clerk_id, window = clerks[serial % len(clerks)]
            recent = (today - on).days < 60
            state = rng.choice(RECENT_STATES if recent else OLD_STATES)
            acceptance_due = on + timedelta(days=7)
            accepted = state in ACCEPTED_LIKE
            accepted_on = on + timedelta(days=1) if accepted else None
            committed_due = on + timedelta(days=committed * 7 // 5 + 1) if accepted else None
            legal_due = on + timedelta(days=legal * 7 // 5 + 1) if accepted else None
            if state == "received":
                watch = acceptance_due
            elif state in ("accepted", "in_progress"):
                watch = committed_due
            else:
                watch = None
            yellow = watch - timedelta(days=2) if watch else None
            agent = rng.randint(lo, hi) if serial % 20 == 0 else None
            yield (
                make_case_number(prefix, serial), item_id, rng.randint(lo, hi), agent, "委托办理" if agent else "",
                "window", clerk_id, window, terminal, _dt(at), on.isoformat(), 1, on.isoformat(), state,
                accepted_on.isoformat() if accepted_on else None, "decision" if accepted else "",
                "", "", "", "", acceptance_due.isoformat(), committed_due.isoformat() if committed_due else None,
                legal_due.isoformat() if legal_due else None, 1, watch.isoformat() if watch else None,
                yellow.isoformat() if yellow else None, _dt(at),
            )


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def app_db(db: Path):  # noqa: ANN201 — a DB-API connection to the app's encrypted database
    from app.storage.db import connect_raw
    from app.storage.keys import database_key

    return connect_raw(db, database_key(db, create=False))


def bulk_load(db: Path, total_cases: int, today: date) -> None:
    """Parties and cases straight into the app's schema, as fast as SQLite allows."""
    conn = app_db(db)  # the app's database is encrypted: the terminal's key, as the app opens it
    conn.isolation_level = None
    items = conn.execute("SELECT id, committed_limit_days, legal_limit_days FROM service_items ORDER BY id").fetchall()
    clerks = conn.execute("SELECT id, window_no FROM clerks WHERE role IN ('clerk', 'station') ORDER BY id").fetchall()
    terminal = conn.execute("SELECT value FROM settings WHERE key = 'terminal_id'").fetchone()[0]
    first_party = (conn.execute("SELECT max(id) FROM parties").fetchone()[0] or 0) + 1
    party_count = total_cases * 3 // 10
    # The bulk load only: no fsync and no journal (a crash here just means rerunning).
    # The secondary indexes are dropped and rebuilt from their stored SQL: one sort
    # instead of a million random B-tree inserts; the schema ends up exactly the app's.
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA cache_size=-200000")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('cases', 'parties') AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    rng = random.Random(11)
    placeholders = ", ".join("?" * len(PARTY_COLUMNS))
    conn.execute("BEGIN")
    for chunk in _chunks(party_rows(first_party, party_count, rng), CHUNK):
        conn.executemany(f"INSERT INTO parties ({', '.join(PARTY_COLUMNS)}) VALUES ({placeholders})", chunk)
    conn.execute("COMMIT")
    placeholders = ", ".join("?" * len(CASE_COLUMNS))
    done = 0
    rows = case_rows(total_cases, today, (first_party, first_party + party_count - 1), items, clerks, terminal, rng)
    for chunk in _chunks(rows, CHUNK * 4):
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) VALUES ({placeholders})", chunk)
        conn.execute("COMMIT")
        done += len(chunk)
        log(f"lookup: {done:,} / {total_cases:,} cases loaded")
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("PRAGMA journal_mode=WAL")  # back to the app's mode before the app opens it
    conn.close()


# The raw equivalent of list_cases' query, with predicates an index can serve. Like the app,
# it finds the person's cases as applicant and as agent (代办人): one in twenty cases has one.
BY_ID_SQL = """
SELECT c.number, i.name, p.name, p.id_number, c.state, c.received_at, c.watch_due, c.watch_yellow_on,
       c.due_confirmed, k.display_name
FROM cases c
JOIN service_items i ON i.id = c.item_id
JOIN parties p ON p.id = c.applicant_id
JOIN clerks k ON k.id = c.clerk_id
WHERE c.applicant_id IN (SELECT id FROM parties WHERE id_number = ?1)
   OR c.agent_id IN (SELECT id FROM parties WHERE id_number = ?1)
ORDER BY c.received_at DESC
LIMIT 500
"""


@dataclass
class CaseDatabase:
    data_dir: Path
    total: int
    build_s: float


# One build per process and size: the memory benchmark opens the window on the same million
# cases the lookups ran on (building them is the slowest part of either). Removed at exit.
_built: dict[int, tuple[tempfile.TemporaryDirectory, CaseDatabase]] = {}


def case_database(total: int) -> CaseDatabase:
    """A data directory with the app's schema, demo clerks and catalog, and `total` cases."""
    if total in _built:
        return _built[total][1]
    from app.bootstrap import start_terminal
    from app.config import Paths

    holder = tempfile.TemporaryDirectory(prefix=f"clerkdesk-bench-cases{total}-")
    data_dir = Path(holder.name)
    with untimed():
        seeded = start_terminal(Paths(data_dir))  # schema, demo clerks and catalog
        today = seeded.today()
        seeded.close()
        t0 = time.perf_counter()
        bulk_load(Paths(data_dir).database, total, today)
        build_s = time.perf_counter() - t0
    log(f"lookup: {total:,} cases built in {build_s:.0f} s")
    db = CaseDatabase(data_dir, total, build_s)
    _built[total] = (holder, db)
    return db


def size_label(total: int) -> str:
    return f"{total // 1000}k" if total < 1_000_000 else f"{total // 1_000_000}M"


def run(quick: bool = False) -> list[Row]:
    from app.config import Paths
    from app.context import open_context
    from app.usecases.auth import login
    from app.usecases.queries import CaseFilter, list_cases, lookup_case

    total = 100_000 if quick else 1_000_000
    samples = 500
    budget_s = 20.0 if quick else 40.0
    db = case_database(total)
    data_dir, build_s = db.data_dir, db.build_s
    raw = app_db(Paths(data_dir).database)
    rng = random.Random(5)
    max_id = raw.execute("SELECT max(id) FROM cases").fetchone()[0]
    ids = rng.sample(range(1, max_id + 1), samples * 2)
    numbers = [raw.execute("SELECT number FROM cases WHERE id = ?", (i,)).fetchone()[0] for i in ids[:samples]]
    id_numbers = [raw.execute("SELECT p.id_number FROM cases c JOIN parties p ON p.id = c.applicant_id "
                              "WHERE c.id = ?", (i,)).fetchone()[0] for i in ids[samples:]]

    ctx = open_context(Paths(data_dir))
    actor = login(ctx, "clerk01", "demo1234")

    def app_by_number(n: str) -> None:
        if lookup_case(ctx, actor, n) != n:
            raise RuntimeError(f"lookup_case missed {n}")  # a benchmark bug, not a slow app

    def raw_by_number(n: str) -> None:
        raw.execute("SELECT id FROM cases WHERE number = ?", (n,)).fetchone()

    def raw_by_id(id_number: str) -> list:
        return raw.execute(BY_ID_SQL, (id_number,)).fetchall()

    # Same answers, or the comparison means nothing.
    for idn in id_numbers[:5]:
        got = len(list_cases(ctx, actor, CaseFilter.ALL, idn))
        if got != len(raw_by_id(idn)):
            raise RuntimeError(f"list_cases and the raw query disagree for {idn}")

    for n in numbers[:20]:  # warm-up: statement caches, first page reads
        app_by_number(n)
        raw_by_number(n)
    num_app, num_raw = time_pairs(app_by_number, raw_by_number, numbers, budget_s)
    log(f"lookup: by number done ({len(num_app)} samples)")
    id_app, id_raw = time_pairs(lambda idn: list_cases(ctx, actor, CaseFilter.ALL, idn), raw_by_id, id_numbers,
                                budget_s)
    log(f"lookup: by ID number done ({len(id_app)} samples)")
    ctx.close()
    raw.close()
    size_mb = Paths(data_dir).database.stat().st_size / 1e6

    size = size_label(total)
    context = f"{total:,} cases, {total * 3 // 10:,} parties, {size_mb:.0f} MB, built in {build_s:.0f} s"
    return [
        Row(key="lookup_number", name=f"lookup by case number p95 ({size} cases)", measured=percentile(num_app, 95),
            baseline=percentile(num_raw, 95), baseline_name="raw SELECT by number",
            notes=[context, f"{len(num_app)} targets; lookup_case p50 {percentile(num_app, 50):.3f} ms, "
                            f"max {max(num_app):.3f} ms; raw p50 {percentile(num_raw, 50):.3f} ms"]),
        Row(key="lookup_id", name=f"search by applicant ID p95 ({size} cases)", measured=percentile(id_app, 95),
            baseline=percentile(id_raw, 95), baseline_name="raw indexed join",
            notes=[f"{len(id_app)} of {samples} targets (time box {budget_s:g} s); list_cases(ALL, id) p50 "
                   f"{percentile(id_app, 50):.3f} ms, max {max(id_app):.3f} ms; raw p50 {percentile(id_raw, 50):.3f} ms"]),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.3f} ms vs {r.baseline:.3f} ms = {r.ratio:.2f}×", *r.notes, sep="\n  ")

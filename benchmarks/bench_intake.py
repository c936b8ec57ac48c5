"""Saving a case (收件 commit) against a bare SQLite transaction writing the same rows.

`receive_case` is run N times for new walk-in applicants. The baseline is not a guess at
what it writes: on a copy of the same starting database the same N intakes run first with
a statement recorder attached, and the baseline replays exactly those INSERT/UPDATE
statements and parameters with raw `sqlite3` (same PRAGMAs, BEGIN IMMEDIATE … COMMIT) on
another copy. So the ratio is the price of everything but the writes: validation, reads,
the ORM, the audit hash.

The goal (≤ 3×) is on the p95 ratio; it counts as met only if the CPU each save takes (its
thread's CPU time, median) holds it too against the bare replay's, because on a loaded machine
the bare transaction's p95 is scheduler noise (see `run`). The wall-time median is reported
beside them but is not the guard: on one core shared with a busy loop it is bimodal, and which
mode it lands in follows the scheduler's slice, not the save (benchmarks/results.md, part 10).

Two bare replays: plain SQLite (the baseline of issue 15, set before the database was
encrypted; the data-protection issue asks that encryption not double this ratio) and
SQLCipher with the terminal's own key (the same rows through the same storage engine: what
the goal's "bare SQLite, same rows" means on an encrypted terminal). The goal is judged
against the second, and both ratios are reported.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import GOALS, Row, log, lost_core_share, percentile, temp_data_dir
from benchmarks.slow_pc import think, untimed

GOAL_RATIO = GOALS["intake"].limit  # issue 15: p95 within 3× a bare SQLite transaction
WARMUP = 10
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


def resident_id(area: str, birth: str, seq: str) -> str:
    """A valid 18-digit resident ID (ISO 7064 MOD 11-2), computed here, independent of the app."""
    body = f"{area}{birth}{seq}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def applicant(n: int):  # noqa: ANN201 — PartyInput, imported lazily
    """The n-th walk-in: a new person each time, so every intake also creates a party row."""
    from app.rules.party import PartyInput

    birth = f"19{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
    return PartyInput("person", ["张桂兰", "李建华", "王秀英", "赵志强"][n % 4],
                      id_number=resident_id("620321", birth, f"{n % 1000:03d}"),
                      phone=f"1389351{n % 10000:04d}", address="永昌县城关镇北海子路12号")


def ticks_for(guide):  # noqa: ANN001, ANN201 — ItemGuide → list[Tick]
    """Every material provided as required (platform-verifiable ones verified online)."""
    from app.rules.decisions import Provided, Tick

    return [Tick(m.material_id, m.name, platform_verified=True) if m.platform_verifiable
            else Tick(m.material_id, m.name, Provided.ORIGINAL, pages=2) for m in guide.materials]


@dataclass(frozen=True)
class Write:
    sql: str
    params: object


def copy_db_encrypted(src: Path, dst: Path) -> bytes:
    """A consistent copy encrypted with the app's own key (returned), for the SQLCipher replay."""
    from app.storage.db import connect_raw
    from app.storage.keys import database_key
    from app.storage.migrate import export_encrypted

    dst.parent.mkdir(parents=True, exist_ok=True)
    key = database_key(src, create=False)
    a = connect_raw(src, key)
    try:
        export_encrypted(a, dst, key)
    finally:
        a.close()
    return key


def copy_db(src: Path, dst: Path) -> None:
    """A consistent PLAIN copy of the app's encrypted database: the bare baseline is plain
    SQLite (the same baseline as before encryption, so the ratio shows what encryption costs);
    the recorder's copy is encrypted again when the app opens it."""
    from app.storage.db import connect_raw
    from app.storage.keys import database_key

    dst.parent.mkdir(parents=True, exist_ok=True)
    a = connect_raw(src, database_key(src, create=False))
    try:
        a.execute("ATTACH DATABASE ? AS plain KEY ''", (str(dst),))
        a.execute("SELECT sqlcipher_export('plain')")
        a.execute("DETACH DATABASE plain")
    finally:
        a.close()


def record_writes(data_dir: Path, actor, inputs: list) -> list[list[Write]]:  # noqa: ANN001
    """Run the intakes on a copy with a recorder on the engine: the writes of each transaction."""
    from sqlalchemy import event

    from app.config import Paths
    from app.context import open_context
    from app.usecases.intake import receive_case

    ctx = open_context(Paths(data_dir))
    current: list[Write] = []

    @event.listens_for(ctx.engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith(WRITE_VERBS):
            current.append(Write(statement, parameters))

    out = []
    for data in inputs:
        current = []
        receive_case(ctx, actor, data)
        out.append(current)
    ctx.close()
    return out


def _is_many(params: object) -> bool:
    # SQLAlchemy reports its one-row-per-statement "insertmanyvalues" batches with the
    # executemany flag set, but passes one flat tuple: decide by the shape instead.
    return isinstance(params, list) and bool(params) and isinstance(params[0], tuple | list | dict)


class BareReplay:
    """The bare baseline: the recorded writes, raw sqlite3, one BEGIN IMMEDIATE … COMMIT each.

    `synchronous="OFF"` is for context only: the difference is what fsync costs on this disk.
    """

    def __init__(self, db: Path, synchronous: str = "FULL", key: bytes | None = None):
        if key is None:
            self.conn = sqlite3.connect(db, isolation_level=None)
        else:  # the same engine as the app: SQLCipher with the terminal's key
            from app.storage.db import connect_raw

            self.conn = connect_raw(db, key)
            self.conn.isolation_level = None
        # The app's PRAGMAs (app.storage.db): WAL, synchronous=FULL, foreign keys on.
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(f"PRAGMA synchronous={synchronous}")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        self.cur = self.conn.cursor()

    def run(self, tx: list[Write]) -> None:
        cur = self.cur
        cur.execute("BEGIN IMMEDIATE")
        for w in tx:
            if _is_many(w.params):
                cur.executemany(w.sql, w.params)
            else:
                cur.execute(w.sql, w.params)
                if " RETURNING " in w.sql.upper():
                    cur.fetchall()
        cur.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def _ms(fn, arg, cpu: list[float] | None = None) -> float:  # noqa: ANN001
    """Wall time of one call in ms; its CPU time (this thread) appended to `cpu` if given."""
    think()  # each save starts from idle, as a clerk's does (see slow_pc.think)
    c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
    fn(arg)
    t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
    if cpu is not None:
        cpu.append((c1 - c0) / 1e6)
    return (t1 - t0) / 1e6


def profile_intake(ctx, actor, inputs: list) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """Where receive_case spends its time: (share by layer, top functions by own time)."""
    from app.usecases.intake import receive_case

    prof = cProfile.Profile()
    prof.enable()
    for data in inputs:
        receive_case(ctx, actor, data)
    prof.disable()
    stats = pstats.Stats(prof)
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in raw.values()) or 1.0
    layers: Counter[str] = Counter()
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in raw.items():
        layers[_layer(filename, func)] += tt
    lines = ["where receive_case spends its time (cProfile, own time by layer): "
             + ", ".join(f"{k} {v / total:.0%}" for k, v in layers.most_common())]
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(12)
    top = [_short(ln.strip()) for ln in buf.getvalue().splitlines()
           if ln.strip() and ln.strip()[0].isdigit() and "function calls" not in ln]
    per_call_ms = total * 1000 / len(inputs)
    lines.append(f"profiled {len(inputs)} calls, {per_call_ms:.2f} ms each under the profiler; top functions below")
    return lines, ["ncalls  tottime  percall  cumtime  percall  function (top by own time)", *top[:12]]


def _short(line: str) -> str:
    """Paths in profile lines, relative to site-packages or the repository."""
    line = re.sub(r"\S*/site-packages/", "", line)
    line = re.sub(r"\S*/lib/python3\.\d+/", "", line)
    return line.replace(str(Path(__file__).resolve().parents[1]) + "/", "")


def _layer(filename: str, func: str) -> str:
    if "sqlite3" in func or "sqlite3" in filename:
        return "SQLite (C)"
    if "/sqlalchemy/" in filename:
        return "SQLAlchemy"
    if "/app/" in filename:
        return "app code"
    if filename == "~":
        return "builtins"
    return "stdlib/other"


def run(quick: bool = False) -> list[Row]:
    from app.bootstrap import start_terminal
    from app.config import Paths
    from app.usecases.auth import login
    from app.usecases.catalog import build_index, item_guide
    from app.usecases.intake import IntakeInput, receive_case

    n = 100 if quick else 300
    with temp_data_dir("intake") as root:
        app_dir, rec_dir = root / "app", root / "recorded"
        bare_db, nosync_db = root / "bare" / "bare.db", root / "bare" / "nosync.db"
        cipher_db = root / "bare" / "cipher.db"
        ctx = start_terminal(Paths(app_dir))
        actor = login(ctx, "clerk01", "demo1234")
        hit = next(h for h in build_index(ctx).search("gtgs") if h.status == "active")
        guide = item_guide(ctx, hit.item_id)
        ticks = ticks_for(guide)
        inputs = [IntakeInput(hit.item_id, applicant(i), ticks) for i in range(WARMUP + n)]

        # Same starting point for the app, the recorder and the bare replay.
        ctx.close()
        copy_db(ctx.paths.database, rec_dir / "clerkdesk.db")
        copy_db(ctx.paths.database, bare_db)
        copy_db(ctx.paths.database, nosync_db)
        key = copy_db_encrypted(ctx.paths.database, cipher_db)
        log(f"intake: recording the writes of {len(inputs)} intakes (untimed)…")
        with untimed():
            writes = record_writes(rec_dir, actor, inputs)

        plain, nosync = BareReplay(bare_db), BareReplay(nosync_db, synchronous="OFF")
        cipher = BareReplay(cipher_db, key=key)
        app_ms, plain_ms, nosync_ms, bare_ms = [], [], [], []
        app_cpu: list[float] = []
        bare_cpu: list[float] = []
        for i, (data, tx) in enumerate(zip(inputs, writes, strict=True)):
            # Interleaved (each side on its own file), so a burst of load from a neighbour
            # on this shared machine hits the app and the baselines alike.
            a = _ms(lambda d: receive_case(ctx, actor, d), data, app_cpu)
            b, c, e = _ms(plain.run, tx), _ms(nosync.run, tx), _ms(cipher.run, tx, bare_cpu)
            if i < WARMUP:
                del app_cpu[-1], bare_cpu[-1]
            else:
                app_ms.append(a)
                plain_ms.append(b)
                nosync_ms.append(c)
                bare_ms.append(e)
        for replay in (plain, nosync, cipher):
            replay.close()

        p95_app, p95_bare = percentile(app_ms, 95), percentile(bare_ms, 95)
        per_tx = Counter(" ".join(w.sql.split()[:3]).replace(" INTO", "").replace(" SET", "") for w in writes[-1])
        notes = [
            f"{guide.name}, {len(ticks)} materials, new applicant each time; N={n} after {WARMUP} warm-up calls",
            f"receive_case p50 {percentile(app_ms, 50):.2f} ms, p95 {p95_app:.2f} ms, max {max(app_ms):.2f} ms",
            f"bare SQLCipher replay (the goal's baseline) p50 {percentile(bare_ms, 50):.2f} ms, p95 {p95_bare:.2f} ms, "
            f"max {max(bare_ms):.2f} ms (p50 ratio {percentile(app_ms, 50) / percentile(bare_ms, 50):.1f}×)",
            f"bare plain-SQLite replay p50 {percentile(plain_ms, 50):.2f} ms, p95 {percentile(plain_ms, 95):.2f} ms: "
            f"receive_case is {p95_app / percentile(plain_ms, 95):.1f}× (p95) / "
            f"{percentile(app_ms, 50) / percentile(plain_ms, 50):.1f}× (p50) of unencrypted bare SQLite "
            f"(the data-protection issue: encryption may not double this ratio)",
            f"same plain replay with synchronous=OFF: p50 {percentile(nosync_ms, 50):.2f} ms, so fsync is "
            f"≈{percentile(plain_ms, 50) - percentile(nosync_ms, 50):.2f} ms of each bare commit on this disk",
            f"CPU per call (this thread): receive_case p50 {percentile(app_cpu, 50):.2f} ms, bare SQLCipher replay "
            f"{percentile(bare_cpu, 50):.2f} ms ({percentile(app_cpu, 50) / percentile(bare_cpu, 50):.1f}×); calls that "
            f"waited for the CPU (wall > CPU + 2 ms): receive_case {lost_core_share(app_ms, app_cpu):.0%}, bare "
            f"{lost_core_share(bare_ms, bare_cpu):.0%}",
            "writes per intake: " + ", ".join(f"{k} ×{v}" for k, v in sorted(per_tx.items())),
        ]
        # The bare replay's p95 is its tail: one fsync whose wake-up waited for a busy core. On
        # a loaded machine that tail can be 7× its median, and the p95 ratio then "meets" the
        # goal while every save is 10× a bare one. So the save's median cost must hold the goal
        # too: its CPU time, which no scheduler wait is in. (The wall median is no guard on one
        # shared core: a save either fits its slice or waits a whole one of the competitor's, so
        # it flips between ~2× and ~6× on the share that waits — seven runs of one save path
        # gave 2.3–5.7× at a CPU ratio of 2.4–2.8×.)
        p95_ratio, cpu_ratio = p95_app / p95_bare, percentile(app_cpu, 50) / percentile(bare_cpu, 50)
        met = p95_ratio <= GOAL_RATIO and cpu_ratio <= GOAL_RATIO
        if p95_ratio <= GOAL_RATIO and not met:
            notes.append(f"NOT MET although the p95 ratio is {p95_ratio:.2f}×: each save took {cpu_ratio:.1f}× "
                         f"the bare replay's CPU (median) — over the {GOAL_RATIO:g}× goal")
        block: list[str] = []
        if not met:
            log("intake: over the goal — profiling receive_case…")
            more, block = profile_intake(ctx, actor, [IntakeInput(hit.item_id, applicant(10_000 + i), ticks)
                                                      for i in range(100)])
            notes += more
        ctx.close()
    return [Row(key="intake", name="intake commit p95 (receive_case)", measured=p95_app, baseline=p95_bare,
                baseline_name="bare SQLCipher tx, same rows and key", goal=GOALS["intake"].text + " (CPU median too)", met=met,
                notes=notes, block=block)]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.3f} ms vs {r.baseline:.3f} ms = {r.ratio:.2f}×", *r.notes, sep="\n  ")

"""Run every benchmark in the normal and the "slow PC" profile and print issue 15's goals table.

A full run (no --quick, no --only) also writes benchmarks/results.md.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.run [--profile both|normal|slow] [--quick]
                                                       [--only search,intake] [--out FILE]

Profiles (`--profile both`, the default, runs normal first, then slow):

* normal — the process as started, on every core the machine gives it;
* slow   — a hall's old PC: this process and its children (the app under test, the sandbox
  server) pinned to one core, with a CPU-bound competitor process busy on that same core
  while each benchmark runs (see benchmarks/slow_pc.py; it stops by itself if the run dies).

In both, each timed call of the per-call figures (search, intake, lookup, print) starts after
2 ms of idle, as a clerk's keystroke or scan does (`slow_pc.think`).

Each figure is a ratio against a baseline measured in the same run and the same profile (a
bare PySide6 window, a naive scan, a bare SQLite transaction, a raw SQL query, an idle window),
with the absolute value for context: absolute times on the shared 2-core machines are noise.
Each profile runs in its own interpreter, so pinning and Qt state never leak from one into
the other. `--quick` uses smaller data (5k items, 100k cases, 2k events) as a smoke check and
leaves results.md alone unless --out is given; a full `--profile both` run takes about ten
minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.common import GOALS, Row, fmt, log, machine_info, markdown_table, text_table
from benchmarks.slow_pc import (
    PROFILE_TITLES,
    PROFILES,
    SLOW,
    THINK_S,
    competing,
    pick_core,
    pin_process,
    set_think_time,
)

BENCHMARKS = {
    "startup": "benchmarks.bench_startup",
    "search": "benchmarks.bench_search",
    "intake": "benchmarks.bench_intake",
    "lookup": "benchmarks.bench_lookup",
    "memory": "benchmarks.bench_memory",  # after lookup: it opens the window on lookup's million cases
    "pickup": "benchmarks.bench_pickup",  # the pick-up desk's scan and card read, on the same million cases
    "sync": "benchmarks.bench_sync",
    "print": "benchmarks.bench_print",
    "devices": "benchmarks.bench_devices",  # issue 13: card read, scan upload, stall while scanning
}
RESULTS = Path(__file__).with_name("results.md")
# results.md below this line is written by hand (what was changed, what it bought) and kept.
KEEP_MARKER = "<!-- Written by hand below this line; benchmarks.run keeps it. -->"


# --- one profile, in this process ---------------------------------------------------------

def run_profile(profile: str, chosen: list[str], quick: bool) -> dict:
    """Run the chosen benchmarks in this process under `profile`; rows, failures and context."""
    setup: list[str] = []
    core = None
    if profile == SLOW:
        core = pick_core()
        pin_process(core)  # before any benchmark starts a thread or a child: they inherit it
        setup.append(f"pinned to cpu {core} (of {os.cpu_count()}); a CPU-bound competitor busy on cpu {core} "
                     "during each benchmark, paused during untimed setup")
    else:
        setup.append(f"unpinned: cpus {sorted(os.sched_getaffinity(0))}, no competitor")
    set_think_time(THINK_S)  # both profiles: a timed call starts from idle, as a clerk's keystroke does
    log(f"profile {profile}: {setup[0]}")
    started = time.perf_counter()
    rows: list[Row] = []
    failures: list[str] = []
    for name in chosen:
        log(f"== {name} ({profile}) ==")
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(BENCHMARKS[name])
            if core is None:
                rows += module.run(quick=quick)
            else:
                with competing(core) as comp:
                    rows += module.run(quick=quick)
                setup.append(f"{name}: {comp.summary()}")
                if comp.died_early:
                    failures.append(f"{name}: the competitor ended before the benchmark did (load was missing)")
        except Exception as exc:  # noqa: BLE001 — one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
        log(f"{name} ({profile}) took {time.perf_counter() - t0:.0f} s")
    return {"profile": profile, "rows": [r.to_dict() for r in rows], "failures": failures, "setup": setup,
            "elapsed_s": time.perf_counter() - started}


def run_profile_in_child(profile: str, args: argparse.Namespace) -> dict:
    """The same command for one profile, in a fresh interpreter; its results come back as JSON."""
    with tempfile.TemporaryDirectory(prefix="clerkdesk-bench-run-") as d:
        out = Path(d) / "profile.json"
        cmd = [sys.executable, "-m", "benchmarks.run", "--profile", profile, "--json", str(out)]
        if args.quick:
            cmd.append("--quick")
        if args.only:
            cmd += ["--only", args.only]
        rc = subprocess.run(cmd, cwd=Path(__file__).resolve().parents[1]).returncode
        if out.exists():
            return json.loads(out.read_text(encoding="utf-8"))
        return {"profile": profile, "rows": [], "setup": [], "elapsed_s": 0.0,
                "failures": [f"the {profile} profile's process failed (exit {rc}) before writing its results"]}


# --- output -------------------------------------------------------------------------------

def _rows(result: dict) -> list[Row]:
    return [Row.from_dict(r) for r in result["rows"]]


def goal_cell(row: Row | None) -> str:
    """The figure the goal is about first (ratio or absolute), the other in brackets."""
    if row is None:
        return "not measured"
    g = GOALS[row.key]
    ratio = f"{row.ratio:.2f}× {row.baseline_name} {fmt(row.baseline, row.unit)}"
    if g.on_ratio:
        return f"{row.ratio:.2f}× ({fmt(row.measured, row.unit)} vs {fmt(row.baseline, row.unit)} {row.baseline_name})"
    return f"{fmt(row.measured, row.unit)} ({ratio})"


def goals_table(results: list[dict], markdown: bool) -> str:
    """Issue 15's goals, one line each, a measured/met pair of columns per profile."""
    by_profile = [{r.key: r for r in _rows(res) if r.key} for res in results]
    head = ["figure (issue 15)", "goal"]
    for res in results:
        head += [PROFILE_TITLES[res["profile"]], "met?"]
    lines = []
    for key, g in GOALS.items():
        cells = [g.figure, g.text]
        for rows in by_profile:
            row = rows.get(key)
            cells += [goal_cell(row), row.met_text() if row else "NOT MEASURED"]
        lines.append(cells)
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in lines]
        return "\n".join(out)
    # Terminal: one block per goal, the profiles under it (the cells are too wide for columns).
    out = []
    for cells in lines:
        out.append(f"{cells[0]}  [{cells[1]}]")
        for i, res in enumerate(results):
            out.append(f"    {res['profile']:<7} {cells[3 + 2 * i]:<8} {cells[2 + 2 * i]}")
    return "\n".join(out)


def print_profile(result: dict, quick: bool) -> None:
    rows = _rows(result)
    print(f"\n===== profile: {PROFILE_TITLES[result['profile']]} =====")
    for s in result["setup"]:
        print(f"  {s}")
    for r in rows:
        print(f"{r.name}:")
        for n in r.notes:
            print(f"    {n}")
        for b in r.block:
            print(f"      {b}")
    print()
    print(text_table(rows))
    print(f"\n{len(rows)} figures in {result['elapsed_s']:.0f} s" + (" (quick)" if quick else ""))


def write_results(path: Path, results: list[dict], quick: bool, elapsed_s: float, command: str) -> None:
    info = machine_info()
    kept = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if KEEP_MARKER in old:
            kept = old.split(KEEP_MARKER, 1)[1].strip("\n")
    profiles = ", ".join(r["profile"] for r in results)
    lines = [
        "# ClerkDesk benchmarks",
        "",
        f"Produced by `{command}` (or `bash scripts/dev.sh bench`) on {info['date']}: "
        f"{info['cpu count (nproc)']} × {info['cpu']}, load average {info['load average (1/5/15 min)']} at the end. "
        "Every figure is a ratio against a baseline measured in the same run and profile; the absolute values "
        "are for context only — these shared 2-core machines make them noise.",
        "",
        "Profiles: **normal** — all cores, nothing added; **slow PC** — the benchmark process and its children "
        "(the app under test, the sandbox server) pinned to one core, with a CPU-bound competitor process busy "
        "on that same core while each benchmark runs (paused during untimed setup). In both, each timed call "
        "of the per-call figures (search, intake, lookup, print) starts after 2 ms of idle, as a clerk's keystroke "
        "or scan does (`benchmarks/slow_pc.py`, `think`).",
        "",
        f"## Goals of issue 15 ({profiles})",
        "",
        goals_table(results, markdown=True),
        "",
    ]
    if quick:
        lines += ["**--quick**: smaller data (5k items, 100k cases, 2,000 events) — a smoke check, not the "
                  "goals' conditions; see the row names below for the sizes measured.", ""]
    for res in results:
        rows = _rows(res)
        lines += [f"## Profile: {PROFILE_TITLES[res['profile']]}", ""]
        lines += [f"- {s}" for s in res["setup"]]
        lines += [f"- {len(rows)} figures in {res['elapsed_s']:.0f} s", "", markdown_table(rows), "", "### Details", ""]
        for r in rows:
            lines.append(f"**{r.name}** — {r.ratio:.2f}× {r.baseline_name}")
            lines += [f"- {n}" for n in r.notes]
            if r.block:
                lines += ["", "```", *r.block, "```"]
            lines.append("")
        if res["failures"]:
            lines += ["### Failed", ""] + [f"- {f}" for f in res["failures"]] + [""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += [f"| whole run | {elapsed_s:.0f} s" + (" (quick)" if quick else "") + " |", "", KEEP_MARKER, ""]
    if kept:
        lines += [kept, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# --- entry point --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=(*PROFILES, "both"), default="both",
                        help="normal (all cores), slow (one core shared with a CPU-bound competitor), or both "
                             "(default)")
    parser.add_argument("--quick", action="store_true", help="smaller data sets, fewer repeats (smoke check)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, help="where to write the markdown results (full run: benchmarks/results.md)")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # one profile's results, for the parent run
    args = parser.parse_args(argv)
    # Children (startup, memory, the sandbox) inherit this; a screen is not needed.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.pop("CLERKDESK_DEBUG", None)  # figures are for the shipping configuration (no stall watchdog)

    chosen = list(BENCHMARKS) if not args.only else [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    if args.json is not None:  # a profile child of a `both` run (or of a single-profile run)
        if args.profile == "both":
            parser.error("--json takes one profile")
        result = run_profile(args.profile, chosen, args.quick)
        args.json.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 1 if result["failures"] else 0

    started = time.perf_counter()
    profiles = list(PROFILES) if args.profile == "both" else [args.profile]
    results = []
    for profile in profiles:
        # Each profile in a fresh interpreter: pinning and Qt state never leak into the next.
        results.append(run_profile_in_child(profile, args))
    elapsed = time.perf_counter() - started

    for res in results:
        print_profile(res, args.quick)
    print(f"\n===== goals of issue 15 ({', '.join(profiles)}) =====")
    print(goals_table(results, markdown=False))
    if args.quick:
        print("(--quick: 5k items, 100k cases, 2,000 events — a smoke check, not the goals' conditions)")
    print(f"\nwhole run {elapsed:.0f} s" + (" (quick)" if args.quick else ""))

    command = "QT_QPA_PLATFORM=offscreen python -m benchmarks.run" + (
        f" --profile {args.profile}" if args.profile != "both" else "") + (" --quick" if args.quick else "")
    out = args.out or (None if args.quick or args.only else RESULTS)
    if out is not None:
        write_results(out, results, args.quick, elapsed, command)
        print(f"wrote {out}")
    failures = [f"[{res['profile']}] {f}" for res in results for f in res["failures"]]
    for f in failures:
        print(f"FAILED {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

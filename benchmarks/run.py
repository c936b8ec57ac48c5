"""Run every benchmark and print one table; the full run also writes benchmarks/results.md.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.run [--quick] [--only search,intake]

Each figure is a ratio against a baseline measured in the same run (a bare PySide6
window, a naive scan, a bare SQLite transaction, a raw SQL query), with the absolute value
for context: absolute times on the shared 2-core machines are noise. `--quick` uses
smaller data (5k items, 100k cases) as a smoke check and leaves results.md alone unless
--out is given.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

from benchmarks.common import Row, log, machine_info, markdown_table, text_table

BENCHMARKS = {
    "startup": "benchmarks.bench_startup",
    "search": "benchmarks.bench_search",
    "intake": "benchmarks.bench_intake",
    "lookup": "benchmarks.bench_lookup",
    "sync": "benchmarks.bench_sync",
    "print": "benchmarks.bench_print",
}
RESULTS = Path(__file__).with_name("results.md")


def write_results(path: Path, rows: list[Row], quick: bool, elapsed_s: float, failures: list[str]) -> None:
    info = machine_info()
    lines = [
        "# ClerkDesk benchmarks",
        "",
        "Produced by `QT_QPA_PLATFORM=offscreen python -m benchmarks.run" + (" --quick" if quick else "")
        + "` (or `bash scripts/dev.sh bench`). Every figure is a ratio against a baseline measured in the same "
        "run; the absolute values are for context only — these shared 2-core machines make them noise. "
        "“n/a” means the issue sets no target for that figure.",
        "",
        markdown_table(rows),
        "",
        "## Details",
        "",
    ]
    for r in rows:
        lines.append(f"**{r.name}** — {r.ratio:.2f}× {r.baseline_name}")
        lines += [f"- {n}" for n in r.notes]
        if r.block:
            lines += ["", "```", *r.block, "```"]
        lines.append("")
    if failures:
        lines += ["## Failed", ""] + [f"- {f}" for f in failures] + [""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += [f"| whole run | {elapsed_s:.0f} s |", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data sets, fewer repeats (smoke check)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, help="where to write the markdown results (full run: benchmarks/results.md)")
    args = parser.parse_args(argv)
    # The startup benchmark's child processes inherit this; a screen is not needed.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    chosen = list(BENCHMARKS) if not args.only else [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    started = time.perf_counter()
    rows: list[Row] = []
    failures: list[str] = []
    for name in chosen:
        log(f"== {name} ==")
        t0 = time.perf_counter()
        try:
            rows += importlib.import_module(BENCHMARKS[name]).run(quick=args.quick)
        except Exception as exc:  # noqa: BLE001 — one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
        log(f"{name} took {time.perf_counter() - t0:.0f} s")
    elapsed = time.perf_counter() - started

    print()
    for r in rows:
        print(f"{r.name}:")
        for n in r.notes:
            print(f"    {n}")
        for b in r.block:
            print(f"      {b}")
    print()
    print(text_table(rows))
    print(f"\n{len(rows)} figures in {elapsed:.0f} s" + (" (quick)" if args.quick else ""))
    for f in failures:
        print(f"FAILED {f}")

    out = args.out or (None if args.quick or args.only else RESULTS)
    if out is not None:
        write_results(out, rows, args.quick, elapsed, failures)
        print(f"wrote {out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

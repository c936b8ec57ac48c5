"""Memory: resident set of the real app with 1,000,000 local cases, open at the case list.

A fresh `clerkdesk` (the real `ui.main.main`, see `benchmarks.app_child`) is started on the
lookup benchmark's million-case database, logged in, switched to the case list (F3), and
every filter of the list is shown in turn (今日收件 … 全部); RSS is read from /proc once each
list is in and painted. The figure is the largest of those readings (goal ≤ 300 MB); the
peak (VmHWM) is given for context. The baseline is the same window, same steps, on a
freshly installed terminal (demo data only): the ratio is what a million cases cost.
"""

from __future__ import annotations

import sys

from benchmarks.app_child import APP_CHILD, BARE_CHILD, ChildRun, prepare_data_dir, spawn
from benchmarks.bench_lookup import case_database, size_label
from benchmarks.common import Row, log, temp_data_dir
from benchmarks.slow_pc import untimed

CHILD_TIMEOUT_S = 300  # the first start on a million cases may sweep deadlines across all of them


def _largest(run: ChildRun) -> tuple[float, dict[str, int], int]:
    """(largest VmRSS in MB over the filters, that reading, how many filters were read)."""
    readings = [run.rss(i) for i in range(len(run.series["RSS"]))]
    worst = max(readings, key=lambda r: r["VmRSS"])
    return worst["VmRSS"] / 1024, worst, len(readings)


def run(quick: bool = False) -> list[Row]:
    total = 100_000 if quick else 1_000_000
    db = case_database(total)
    with temp_data_dir("memory") as fresh:
        with untimed():
            prepare_data_dir(fresh)
        log(f"memory: the window on {total:,} cases, every case-list filter…")
        big = spawn(APP_CHILD, "memory", str(db.data_dir), timeout_s=CHILD_TIMEOUT_S)
        # The first start on the generated cases also deems accepted the ones it left in 收件 past
        # their five working days (thousands; a real terminal sweeps them day by day): the start
        # a clerk has every morning is the next one.
        again = spawn(APP_CHILD, "window", str(db.data_dir), timeout_s=CHILD_TIMEOUT_S)
        small = spawn(APP_CHILD, "memory", str(fresh), timeout_s=CHILD_TIMEOUT_S)
    bare = spawn(BARE_CHILD).rss()
    mb, worst, filters = _largest(big)
    base_mb, _base, _ = _largest(small)
    rows_shown = ", ".join(f"{f[1]}" for f in big.series["RSS"])
    peak = max(big.rss(i)["VmHWM"] for i in range(filters)) / 1024
    return [Row(
        key="memory", name=f"RSS of the main window at the case list ({size_label(total)} cases)", measured=mb,
        baseline=base_mb, baseline_name="same window, fresh terminal", unit="MB",
        notes=[f"{filters} case-list filters shown, rows per filter: {rows_shown}; largest reading: "
               f"anon {worst.get('RssAnon', 0) / 1024:.0f} MB, file-backed {worst.get('RssFile', 0) / 1024:.0f} MB, "
               f"shared {worst.get('RssShmem', 0) / 1024:.0f} MB",
               f"peak (VmHWM) {peak:.0f} MB; fresh terminal {base_mb:.0f} MB; "
               f"bare PySide6 window {bare['VmRSS'] / 1024:.0f} MB",
               # Not the goal's moment, but the rest of the day: the fonts load at the first print.
               f"then the first notice printed (its name has 𠮷: UMing and a fallback face): "
               f"{big.status('PRINTED')['VmRSS'] / 1024:.0f} MB; fresh terminal "
               f"{small.status('PRINTED')['VmRSS'] / 1024:.0f} MB",
               # What years of cases do to a morning's start (no goal; one start each, the login typed at once):
               f"start on {size_label(total)} cases: login window {again.at('LOGIN'):.2f} s, terminal open behind it "
               f"{again.at('READY'):.2f} s, usable main window {again.at('USABLE'):.2f} s after launch; fresh "
               f"terminal {small.at('LOGIN'):.2f}, {small.at('READY'):.2f} and {small.at('USABLE'):.2f} s; the first "
               f"start on the generated cases, which sweeps their backlog of overdue 收件, was usable at "
               f"{big.at('USABLE'):.2f} s"],
    )]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.0f} MB vs {r.baseline:.0f} MB = {r.ratio:.2f}×", r.met_text(), *r.notes,
              sep="\n  ")

"""Shared helpers for the benchmarks: percentiles, time-boxed sampling, result rows and tables.

Absolute times on the shared 2-core machines are noise, so every figure is a ratio against
a baseline measured in the same run; the absolute value is printed for context only.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.slow_pc import think


def log(msg: str) -> None:
    """Progress goes to stderr so the final table on stdout stays clean."""
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def percentile(values: Iterable[float], pct: float) -> float:
    """Linear-interpolated percentile (numpy's default), pct in 0..100."""
    data = sorted(values)
    if not data:
        raise ValueError("percentile of no samples")
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * pct / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def median(values: Iterable[float]) -> float:
    return percentile(values, 50)


def ns_to_ms(values: Iterable[int]) -> list[float]:
    return [v / 1e6 for v in values]


def time_each(fn: Callable[[Any], object], args: Iterable[Any], budget_s: float | None = None,
              min_samples: int = 20) -> list[float]:
    """Call fn(arg) for each arg, timing every call (ms).

    Each call starts after a short idle gap (`slow_pc.think`). With a budget, sampling stops
    once it is spent (after at least `min_samples`): a slow query must not stretch the whole
    run past its few minutes; the sample count is reported.
    """
    out: list[float] = []
    started = time.perf_counter()
    for arg in args:
        think()
        t0 = time.perf_counter_ns()
        fn(arg)
        out.append((time.perf_counter_ns() - t0) / 1e6)
        if budget_s is not None and len(out) >= min_samples and time.perf_counter() - started > budget_s:
            break
    return out


def time_pairs(measured: Callable[[Any], object], baseline: Callable[[Any], object], args: Iterable[Any],
               budget_s: float | None = None, min_samples: int = 20,
               cpu: tuple[list[float], list[float]] | None = None) -> tuple[list[float], list[float]]:
    """Time measured(arg) and baseline(arg) alternately for each arg (ms each).

    Interleaving means a burst of load from a neighbour on the shared machine hits both
    sides alike instead of skewing one of them. The budget works as in `time_each`. Each call
    starts after a short idle gap (`slow_pc.think`), on both sides. With `cpu`, each call's CPU
    time (this thread, ms) is appended to its side's list too.
    """
    a: list[float] = []
    b: list[float] = []
    started = time.perf_counter()
    for arg in args:
        think()
        c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
        measured(arg)
        t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
        think()
        c2, t2 = time.thread_time_ns(), time.perf_counter_ns()
        baseline(arg)
        t3, c3 = time.perf_counter_ns(), time.thread_time_ns()
        a.append((t1 - t0) / 1e6)
        b.append((t3 - t2) / 1e6)
        if cpu is not None:
            cpu[0].append((c1 - c0) / 1e6)
            cpu[1].append((c3 - c2) / 1e6)
        if budget_s is not None and len(a) >= min_samples and time.perf_counter() - started > budget_s:
            break
    return a, b


def lost_core_share(wall: list[float], cpu: list[float]) -> float:
    """The share of calls whose wall time was over their CPU time plus 2 ms: they lost the core
    (on the slow PC, for a slice of the competitor's) rather than waited for the disk."""
    return sum(w > c + 2.0 for w, c in zip(wall, cpu, strict=True)) / len(wall)


@contextmanager
def temp_data_dir(label: str) -> Iterator[Path]:
    """A throw-away data directory: benchmarks never touch the user's own data."""
    with tempfile.TemporaryDirectory(prefix=f"clerkdesk-bench-{label}-") as d:
        yield Path(d)


@dataclass(frozen=True)
class Goal:
    """One line of issue 15's goals table: a limit on the ratio or on the measured value."""

    key: str
    figure: str  # as the issue words it
    limit: float
    on_ratio: bool  # True: ratio ≤ limit; False: measured ≤ limit (in the row's unit)
    unit: str = ""

    @property
    def text(self) -> str:
        return f"≤ {self.limit:g}×" if self.on_ratio else f"≤ {self.limit:g} {self.unit}"

    def met(self, row: Row) -> bool:
        return (row.ratio if self.on_ratio else row.measured) <= self.limit


# Issue 15's table, in its order: the results name every one of these in every profile, and
# a figure that was not measured says so instead of silently dropping out of the table.
GOALS: dict[str, Goal] = {g.key: g for g in (
    Goal("login", "first window (login) on screen vs bare PySide6 window", 2.0, True),
    Goal("cold_start", "cold start to usable main window vs bare PySide6 window", 4.0, True),
    Goal("push_stall", "largest UI stall during a 10,000-event push", 50.0, False, "ms"),
    Goal("search", "search p95 per keystroke, 20k items", 5.0, False, "ms"),
    Goal("intake", "intake commit p95 vs bare SQLite, same rows", 3.0, True),
    Goal("notice", "one notice vs bare reportlab page, same text/font", 1.5, True),
    Goal("lookup_number", "lookup by case number, 1M cases, p95", 2.0, False, "ms"),
    Goal("memory", "RSS of the main window, 1M cases, at the case list", 300.0, False, "MB"),
)}


@dataclass
class Row:
    """One line of the results table.

    `measured` and `baseline` are in `unit`; lower is better for every figure here.
    `key` ties the row to a line of GOALS (goal and met are then filled from it); `goal` is
    the target in words; `met` is None where no target is set.
    `notes` are one-line context figures; `block` is preformatted text (a profile).
    """

    name: str
    measured: float
    baseline: float
    baseline_name: str
    unit: str = "ms"
    goal: str = "—"
    met: bool | None = None
    notes: list[str] = field(default_factory=list)
    block: list[str] = field(default_factory=list)
    key: str = ""

    def __post_init__(self) -> None:
        g = GOALS.get(self.key)
        if g is not None and self.met is None:
            self.goal, self.met = g.text, g.met(self)

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline if self.baseline > 0 else float("inf")

    def met_text(self) -> str:
        return "n/a" if self.met is None else ("met" if self.met else "NOT MET")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Row:
        return cls(**data)


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


COLUMNS = ("benchmark", "measured", "baseline", "ratio", "goal", "met?")


def _cells(r: Row) -> list[str]:
    return [r.name, fmt(r.measured, r.unit), f"{fmt(r.baseline, r.unit)} ({r.baseline_name})",
            f"{r.ratio:.2f}×", r.goal, r.met_text()]


def text_table(rows: list[Row]) -> str:
    """Plain fixed-width table for the terminal."""
    body = [list(COLUMNS)] + [_cells(r) for r in rows]
    widths = [max(_width(line[i]) for line in body) for i in range(len(COLUMNS))]
    lines = []
    for n, line in enumerate(body):
        lines.append("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK and "×" glyphs aside, everything here is ASCII; count East Asian wide chars as 2.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def markdown_table(rows: list[Row]) -> str:
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in rows]
    return "\n".join(out)


def machine_info() -> dict[str, str]:
    """What the figures were measured on: enough to tell two results.md files apart."""
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:  # pragma: no cover - PySide6 is a hard dependency
        pyside_version = "?"
    import sqlite3

    import sqlalchemy

    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": _commit(),
        "cpu count (nproc)": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable by this process)",
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "SQLite": sqlite3.sqlite_version,
        "SQLAlchemy": sqlalchemy.__version__,
        "PySide6": pyside_version,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "(unset)"),
        "temp dir": tempfile.gettempdir(),
        "load average (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _commit() -> str:
    """Which code was measured: the checkout's commit, and whether it had local changes."""
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    if not head:
        return "? (not a git checkout)"
    return head + (" + local changes" if dirty else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"

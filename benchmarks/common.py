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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


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

    With a budget, sampling stops once it is spent (after at least `min_samples`): a slow
    query must not stretch the whole run past its few minutes; the sample count is reported.
    """
    out: list[float] = []
    started = time.perf_counter()
    for arg in args:
        t0 = time.perf_counter_ns()
        fn(arg)
        out.append((time.perf_counter_ns() - t0) / 1e6)
        if budget_s is not None and len(out) >= min_samples and time.perf_counter() - started > budget_s:
            break
    return out


def time_pairs(measured: Callable[[Any], object], baseline: Callable[[Any], object], args: Iterable[Any],
               budget_s: float | None = None, min_samples: int = 20) -> tuple[list[float], list[float]]:
    """Time measured(arg) and baseline(arg) alternately for each arg (ms each).

    Interleaving means a burst of load from a neighbour on the shared machine hits both
    sides alike instead of skewing one of them. The budget works as in `time_each`.
    """
    a: list[float] = []
    b: list[float] = []
    started = time.perf_counter()
    for arg in args:
        t0 = time.perf_counter_ns()
        measured(arg)
        t1 = time.perf_counter_ns()
        baseline(arg)
        t2 = time.perf_counter_ns()
        a.append((t1 - t0) / 1e6)
        b.append((t2 - t1) / 1e6)
        if budget_s is not None and len(a) >= min_samples and time.perf_counter() - started > budget_s:
            break
    return a, b


@contextmanager
def temp_data_dir(label: str) -> Iterator[Path]:
    """A throw-away data directory: benchmarks never touch the user's own data."""
    with tempfile.TemporaryDirectory(prefix=f"clerkdesk-bench-{label}-") as d:
        yield Path(d)


@dataclass
class Row:
    """One line of the results table.

    `measured` and `baseline` are in `unit`; `lower_is_better` holds for every figure here.
    `goal` is the issue's target in words; `met` is None where the issue sets no target.
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

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline if self.baseline > 0 else float("inf")

    def met_text(self) -> str:
        return "n/a" if self.met is None else ("yes" if self.met else "NO")


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
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
        "cpu count": str(os.cpu_count()),
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


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"

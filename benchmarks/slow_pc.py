"""The "slow PC" profile: one core, shared with a CPU-bound competitor.

A hall's old dual-core PC runs ClerkDesk beside antivirus and a browser. To make a regression
that only shows on weak hardware show here, the benchmark process is pinned to one core
(every thread, and through inheritance every child: the app under test, the sandbox server)
and a busy-looping competitor process is pinned to that same core, so the scheduler splits it
between them the way a loaded old PC does.

The competitor is bounded three ways, so it can never outlive a crashed or killed benchmark
by more than a moment: PR_SET_PDEATHSIG (the kernel kills it when its parent dies), its own
check that its parent is still the one that started it, and a hard deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NORMAL, SLOW = "normal", "slow"
PROFILES = (NORMAL, SLOW)
PROFILE_TITLES = {NORMAL: "normal (all cores)", SLOW: "slow PC (1 core + CPU-bound competitor)"}
DEFAULT_COMPETITOR_DEADLINE_S = 20 * 60  # one benchmark module never runs this long; the competitor stops anyway

# Pure Python, no imports beyond os/sys/time: it starts in ~20 ms and allocates nothing. The
# inner loop is ~0.5 ms of work, so it notices a dead parent or its deadline at once.
COMPETITOR_CODE = r"""
import os, sys, time
deadline = time.monotonic() + float(sys.argv[1])
parent = int(sys.argv[2])
os.sched_setaffinity(0, {int(sys.argv[3])})
n = 1
while os.getppid() == parent and time.monotonic() < deadline:
    for _ in range(10000):
        n = (n * 1103515245 + 12345) & 0x7FFFFFFF
"""


def _die_with_parent() -> None:
    """In the competitor, before exec: SIGKILL when the benchmark dies (Linux PR_SET_PDEATHSIG)."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def _cpu_idle_ticks() -> dict[int, int]:
    out: dict[int, int] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name != "cpu":
            out[int(name[3:])] = int(fields[3]) + int(fields[4])  # idle + iowait
    return out


def pick_core(sample_s: float = 0.5) -> int:
    """The allowed core that was idle the most over a short sample: the machine is shared, and
    pinning onto the core a neighbour is hammering would measure the neighbour, not the app."""
    allowed = sorted(os.sched_getaffinity(0))
    try:
        before = _cpu_idle_ticks()
        time.sleep(sample_s)
        after = _cpu_idle_ticks()
    except OSError:
        return allowed[-1]
    return max(allowed, key=lambda c: (after.get(c, 0) - before.get(c, 0), c))


def pin_process(core: int) -> None:
    """Pin every thread of this process to `core`.

    sched_setaffinity(0, …) only moves the calling thread; threads started before (an import
    may start one) keep their old mask, so each task is moved. Threads and processes started
    afterwards inherit the mask.
    """
    for tid in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(tid), {core})
        except (ProcessLookupError, PermissionError):
            pass  # a thread that ended meanwhile


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class Competitor:
    """A busy loop on `core`, started and stopped by the benchmark (see the module docstring)."""

    def __init__(self, core: int, deadline_s: float = DEFAULT_COMPETITOR_DEADLINE_S):
        self.core, self.deadline_s = core, deadline_s
        self.proc: subprocess.Popen[bytes] | None = None
        self._started = 0.0
        self._paused_s = 0.0
        self.cpu_s = 0.0
        self.wall_s = 0.0
        self.died_early = False

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", COMPETITOR_CODE, str(self.deadline_s), str(os.getpid()), str(self.core)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self._started = time.monotonic()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Untimed setup (building a million cases) need not crawl: SIGSTOP, then SIGCONT.
        A stopped competitor still dies with its parent (SIGKILL reaches stopped processes)."""
        if not self.running:
            yield
            return
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)
        t0 = time.monotonic()
        try:
            yield
        finally:
            self._paused_s += time.monotonic() - t0
            if self.running:
                self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.died_early = self.proc.poll() is not None
        self.wall_s = time.monotonic() - self._started - self._paused_s
        if not self.died_early:
            try:
                self.cpu_s = _cpu_seconds(self.proc.pid)
            except OSError:
                pass
            self.proc.kill()
        self.proc.wait()
        self.proc = None

    def summary(self) -> str:
        share = self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0
        return (f"competitor on cpu {self.core}: {self.cpu_s:.1f} s CPU over {self.wall_s:.1f} s of timed wall "
                f"time ({share:.0%} of the core)" + (" — ENDED EARLY, figures after that ran without load"
                                                      if self.died_early else ""))


_active: Competitor | None = None
_think_s = 0.0
THINK_S = 0.002  # the idle gap before each timed call, in both profiles (see `think`)


def set_think_time(seconds: float) -> None:
    global _think_s
    _think_s = seconds


def think() -> None:
    """The idle gap before a timed call (benchmarks.run sets it for every profile).

    A clerk's keystroke or scan starts from idle. A tight loop of sub-millisecond calls is
    instead always runnable, so the scheduler cuts it into fair-share slices against the
    competitor (or a neighbour on the shared machine) and every ~15th call straddles a slice
    boundary (+3–4 ms): its p95 then flips between ~0.3 and ~4 ms from run to run on whether
    that share is over 5%. With 2 ms of idle before each call, lookup_case's p95 on one loaded
    core held at 0.25–0.3 ms in three tries (p99 0.26–0.34 ms, against ~4.2 ms without).
    """
    if _think_s:
        time.sleep(_think_s)


@contextmanager
def competing(core: int) -> Iterator[Competitor]:
    """A competitor for the duration of the block (one benchmark module)."""
    global _active
    comp = Competitor(core)
    comp.start()
    _active = comp
    try:
        yield comp
    finally:
        _active = None
        comp.stop()


@contextmanager
def untimed() -> Iterator[None]:
    """Wrap untimed setup in this: in the slow profile the competitor pauses meanwhile;
    elsewhere it does nothing. The pinning stays — only the competitor waits."""
    if _active is None:
        yield
    else:
        with _active.paused():
            yield

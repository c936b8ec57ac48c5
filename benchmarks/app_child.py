"""Fresh-interpreter children for the startup and memory benchmarks, and the code to run them.

The ClerkDesk child runs the real entry point, `ui.main.main` (what the `clerkdesk` command
runs), on a prepared data directory, and drives it like a clerk: when the login window is
on screen it types the demo password and presses 登录; when the main window's finder lists
items the window is usable. It finds both windows by object name only, so whatever `main`
loads, in whatever order (login first, the rest while the clerk types), is what is timed.

Every child prints `EVENT value…` lines with CLOCK_MONOTONIC timestamps, which on Linux is
one clock for every process: the parent subtracts its own reading taken just before spawning,
so the interpreter's start is included and the pipe's latency is not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_RSS = """
def rss():
    out = {}
    for line in open("/proc/self/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
            out[k] = int(v.split()[0])
    return " ".join(f"{k}={v}" for k, v in out.items())
"""

# A 1 ms poll inside the running event loop: SHOWN means the loop is turning and the window
# is up. Its RSS is printed after the timed moment, for the memory benchmark's context.
BARE_CHILD = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
""" + _RSS + """
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1366, 800)
window.show()

def check():
    if window.isVisible():
        print("SHOWN", time.clock_gettime(time.CLOCK_MONOTONIC), flush=True)
        print("RSS", rss(), flush=True)
        print("END", flush=True)
        app.quit()

timer = QTimer()
timer.timeout.connect(check)
timer.start(1)
app.exec()
"""

# argv: mode (login | window | memory), data dir. The QApplication is made before `ui.main`
# is imported so the poll timer exists; `make_app` takes the existing instance.
APP_CHILD = """
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
""" + _RSS + """
mode, data_dir = sys.argv[1], sys.argv[2]
KEY_S = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
TICK_MS = 20
now = lambda: time.clock_gettime(time.CLOCK_MONOTONIC)
app = QApplication(sys.argv[:1])
st = {"filter": -1}

def say(*parts):
    print(*parts, flush=True)

def finish():
    say("END")
    os._exit(0)  # no teardown: what happens after the timed moment is not measured

def visible(name):
    for w in QApplication.topLevelWidgets():
        if w.objectName() == name and w.isVisible():
            return w
    return None

def poll():
    if "login" not in st:
        d = visible("login_dialog")
        if d is None:
            return
        st["login"] = now()
        say("LOGIN", st["login"])
        if mode == "login":
            finish()
        d.accepted.connect(lambda: st.setdefault("accepted", now()))
        st["dialog"], st["keys"], st["last_key"] = d, [(d.username, c) for c in "clerk01"] + [
            (d.password, c) for c in "demo1234"], now()
        # While she types, a clerk's keys are all the UI thread has to do; a 1 ms poll would
        # take the GIL from the start-up thread 1,000 times a second, which no clerk does.
        timer.setInterval(TICK_MS)
        st["tick"], st["loading"], st["idle"] = now(), [0.0], [0.0]
        return
    if "submit" not in st:
        # How late each tick came beyond its interval: the login window's stalls, while the
        # terminal loads behind it and, for comparison, once it is open and she still types.
        t = now()
        st["loading" if "ready" not in st else "idle"].append((t - st["tick"]) * 1000 - TICK_MS)
        st["tick"] = t
    if "ready" not in st and getattr(st["dialog"], "ctx", None) is not None:
        st["ready"] = now()  # the terminal is open behind the login window (ui.startup)
        say("READY", st["ready"])
    if "submit" not in st:
        # The clerk types her user name and password, one key every KEY_S seconds, then presses 登录.
        if now() - st["last_key"] < KEY_S:
            return
        st["last_key"] = now()
        if st["keys"]:
            field, ch = st["keys"].pop(0)
            field.insert(ch)
            return
        st["submit"] = now()
        timer.setInterval(1)
        say("TYPED", st["submit"] - st["login"])
        say("STALL", max(st["loading"]), max(st["idle"]))
        st["dialog"].button.click()
        return
    if "usable" not in st:
        w = visible("main_window")
        if w is None or "accepted" not in st or w.intake is None or w.intake.finder.results.count() == 0:
            return
        st["usable"] = now()
        say("USABLE", st["usable"], st["accepted"] - st["submit"], st["accepted"], st["submit"] - st["login"])
        if mode == "window":
            finish()
        st["window"] = w
        w.tabs.setCurrentWidget(w.cases)  # F3: the case list, as the clerk opens it
        return
    # memory: every filter of the case list in turn, RSS once each list is in and painted
    cases = st["window"].cases
    if not cases.count.text():
        return
    if "loaded" not in st:
        st["loaded"] = now()
        return
    if now() - st["loaded"] < 0.3:
        return
    say("RSS", cases.filters.currentRow(), cases.model.rowCount(), rss())
    del st["loaded"]
    nxt = cases.filters.currentRow() + 1
    if nxt >= cases.filters.count():
        # Then what the day's first print adds: the notice its preview renders (the sample's
        # name has 𠮷, so a fallback face comes too).
        from app.documents import DocumentKind
        from printing import render_document, sample_snapshot
        render_document(sample_snapshot(DocumentKind.ACCEPTANCE))
        say("PRINTED", rss())
        finish()
    cases.count.setText("")
    cases.filters.setCurrentRow(nxt)

timer = QTimer()
timer.timeout.connect(poll)
timer.start(1)
t = now()
import ui.main
say("IMPORTED", now() - t)
sys.exit(ui.main.main(["clerkdesk", "--data-dir", data_dir]))
"""


@dataclass
class ChildRun:
    started: float  # parent's CLOCK_MONOTONIC just before spawning
    events: dict[str, list[str]] = field(default_factory=dict)  # first line of each event, its fields
    series: dict[str, list[list[str]]] = field(default_factory=dict)  # every line of the `keep` events

    def at(self, event: str) -> float:
        """Seconds from spawn to `event` (its first field is the child's clock)."""
        return float(self.events[event][0]) - self.started

    def value(self, event: str, index: int) -> float:
        return float(self.events[event][index])

    def rss(self, index: int = 0) -> dict[str, int]:
        """The index-th RSS line's /proc/self/status figures, in kB."""
        return _status(self.series["RSS"][index])

    def status(self, event: str) -> dict[str, int]:
        """The /proc/self/status figures an event carries (PRINTED), in kB."""
        return _status(self.events[event])


def _status(fields: list[str]) -> dict[str, int]:
    return {k: int(v) for k, v in (f.split("=", 1) for f in fields if "=" in f)}


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("CLERKDESK_DEBUG", None)  # the shipping configuration: no stall watchdog
    return env


def spawn(code: str, *args: str, timeout_s: float = 120.0, keep: tuple[str, ...] = ("RSS",)) -> ChildRun:
    """Run a child until it prints END; events named in `keep` are collected as a list
    (RSS lines come once per case-list filter), the others keep their first occurrence."""
    with tempfile.TemporaryFile() as err:
        run = ChildRun(time.clock_gettime(time.CLOCK_MONOTONIC))
        proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=_child_env(),
                                stdout=subprocess.PIPE, stderr=err, text=True)
        killer = threading.Timer(timeout_s, proc.kill)  # a hung child must not hang the whole run
        killer.start()
        ended = False
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                name, *fields = line.split()
                if name == "END":
                    ended = True
                    break
                if name in keep:
                    run.series.setdefault(name, []).append(fields)
                else:
                    run.events.setdefault(name, fields)
            proc.stdout.read()
            proc.wait()
        finally:
            killer.cancel()
        if not ended:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"child never finished (exit {proc.returncode}):\n{tail}")
        return run


def prepare_data_dir(data_dir: Path) -> None:
    """First install (schema, demo clerks, demo catalog) happens here, untimed."""
    from app.bootstrap import start_terminal
    from app.config import Paths

    ctx = start_terminal(Paths(data_dir))
    ctx.engine.dispose()

"""Cold start to a usable main window, against a bare PySide6 window.

Both are fresh interpreters (the clerk double-clicks the icon each morning), timed from
spawn until the child prints READY:

* bare: QApplication + an empty QMainWindow shown and the event loop turning;
* ClerkDesk: what `ui.main` does (font, stylesheet, `start_terminal` on an existing data
  dir — a normal morning start, not first install) and the main window shown with its
  catalog index loaded (the finder lists items: the clerk can type).

Login is the clerk's own time (argon2 is slow by design), so the child times it and the
parent subtracts it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import Row, log, median, temp_data_dir

REPO = Path(__file__).resolve().parents[1]
CHILD_TIMEOUT_S = 120

# A 1 ms poll inside the running event loop: READY means the loop is turning and the
# window is up, for both children alike.
BARE_CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1366, 800)
window.show()

def check():
    if window.isVisible():
        print("READY 0", flush=True)
        app.quit()

timer = QTimer()
timer.timeout.connect(check)
timer.start(1)
app.exec()
"""

APP_CHILD = """
import time
t_start = time.perf_counter()
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from app.bootstrap import start_terminal
from app.config import Paths
from app.usecases.auth import login
from ui.main import make_app
from ui.main_window import MainWindow
from ui.operations import Operations

t_imported = time.perf_counter()
app = make_app(sys.argv[:1])
t_app = time.perf_counter()
ctx = start_terminal(Paths(Path(sys.argv[1])))
t_db = time.perf_counter()
actor = login(ctx, "clerk01", "demo1234")
t_login = time.perf_counter()
ops = Operations()
window = MainWindow(ctx, ops, actor)
window.resize(1366, 800)
window.show()
t_shown = time.perf_counter()

def check():
    if window.intake is not None and window.intake.finder.results.count() > 0:
        now = time.perf_counter()
        phases = {"imports": t_imported - t_start, "qt_app+font+style": t_app - t_imported,
                  "start_terminal": t_db - t_app, "main_window_shown": t_shown - t_login,
                  "index_loaded": now - t_shown}
        print(f"READY {t_login - t_db:.6f} " + " ".join(f"{k}={v:.6f}" for k, v in phases.items()), flush=True)
        app.quit()

timer = QTimer()
timer.timeout.connect(check)
timer.start(1)
app.exec()
ops.shutdown()
"""


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def spawn_until_ready(code: str, *args: str) -> tuple[float, float, dict[str, float]]:
    """(seconds from spawn to READY, seconds the child reports to subtract, its phases)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=_child_env(),
                                stdout=subprocess.PIPE, stderr=err, text=True)
        # A hung child must not hang the whole run.
        killer = threading.Timer(CHILD_TIMEOUT_S, proc.kill)
        killer.start()
        try:
            ready_at, extra, phases = None, 0.0, {}
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("READY"):
                    ready_at = time.perf_counter()
                    fields = line.split()
                    extra = float(fields[1])
                    phases = {k: float(v) for k, v in (f.split("=", 1) for f in fields[2:])}
                    break
            proc.stdout.read()
            proc.wait()
        finally:
            killer.cancel()
        if ready_at is None:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"startup child never became ready (exit {proc.returncode}):\n{tail}")
        return ready_at - t0, extra, phases


def prepare_data_dir(data_dir: Path) -> None:
    """First install (schema, demo clerks, demo catalog) happens here, untimed."""
    from app.bootstrap import start_terminal
    from app.config import Paths

    ctx = start_terminal(Paths(data_dir))
    ctx.engine.dispose()


def run(quick: bool = False) -> list[Row]:
    runs = 3 if quick else 5
    with temp_data_dir("startup") as data_dir:
        prepare_data_dir(data_dir)
        # One untimed start of each: bytecode caches and the OS file cache are warm, as on
        # a terminal that has been used before.
        spawn_until_ready(BARE_CHILD)
        spawn_until_ready(APP_CHILD, str(data_dir))
        bare, app, logins, phases = [], [], [], []
        for i in range(runs):
            # Interleaved, so a burst of load from a neighbour hits both sides alike.
            bare.append(spawn_until_ready(BARE_CHILD)[0])
            total, login_s, ph = spawn_until_ready(APP_CHILD, str(data_dir))
            phases.append(ph)
            app.append(total - login_s)
            logins.append(login_s)
            log(f"startup {i + 1}/{runs}: bare {bare[-1]:.2f} s, ClerkDesk {app[-1]:.2f} s (+ login {login_s:.2f} s)")
    row = Row(
        name=f"cold start to usable window (median of {runs})",
        measured=median(app), baseline=median(bare), baseline_name="bare PySide6 window", unit="s",
        notes=[f"ClerkDesk runs: {', '.join(f'{v:.2f}' for v in app)} s; bare: {', '.join(f'{v:.2f}' for v in bare)} s",
               f"login (argon2 verify, excluded) median {median(logins):.2f} s",
               "inside the ClerkDesk child (medians; interpreter start not included): "
               + ", ".join(f"{k} {median(p[k] for p in phases):.2f} s" for k in phases[0])],
    )
    return [row]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.2f} s vs {r.baseline:.2f} s = {r.ratio:.2f}×", *r.notes, sep="\n  ")

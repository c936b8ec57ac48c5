"""Cold start, against a bare PySide6 window: the login window on screen, and the main window
usable after login.

Both sides are fresh interpreters (the clerk double-clicks the icon each morning), timed from
spawn (see `benchmarks.app_child`):

* bare: QApplication + an empty QMainWindow shown and the event loop turning;
* ClerkDesk: the real `ui.main.main` on an existing data directory (a normal morning start,
  not first install). "Login on screen" is the login window visible; "usable" is the main
  window shown with its catalog index loaded (the finder lists items: the clerk can type).

Login itself is the clerk's own time: she types her user name and password (15 keys, one
every KEY_S = 0.15 s — a fast typist, 80 words a minute; most clerks are slower), and argon2
is slow by design. Both are subtracted from "usable": what is timed is how long she waits for
the program — before the login window is there, and after pressing 登录. What loads behind
the login window while she types (`ui.startup`) is hidden only as far as her typing covers
it; the note gives when it finished.
"""

from __future__ import annotations

import sys

from benchmarks.app_child import APP_CHILD, BARE_CHILD, prepare_data_dir, spawn
from benchmarks.common import GOALS, Row, log, median, temp_data_dir
from benchmarks.slow_pc import untimed

KEY_S = 0.15  # seconds per key while the clerk types "clerk01" and "demo1234"


def run(quick: bool = False) -> list[Row]:
    runs = 3 if quick else 5
    with temp_data_dir("startup") as data_dir:
        with untimed():
            prepare_data_dir(data_dir)
        # One untimed start of each: bytecode caches and the OS file cache are warm, as on
        # a terminal that has been used before.
        spawn(BARE_CHILD)
        spawn(APP_CHILD, "window", str(data_dir), str(KEY_S))
        bare, login, usable, verify, imports, after_login, ready, typing = [], [], [], [], [], [], [], []
        stall_loading, stall_idle = [], []
        for i in range(runs):
            # Interleaved, so a burst of load from a neighbour hits both sides alike.
            bare.append(spawn(BARE_CHILD).at("SHOWN"))
            child = spawn(APP_CHILD, "window", str(data_dir), str(KEY_S))
            typing_s = child.value("USABLE", 3)
            # argon2's own time only: pressing 登录 before the terminal is open means waiting
            # for it, and that wait is the program's, so it stays in "usable".
            pressed = child.value("LOGIN", 0) + typing_s
            verify_s = child.value("USABLE", 2) - max(pressed, child.value("READY", 0))
            login.append(child.at("LOGIN"))
            usable.append(child.at("USABLE") - verify_s - typing_s)
            ready.append(child.at("READY"))
            typing.append(typing_s)
            verify.append(verify_s)
            imports.append(child.value("IMPORTED", 0))
            after_login.append(child.value("USABLE", 0) - child.value("USABLE", 2))
            stall_loading.append(child.value("STALL", 0))
            stall_idle.append(child.value("STALL", 1))
            log(f"startup {i + 1}/{runs}: bare {bare[-1]:.2f} s, login window {login[-1]:.2f} s, "
                f"usable {usable[-1]:.2f} s (+ login {verify_s:.2f} s)")
    runs_note = f"bare PySide6 window: {', '.join(f'{v:.2f}' for v in bare)} s"
    return [
        Row(key="login", name=f"first window (login) on screen (median of {runs})", measured=median(login),
            baseline=median(bare), baseline_name="bare PySide6 window", unit="s",
            notes=[f"login window on screen: {', '.join(f'{v:.2f}' for v in login)} s; {runs_note}",
                   f"of which `import ui.main` (median) {median(imports):.2f} s"]),
        Row(key="cold_start", name=f"cold start to usable main window (median of {runs})", measured=median(usable),
            baseline=median(bare), baseline_name="bare PySide6 window", unit="s",
            notes=[f"ClerkDesk runs: {', '.join(f'{v:.2f}' for v in usable)} s; {runs_note}",
                   f"typing user name and password (15 keys, {KEY_S} s each; excluded) median {median(typing):.2f} s",
                   f"terminal open behind the login window (from spawn, median) {median(ready):.2f} s: "
                   + ("covered by the typing" if median(ready) <= median(login) + median(typing)
                      else "NOT covered by the typing: the clerk waits after pressing 登录"),
                   f"login (argon2 verify, from 登录 pressed or the terminal open, whichever is later; excluded) median {median(verify):.2f} s",
                   f"login window closes → main window usable (median) {median(after_login):.2f} s"]),
        # Not a line of issue 15's table: its "without a visible stall", held to the push's goal.
        Row(key="login_stall", name=f"largest UI stall, login window up while the terminal loads (median of {runs})",
            measured=median(stall_loading), baseline=median(stall_idle),
            baseline_name="same 20 ms timer, terminal open, clerk still typing",
            goal=f"≤ {GOALS['push_stall'].limit:g} ms (as the push)", met=median(stall_loading) <= GOALS["push_stall"].limit,
            notes=[f"each start's largest lateness of a 20 ms timer in the login window while the terminal loaded: "
                   f"{', '.join(f'{v:.0f}' for v in stall_loading)} ms; after it was open: "
                   f"{', '.join(f'{v:.0f}' for v in stall_idle)} ms"]),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.2f} s vs {r.baseline:.2f} s = {r.ratio:.2f}×", r.met_text(), *r.notes,
              sep="\n  ")

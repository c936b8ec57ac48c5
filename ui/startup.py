"""The morning start, off the UI thread: open the database and load the rest of the program
while the login window is already on screen and the clerk types her password.

Opening the terminal imports SQLAlchemy, the models and the use cases and checks the
schema — most of a second on a hall's old PC, and nothing the login window itself needs. A
`Startup` does it on a plain thread and reports back as a Qt signal, so the login window
(made on the UI thread) hears of it as an ordinary queued event (the sync bridge's pattern).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Signal

from ui.pauses import freeze_startup_objects


class Startup(QObject):
    """Runs `load` once on its own thread; `done` carries (result, None) or (None, exception)."""

    done = Signal(object, object)

    def __init__(self, load: Callable[[], Any]):
        super().__init__()
        self._load = load
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False
        self.done.connect(self._keep)

    def start(self) -> None:
        threading.Thread(target=self._run, name="clerkdesk-startup", daemon=True).start()

    def _run(self) -> None:
        try:
            result = self._load()
        except BaseException as exc:  # noqa: BLE001 — reported to the UI thread, which explains it to the clerk
            self.done.emit(None, exc)
        else:
            self.done.emit(result, None)

    def _keep(self, result: object, error: object) -> None:
        self.result, self.error, self.finished = result, error, True

    def wait(self, give_up: Signal | None = None) -> bool:
        """Turn the event loop (the login window stays alive) until the load is done; False if
        `give_up` fired first (the clerk closed the window)."""
        if self.finished:
            return True
        loop = QEventLoop()
        self.done.connect(loop.quit)
        if give_up is not None:
            give_up.connect(loop.quit)
        loop.exec()
        return self.finished


def preload(*modules: str) -> threading.Thread:
    """Import `modules` on a background thread once the clerk is working (the printing stack:
    reportlab costs a tenth of a second), so the first print does not pay for it on the UI
    thread and the start did not either."""
    import importlib
    import logging

    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 — the first real use will report it properly
                logging.getLogger("clerkdesk").exception("preloading %s failed", name)
        freeze_startup_objects()  # the printing stack lives as long as the app too (ui.pauses)

    thread = threading.Thread(target=run, name="clerkdesk-preload", daemon=True)
    thread.start()
    return thread

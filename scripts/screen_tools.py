"""What the screenshot scripts share: let the event loop settle, then save a widget as PNG."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def spin(app: QApplication, seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait(app: QApplication, done: Callable[[], bool], timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def shot(app: QApplication, w: QWidget, out: Path, name: str) -> None:
    spin(app)
    w.grab().save(str(out / f"{name}.png"))
    print("wrote", out / f"{name}.png")

"""Short garbage-collector pauses, so the window never freezes while the sync thread works.

A full (generation 2) collection walks every tracked object of the process while holding the
GIL — with Qt, the catalog index and the ORM loaded that was 150 ms of frozen window in the
middle of a long push. Objects alive once the main window is built live as long as the app,
so they are moved out of the collector's sight (gc.freeze); what is created later is still
collected as usual.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    gc.collect()  # free startup garbage first, so nothing dead is frozen
    gc.freeze()

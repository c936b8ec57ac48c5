"""Short pauses of the window while worker threads (sync, devices, reads) run in its process.

Garbage collector: a full (generation 2) collection walks every tracked object of the process while holding the
GIL — with Qt, the catalog index and the ORM loaded that was 150 ms of frozen window in the
middle of a long push. Objects alive once the main window is built live as long as the app,
so they are moved out of the collector's sight (gc.freeze); what is created later is still
collected as usual. The start itself runs with the collector off (`hold_collector`): it
makes the first 110,000 of those objects, and two full collections during it froze the login
window while the clerk typed.

The GIL: a thread that wants it waits one "switch interval" (5 ms by default) before the one
holding it is asked to let go. On one busy core each such wait is stretched by every other
runnable task, and a window needing the GIL each 10 ms behind a pushing sync thread froze for
100–145 ms at a time; with 1 ms the same push froze it for 33–36 ms (issue 15, slow-PC
profile, measured A/B in one run). The push itself got no slower. Those figures still held the
window's first paint; measured on a window already on screen (10,000 events, three interleaved
pairs): 22–26 ms at 5 ms against 15–18 ms at 1 ms, the rest of it the window waiting for a GIL
that a preempted sync thread holds.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001


def hand_over_gil_quickly() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def hold_collector() -> None:
    """While the program loads behind the login window (`release_collector` after). Two full
    collections ran during each start, 27 and 61 ms unloaded, 57 and 122–134 ms on one loaded
    core, the second with the login window up: the 113–180 ms stall of issue 15's slow PC."""
    gc.disable()


def release_collector() -> None:
    """The start is done: what it loaded (modules, classes, tables) lives as long as the app,
    so it is frozen out of the walks, and the collector is on again for what comes next."""
    gc.freeze()
    gc.enable()


def freeze_startup_objects() -> None:
    """Once the main window is built. Only the young generations are collected first: a full
    pass walked all ~300,000 objects of the process for 0.1–0.3 s right after 登录, to free
    about 5,000 dead ones left by the imports (under 1 MB), which now stay frozen instead."""
    gc.collect(1)
    gc.freeze()

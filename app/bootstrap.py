"""Starting a terminal: open (migrate) the database, make sure the embedded default exists,
and apply any deemed acceptances that fell due while the app was closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.config import Paths, training_paths
from app.context import AppContext, open_context
from app.usecases.decisions import sweep_deemed_acceptances
from app.usecases.setup import ensure_demo_data, ensure_training
from app.usecases.terminal import DEMO, TRAINING, UNENROLLED, terminal_mode

__all__ = ["start_terminal", "start_training", "training_paths"]


def start_training(paths: Paths, clock: Callable[[], datetime] | None = None) -> AppContext:
    """`clerkdesk --training`: the separate training database (under `paths`), with the demo
    hall's data and the training flag and banner set."""
    tp = training_paths(paths)
    tp.data_dir.mkdir(parents=True, exist_ok=True)
    ctx = open_context(tp, clock)
    ensure_training(ctx)
    ensure_demo_data(ctx)
    sweep_deemed_acceptances(ctx)
    return ctx


def start_terminal(paths: Paths, clock: Callable[[], datetime] | None = None, demo: bool = True) -> AppContext:
    """`demo`: a data directory that is neither enrolled nor demo yet becomes a demo terminal
    (demo identity, accounts, catalog and numbers). An enrolled (production) terminal never
    gets demo data, whatever `demo` says; a demo or training one keeps its demo data current.
    With demo=False a fresh directory stays unenrolled and empty: the first-run screen or
    `clerkdesk-admin enrol` gives it its identity."""
    ctx = open_context(paths, clock)
    mode = terminal_mode(ctx)
    if mode in (DEMO, TRAINING) or (mode == UNENROLLED and demo):
        ensure_demo_data(ctx)
    sweep_deemed_acceptances(ctx)
    return ctx

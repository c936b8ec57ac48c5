"""Starting a terminal: open (migrate) the database, make sure the embedded default exists,
and apply any deemed acceptances that fell due while the app was closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.config import Paths
from app.context import AppContext, open_context
from app.usecases.decisions import sweep_deemed_acceptances
from app.usecases.setup import ensure_demo_data


def start_terminal(paths: Paths, clock: Callable[[], datetime] | None = None, demo: bool = True) -> AppContext:
    ctx = open_context(paths, clock)
    if demo:
        ensure_demo_data(ctx)
    else:
        from app.usecases.setup import ensure_settings

        ensure_settings(ctx)
    sweep_deemed_acceptances(ctx)
    return ctx

"""The sandbox application: store, catalog and calendars loaded, back office ticking,
fault middleware in front, contract routes under /api/v1 and control routes under /sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from sandbox.config import CONTROL_TOKEN_FILE, SandboxConfig
from sandbox.errors import install_error_handlers
from sandbox.faults import FaultMiddleware, FaultState
from sandbox.routes import api, control
from sandbox.state import SandboxState, open_state
from sync.contract import CONTRACT_VERSION, PATH_EVENTS_BATCH

log = logging.getLogger("sandbox")


async def _back_office_loop(state: SandboxState) -> None:
    while True:
        delay = state.config.tunables.back_office_delay_seconds
        await asyncio.sleep(min(1.0, max(0.05, delay / 4)))
        try:
            state.run_back_office()
        except Exception:  # a bad tick must not stop the back office for good
            log.exception("back office tick failed")


class IngestTimer:
    """Times whole event-batch requests (body parsing and answer included) on the ingest clock."""

    def __init__(self, app: Callable[..., Awaitable[None]], state: SandboxState):
        self.app, self.state = app, state

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http" or scope["path"] != PATH_EVENTS_BATCH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.ingest.request_seconds += time.perf_counter() - started


def create_app(config: SandboxConfig, faults: FaultState | None = None,
               relaunch_argv: list[str] | None = None) -> FastAPI:
    faults = faults or FaultState()
    state = open_state(config, faults, relaunch_argv)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_back_office_loop(state))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            state.store.close()

    app = FastAPI(title="ClerkDesk sandbox platform（政务服务平台沙箱）", version=CONTRACT_VERSION, lifespan=lifespan,
                  description="The platform side of the ClerkDesk contract (sync/contract/), for demos, "
                              "training and tests. Paths under /sandbox are control switches, not contract.")
    app.state.sandbox = state
    install_error_handlers(app)
    app.include_router(api.router)
    if config.has_controls:
        state.control_token = control.write_control_token(config.data_dir)
        app.include_router(control.router)
    else:  # production-like: no switches at all, and no stale key left lying about
        (config.data_dir / CONTROL_TOKEN_FILE).unlink(missing_ok=True)
    app.add_middleware(IngestTimer, state=state)  # inside the faults: injected latency is not ingest time
    app.add_middleware(FaultMiddleware, state=faults)
    return app

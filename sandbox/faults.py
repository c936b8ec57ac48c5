"""Fault switches for tests and training, applied to every /api/v1 request by an ASGI
middleware: latency, a share (or the next N) of 500 answers, dropped connections, a response
lost after the request was applied and committed, maintenance 503 with Retry-After. The
switch that ends the process mid-batch lives in the events route (it must sit between apply
and commit); restart is a control endpoint.

Dropping a connection means closing the socket without a byte of answer, so the client sees
exactly what a cut cable looks like (requests: ConnectionError). uvicorn does not offer that
to an application, so the sandbox runs uvicorn's h11 protocol with one addition: it keeps
each connection's transport by client address, and the middleware aborts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from uvicorn.protocols.http.h11_impl import H11Protocol

from sandbox.errors import error_response
from sync.contract import API_PREFIX, PATH_EVENTS_BATCH, PATH_NUMBER_BLOCKS, PATH_REGISTER_TERMINAL, ErrorCode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Requests whose answer can be "lost after commit": the ones that change the platform.
LOSABLE = {("POST", PATH_EVENTS_BATCH), ("POST", PATH_NUMBER_BLOCKS), ("POST", PATH_REGISTER_TERMINAL)}


class Faults(BaseModel):
    """The switches. `*_share` draws at random per request (training); `*_next` hits the next
    N requests exactly (tests)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    latency_ms: int = Field(default=0, ge=0, le=600_000)
    # Only requests whose path starts with this are delayed ("" = every one): a platform whose
    # event intake hangs while its health check still answers.
    latency_path: str = Field(default="", max_length=200)
    error_share: float = Field(default=0, ge=0, le=1)
    error_next: int = Field(default=0, ge=0)
    drop_share: float = Field(default=0, ge=0, le=1)
    drop_next: int = Field(default=0, ge=0)
    lose_response_share: float = Field(default=0, ge=0, le=1)  # event batches, number-block leases, enrolments
    lose_response_next: int = Field(default=0, ge=0)
    maintenance: bool = False
    retry_after_seconds: int = Field(default=30, ge=0)
    # The process ends (os._exit) inside the next event batch, before or after its commit.
    exit_on_next_batch: Literal["", "before_commit", "after_commit"] = ""


class FaultState:
    """The switches now, and how often each one fired (so a test can see it happened)."""

    def __init__(self, faults: Faults | None = None, rng: random.Random | None = None):
        self.faults = faults or Faults()
        self.fired = {"delayed": 0, "delayed_ms": 0, "errors": 0, "dropped": 0, "responses_lost": 0, "maintenance": 0}
        self._rng = rng or random.Random()

    def update(self, changes: dict[str, Any]) -> None:
        self.faults = Faults.model_validate(self.faults.model_dump() | changes)

    def clear(self) -> None:
        self.faults = Faults()

    def take(self, kind: str) -> bool:
        """Whether switch `kind` (error / drop / lose_response) fires for this request."""
        left = getattr(self.faults, f"{kind}_next")
        if left > 0:
            setattr(self.faults, f"{kind}_next", left - 1)
            return True
        share = getattr(self.faults, f"{kind}_share")
        return share > 0 and self._rng.random() < share

    def take_exit(self) -> str:
        when, self.faults.exit_on_next_batch = self.faults.exit_on_next_batch, ""
        return when


# --- dropping connections --------------------------------------------------------------------

_TRANSPORTS: dict[tuple[str, int], asyncio.BaseTransport] = {}


class TrackedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, remembering each connection's transport by client address."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # asyncio sets TCP_NODELAY only on sockets created with proto=IPPROTO_TCP, and our listening
            # socket (cli.bind) has proto 0: without it every answer on a kept-alive connection after
            # the first waited ~40 ms for the client's delayed ACK (Nagle), i.e. per chunk and per batch.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = transport.get_extra_info("peername")
        if peer:
            _TRANSPORTS[(peer[0], peer[1])] = transport

    def connection_lost(self, exc: Exception | None) -> None:
        peer = self.transport.get_extra_info("peername") if self.transport else None
        if peer:
            _TRANSPORTS.pop((peer[0], peer[1]), None)
        super().connection_lost(exc)


async def drop_connection(scope: Scope) -> None:
    """Close the client's socket without answering. Outside uvicorn+TrackedH11Protocol (no
    transport known) the best available is an exception: the server answers 500."""
    client = scope.get("client")
    transport = _TRANSPORTS.get((client[0], client[1])) if client else None
    if transport is None:
        raise ConnectionAbortedError("sandbox fault: connection dropped")
    transport.abort()
    await asyncio.sleep(0)  # let uvicorn see the connection lost before the app returns


# --- the middleware --------------------------------------------------------------------------


class FaultMiddleware:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], state: FaultState):
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        st, faults = self.state, self.state.faults
        if faults.latency_ms and scope["path"].startswith(faults.latency_path):
            st.fired["delayed"] += 1
            st.fired["delayed_ms"] += faults.latency_ms
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.maintenance:
            st.fired["maintenance"] += 1
            await error_response(503, ErrorCode.MAINTENANCE, "政务服务平台正在维护，请稍后再试。",
                                 {"Retry-After": str(faults.retry_after_seconds)})(scope, receive, send)
            return
        if st.take("drop"):
            st.fired["dropped"] += 1
            await drop_connection(scope)
            return
        if st.take("error"):
            st.fired["errors"] += 1
            await error_response(500, ErrorCode.SERVER_ERROR, "平台内部错误（演练故障），请稍后重试。")(scope, receive, send)
            return
        if (scope["method"], scope["path"]) in LOSABLE and st.take("lose_response"):
            st.fired["responses_lost"] += 1
            await self.app(scope, receive, _swallow)  # applied and committed …
            await drop_connection(scope)  # … and the answer never arrives
            return
        await self.app(scope, receive, send)


async def _swallow(_message: Message) -> None:
    return None

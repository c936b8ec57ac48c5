"""The contract's routes (/api/v1, sync/contract/). Routes are async and use the store
synchronously: everything runs on the server's one event-loop thread, one writer."""

from __future__ import annotations

import os
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sandbox import attachments, clock
from sandbox.audit import accept_checkpoint, last_checkpoint, receipt_of, register_key
from sandbox.auth import (
    Principal,
    authenticate,
    check_clerk_password,
    check_terminal_secret,
    issue_token,
    register_terminal,
)
from sandbox.back_office import progress_page
from sandbox.catalog import changes_page
from sandbox.enrolment import enrol, is_one_time_code
from sandbox.errors import PlatformProblem
from sandbox.events import ingest
from sandbox.numbers import lease_block
from sandbox.paging import page_size
from sandbox.state import SandboxState, sandbox_state
from sync.contract import (
    ATTACHMENT_CHUNK_SIZE,
    MAX_EVENTS_PER_BATCH,
    PATH_ATTACHMENT_CHUNK,
    PATH_ATTACHMENT_CONTENT,
    PATH_ATTACHMENTS,
    PATH_AUDIT_CHECKPOINTS,
    PATH_CALENDAR,
    PATH_CATALOG_CHANGES,
    PATH_EVENTS_BATCH,
    PATH_HEALTH,
    PATH_NUMBER_BLOCKS,
    PATH_PROGRESS,
    PATH_REGISTER_TERMINAL,
    PATH_SESSIONS,
    PATH_TERMINAL_KEY,
    PATH_TERMINAL_TOKEN,
    AccessToken,
    AttachmentDeclaration,
    AttachmentStatus,
    AuditCheckpoint,
    AuditReceipt,
    CalendarFile,
    CatalogChangesPage,
    ClerkSession,
    ErrorBody,
    ErrorCode,
    EventBatch,
    EventBatchResult,
    Health,
    NumberBlock,
    NumberBlockRequest,
    PlatformKey,
    ProgressPage,
    SessionRequest,
    TerminalKey,
    TerminalRegistered,
    TerminalRegistration,
    TerminalTokenRequest,
)

_ERRORS = {401: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}}
router = APIRouter(tags=["contract v1"], responses=_ERRORS)
_bearer = HTTPBearer(auto_error=False, description="a terminal token or a clerk session token")



async def _state(request: Request) -> SandboxState:  # async: FastAPI would send a plain def to a thread
    return sandbox_state(request)


State = Annotated[SandboxState, Depends(_state)]


async def any_caller(request: Request,
                     creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    state = sandbox_state(request)
    header = f"Bearer {creds.credentials}" if creds else request.headers.get("authorization")
    with state.store.transaction() as s:
        return authenticate(s, header)


async def caller(who: Annotated[Principal, Depends(any_caller)]) -> Principal:
    """A terminal in service: a retired one (replaced PC) may only push its queued events."""
    if who.retired_at is not None:
        raise PlatformProblem(403, ErrorCode.TERMINAL_RETIRED, "本终端已被替换，只能上报替换前已排队的事件。")
    return who


Caller = Annotated[Principal, Depends(caller)]
AnyCaller = Annotated[Principal, Depends(any_caller)]


@router.get(PATH_HEALTH, response_model=Health)
async def health() -> Health:
    return Health(platform="sandbox", time=clock.now())


@router.post(PATH_REGISTER_TERMINAL, response_model=TerminalRegistered,
             responses={403: {"model": ErrorBody}, 429: {"model": ErrorBody}})
async def register(body: TerminalRegistration, request: Request, state: State) -> TerminalRegistered:
    client = request.client.host if request.client else "?"
    state.enrolment_limiter.check(client)  # at the limit even the right code waits: no guessing
    ttl = state.config.tunables.token_ttl_seconds
    try:
        with state.store.transaction() as s:
            row = is_one_time_code(s, body.enrolment_code)
            if row is not None:
                return enrol(s, row, body, ttl)
    except PlatformProblem as problem:
        if problem.code == ErrorCode.ENROLMENT_USED:
            state.enrolment_limiter.failed(client)
        raise
    standing = state.config.enrolment_code
    if not standing or body.enrolment_code != standing:
        state.enrolment_limiter.failed(client)
        raise PlatformProblem(403, ErrorCode.ENROLMENT_INVALID, "终端注册码不正确，请向县政务服务中心信息科索取。")
    if not body.terminal_id or not body.area_code or not body.name:
        raise PlatformProblem(422, ErrorCode.BAD_REQUEST, "用通用注册码注册时须填写 terminal_id、area_code 和 name。")
    with state.store.transaction() as s:
        secret = register_terminal(s, body.terminal_id, body.area_code, body.name)
        token, expires_at = issue_token(s, body.terminal_id, ttl)
        # The standing code replaces the terminal's secret, so its key too (the demo re-registers).
        key = register_key(s, body.terminal_id, body.public_key, replace=True)
    return TerminalRegistered(terminal_id=body.terminal_id, terminal_secret=secret, token=token, expires_at=expires_at,
                              area_code=body.area_code, hall=body.name, platform_key=key)


@router.post(PATH_TERMINAL_TOKEN, response_model=AccessToken)
async def terminal_token(body: TerminalTokenRequest, state: State) -> AccessToken:
    with state.store.transaction() as s:
        check_terminal_secret(s, body.terminal_id, body.terminal_secret)
        token, expires_at = issue_token(s, body.terminal_id, state.config.tunables.token_ttl_seconds)
    return AccessToken(token=token, expires_at=expires_at)


@router.post(PATH_SESSIONS, response_model=ClerkSession)
async def clerk_login(body: SessionRequest, who: Caller, state: State) -> ClerkSession:
    with state.store.transaction() as s:
        clerk = check_clerk_password(s, body.username, body.password)
        token, expires_at = issue_token(s, who.terminal_id, state.config.tunables.token_ttl_seconds, clerk.username)
    return ClerkSession(token=token, expires_at=expires_at, clerk=clerk)


@router.get(PATH_CATALOG_CHANGES, response_model=CatalogChangesPage)
async def catalog_changes(who: Caller, state: State, since: str = "",
                          limit: Annotated[int | None, Query()] = None) -> CatalogChangesPage:
    with state.store.transaction() as s:
        return changes_page(s, since, page_size(limit), state.catalog_revision)


@router.get(PATH_CALENDAR, response_model=CalendarFile, response_model_by_alias=True,
            responses={404: {"model": ErrorBody}})
async def calendar(year: int, who: Caller, state: State) -> CalendarFile:
    cal = state.calendars.for_year(year)
    if cal is None:
        raise PlatformProblem(404, ErrorCode.CALENDAR_UNKNOWN, f"平台尚未发布{year}年的节假日安排。")
    return cal


@router.post(PATH_NUMBER_BLOCKS, response_model=NumberBlock, responses={409: {"model": ErrorBody}})
async def number_block(body: NumberBlockRequest, who: Caller, state: State) -> NumberBlock:
    with state.store.transaction() as s:
        return lease_block(s, who, body)


@router.post(PATH_EVENTS_BATCH, response_model=EventBatchResult, responses={413: {"model": ErrorBody}})
async def events_batch(body: EventBatch, who: AnyCaller, state: State) -> EventBatchResult:
    if len(body.events) > MAX_EVENTS_PER_BATCH:
        raise PlatformProblem(413, ErrorCode.BATCH_TOO_LARGE, f"每批最多 {MAX_EVENTS_PER_BATCH} 个事件，请分批发送。")
    started = time.perf_counter()
    exit_when = state.faults.take_exit()
    with state.store.transaction() as s:
        results = ingest(s, who, body.events, state.config.tunables.back_office_delay_seconds)
        if exit_when == "before_commit":
            os._exit(70)  # the restart switch: nothing of this batch is committed
    if exit_when == "after_commit":
        os._exit(70)  # committed, never answered
    state.ingest.batches += 1
    state.ingest.events += len(body.events)
    state.ingest.seconds += time.perf_counter() - started
    return EventBatchResult(results=results)


@router.get(PATH_PROGRESS, response_model=ProgressPage)
async def progress(who: Caller, state: State, since: str = "",
                   limit: Annotated[int | None, Query()] = None) -> ProgressPage:
    state.run_back_office()  # steps due by now are in the page, whatever the ticker's phase
    with state.store.transaction() as s:
        return progress_page(s, who, since, page_size(limit))


@router.put(PATH_TERMINAL_KEY, response_model=PlatformKey, responses={409: {"model": ErrorBody}})
async def terminal_key(body: TerminalKey, who: AnyCaller, state: State) -> PlatformKey:
    """A terminal registered before keys existed registers its public key once, with its token."""
    with state.store.transaction() as s:
        return PlatformKey(platform_key=register_key(s, who.terminal_id, body.public_key))


@router.post(PATH_AUDIT_CHECKPOINTS, response_model=AuditReceipt,
             responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}})
async def audit_checkpoint(body: AuditCheckpoint, who: AnyCaller, state: State) -> AuditReceipt:
    with state.store.transaction() as s:
        return accept_checkpoint(s, who, body)


@router.get(PATH_AUDIT_CHECKPOINTS, response_model=AuditReceipt, responses={404: {"model": ErrorBody}})
async def last_audit_receipt(who: AnyCaller, state: State) -> AuditReceipt:
    with state.store.transaction() as s:
        row = last_checkpoint(s, who.terminal_id)
        if row is None:
            raise PlatformProblem(404, ErrorCode.NOT_FOUND, "平台还没有确认过本终端的审计检查点。")
        return receipt_of(row)


# --- attachments (sync/contract/attachments.py) ------------------------------------------------

Sha256Path = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


@router.post(PATH_ATTACHMENTS, response_model=AttachmentStatus,
             responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}})
async def declare_attachment(body: AttachmentDeclaration, who: Caller, state: State) -> AttachmentStatus:
    assert state.attachments is not None
    try:
        with state.store.transaction() as s:
            status = attachments.declare(s, state.attachments, who, body)
    except BaseException:
        state.attachments.discard_finished(committed=False)
        raise
    state.attachments.discard_finished()
    return status


@router.put(PATH_ATTACHMENT_CHUNK, response_model=AttachmentStatus,
            responses={409: {"model": ErrorBody}, 413: {"model": ErrorBody}})
async def attachment_chunk(sha256: Sha256Path, index: int, request: Request, who: Caller,
                           state: State) -> AttachmentStatus:
    assert state.attachments is not None
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > ATTACHMENT_CHUNK_SIZE:
        raise PlatformProblem(413, ErrorCode.CHUNK_INVALID, f"附件分块不能超过 {ATTACHMENT_CHUNK_SIZE} 字节。")
    data = await request.body()  # a client cut off mid-body never gets here: nothing is stored
    try:
        with state.store.transaction() as s:
            status = attachments.put_chunk(s, state.attachments, who, sha256, index, data)
    except BaseException:
        state.attachments.discard_finished(committed=False)
        raise
    state.attachments.discard_finished()
    return status


@router.get(PATH_ATTACHMENT_CONTENT, response_class=Response, responses={404: {"model": ErrorBody}})
async def attachment_content(sha256: Sha256Path, who: Caller, state: State) -> Response:
    assert state.attachments is not None
    with state.store.transaction() as s:
        data, media_type = attachments.content(s, state.attachments, who, sha256)
    return Response(content=data, media_type=media_type)

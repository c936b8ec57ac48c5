"""Control switches (/sandbox/…, not part of the contract, never behind the fault switches):
faults, run-time settings, item status, token expiry, statistics, what the platform holds,
loading a catalog file, a courier's delivery confirmation, restart.

Mounted only in demo, training and test mode (sandbox.config), and every request must carry
the control token (header CONTROL_TOKEN_HEADER) the sandbox wrote at start into its data dir,
readable only by the user who started it: without it 401, with a wrong one 403. Files are read
only from inside the data dir, and a path outside gets one answer whether or not it exists."""

from __future__ import annotations

import asyncio
import hmac
import os
import secrets
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from sandbox import clock
from sandbox.auth import expire_all_tokens
from sandbox.back_office import NotMailed, bring_forward, confirm_delivery
from sandbox.catalog import CatalogFileError, item_count, load_catalog, read_catalog_file, set_item_status
from sandbox.config import CONTROL_TOKEN_FILE, CONTROL_TOKEN_HEADER
from sandbox.enrolment import issue_code
from sandbox.errors import PlatformProblem
from sandbox.state import SandboxState, sandbox_state
from sandbox.store import (
    AppliedEvent,
    AttachmentBlob,
    AttachmentLink,
    CatalogChangeRow,
    CheckpointRow,
    EventReceipt,
    PlatformCase,
    ProgressRow,
    Terminal,
)
from sync.contract import ErrorCode, ItemStatusChange


def write_control_token(data_dir: Path) -> str:
    """A new random token in DATA_DIR/control-token, mode 0600 (replaced whole: a reader never
    sees half of one)."""
    token = secrets.token_urlsafe(32)
    path = data_dir / CONTROL_TOKEN_FILE
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.chmod(tmp, 0o600)  # O_CREAT keeps the mode of a file left over from a crash
        os.write(fd, token.encode("ascii"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return token


async def _control_token(request: Request) -> None:
    given = request.headers.get(CONTROL_TOKEN_HEADER, "")
    if not given:
        raise PlatformProblem(401, "CONTROL_TOKEN_MISSING",
                              f"沙箱控制接口需要控制令牌：请在请求头 {CONTROL_TOKEN_HEADER} 中给出沙箱数据目录下 "
                              f"{CONTROL_TOKEN_FILE} 文件的内容。")
    if not hmac.compare_digest(given.encode(), sandbox_state(request).control_token.encode()):
        raise PlatformProblem(403, "CONTROL_TOKEN_INVALID",
                              f"控制令牌不正确。沙箱每次启动都会生成新的令牌，请重新读取数据目录下的 {CONTROL_TOKEN_FILE}。")


router = APIRouter(prefix="/sandbox", tags=["sandbox control (not contract)"], dependencies=[Depends(_control_token)])


async def _state(request: Request) -> SandboxState:
    return sandbox_state(request)


State = Annotated[SandboxState, Depends(_state)]


@router.get("/health")
async def control_health(state: State) -> dict[str, Any]:
    """Up, whatever the fault switches say (the test harness waits on this)."""
    return {"status": "ok", "pid": os.getpid(), "data_dir": str(state.config.data_dir)}


def _faults_view(state: SandboxState) -> dict[str, Any]:
    return {"faults": state.faults.faults.model_dump(), "fired": dict(state.faults.fired)}


@router.get("/faults")
async def get_faults(state: State) -> dict[str, Any]:
    return _faults_view(state)


@router.post("/faults")
async def set_faults(changes: dict[str, Any], state: State) -> dict[str, Any]:
    """Change the given switches (others stay as they are); see sandbox.faults.Faults."""
    try:
        state.faults.update(changes)
    except ValueError as exc:
        raise PlatformProblem(422, ErrorCode.BAD_REQUEST, f"故障开关设置有误：{exc}") from exc
    return _faults_view(state)


@router.delete("/faults")
async def clear_faults(state: State) -> dict[str, Any]:
    state.faults.clear()
    return _faults_view(state)


@router.get("/config")
async def get_config(state: State) -> dict[str, Any]:
    return state.config.tunables.model_dump()


@router.post("/config")
async def set_config(changes: dict[str, Any], state: State) -> dict[str, Any]:
    """token_ttl_seconds, back_office_delay_seconds, denial_share."""
    try:
        state.config.tunables = type(state.config.tunables).model_validate(state.config.tunables.model_dump() | changes)
    except ValueError as exc:
        raise PlatformProblem(422, ErrorCode.BAD_REQUEST, f"设置有误：{exc}") from exc
    if "back_office_delay_seconds" in changes:
        with state.store.transaction() as s:
            bring_forward(s, state.config.tunables.back_office_delay_seconds)
    return state.config.tunables.model_dump()


class StatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["active", "suspended", "terminated"]
    reason: str = ""
    since: date | None = None  # default: today (Beijing)


@router.post("/items/{code}/status")
async def item_status(code: str, body: StatusRequest, state: State) -> ItemStatusChange:
    """Suspend, resume ("active") or terminate an item, as the department would on the platform."""
    with state.store.transaction() as s:
        return set_item_status(s, code, body.status, body.reason, body.since)


@router.post("/tokens/expire")
async def expire_tokens(state: State) -> dict[str, int]:
    with state.store.transaction() as s:
        return {"expired": expire_all_tokens(s)}


@router.get("/stats")
async def stats(state: State) -> dict[str, Any]:
    """Counts a test uses to prove "none lost, none twice", and the server's own ingest time."""
    with state.store.transaction() as s:
        applied = s.scalar(select(func.count()).select_from(AppliedEvent)) or 0
        distinct = s.scalar(select(func.count(func.distinct(AppliedEvent.event_id)))) or 0
        per_id = select(func.count().label("n")).select_from(AppliedEvent).group_by(AppliedEvent.event_id).subquery()
        most = s.scalar(select(func.max(per_id.c.n))) or 0
        receipts = dict(s.execute(select(EventReceipt.outcome, func.count()).group_by(EventReceipt.outcome)).all())
        by_kind = dict(s.execute(select(AppliedEvent.kind, func.count()).group_by(AppliedEvent.kind)).all())
        cases = dict(s.execute(select(PlatformCase.state, func.count()).group_by(PlatformCase.state)).all())
        progress = s.scalar(select(func.count()).select_from(ProgressRow)) or 0
        changes = s.scalar(select(func.count()).select_from(CatalogChangeRow)) or 0
        items = item_count(s)
    return {
        "events": {"applied": applied, "distinct_event_ids": distinct, "most_applications_of_one_event": most,
                   "duplicate_answers": receipts.get("duplicate", 0), "rejected_answers": receipts.get("rejected", 0),
                   "applied_by_kind": by_kind},
        "cases": cases,
        "progress_updates": progress,
        "catalog": {"items": items, "changes": changes, "revision": state.catalog_revision},
        "ingest": {"batches": state.ingest.batches, "events": state.ingest.events, "seconds": state.ingest.seconds,
                   "request_seconds": state.ingest.request_seconds},
        "faults_fired": dict(state.faults.fired),
        "attachments": _attachment_stats(state),
    }


def _attachment_stats(state: SandboxState) -> dict[str, Any]:
    clock_ = state.attachments.clock if state.attachments is not None else None
    with state.store.transaction() as s:
        stored = s.scalar(select(func.count()).select_from(AttachmentBlob)) or 0
        links = s.scalar(select(func.count()).select_from(AttachmentLink).where(AttachmentLink.confirmed == 1)) or 0
    return {"stored": stored, "linked_pages": links,
            "chunks_received": clock_.chunks if clock_ else 0,
            "chunk_bytes_received": clock_.chunk_bytes if clock_ else 0,
            "duplicate_chunks": clock_.duplicate_chunks if clock_ else 0,
            "duplicate_bytes": clock_.duplicate_bytes if clock_ else 0,
            "write_seconds": clock_.write_seconds if clock_ else 0.0}


@router.get("/events")
async def applied_events(state: State, case_number: str = "", after: int = 0, limit: int = 10_000) -> dict[str, Any]:
    """Applied events in the order applied (optionally one case's), for order and count checks."""
    q = select(AppliedEvent).where(AppliedEvent.seq > after).order_by(AppliedEvent.seq).limit(max(1, min(limit, 100_000)))
    if case_number:
        q = q.where(AppliedEvent.case_number == case_number)
    with state.store.transaction() as s:
        rows = s.scalars(q).all()
        events = [{"seq": r.seq, "event_id": r.event_id, "kind": r.kind, "case_number": r.case_number,
                   "terminal_id": r.terminal_id, "occurred_at": clock.loaded(r.occurred_at).isoformat()} for r in rows]
    return {"events": events}


@router.get("/cases/{case_number}")
async def case_view(case_number: str, state: State) -> dict[str, Any]:
    with state.store.transaction() as s:
        case = s.get(PlatformCase, case_number)
        if case is None:
            raise PlatformProblem(404, ErrorCode.CASE_UNKNOWN, f"平台没有办件 {case_number}。")
        return {"case_number": case.case_number, "state": case.state, "terminal_id": case.terminal_id,
                "item_code": case.item_code}


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hall: str = ""
    window: str = ""
    desk: Literal["window", "pickup"] = "window"
    area_code: str = ""
    replaces: str = ""


@router.post("/enrolment-codes")
async def enrolment_code(body: CodeRequest, state: State) -> dict[str, Any]:
    """A new one-time enrolment code, as `clerkdesk-sandbox enrolment-code` prints it."""
    try:
        with state.store.transaction() as s:
            code, row = issue_code(s, **body.model_dump())
            return {"code": code, "hall": row.hall, "window": row.window, "desk": row.desk,
                    "area_code": row.area_code, "replaces": row.replaces}
    except ValueError as exc:
        raise PlatformProblem(422, ErrorCode.BAD_REQUEST, f"无法签发注册码：{exc}") from exc


class Handover(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hall: str


@router.post("/cases/{case_number}/handover")
async def hand_over(case_number: str, body: Handover, state: State) -> dict[str, Any]:
    """Hand a case over to another hall (a station's 代收代办 case to the county hall), as the
    platform's 交接 records it: every terminal of that hall becomes entitled to it."""
    with state.store.transaction() as s:
        case = s.get(PlatformCase, case_number)
        if case is None:
            raise PlatformProblem(404, ErrorCode.CASE_UNKNOWN, f"平台没有办件 {case_number}。")
        case.handed_to_hall = body.hall
        return {"case_number": case_number, "hall": case.hall, "handed_to_hall": case.handed_to_hall}


class DeliveryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    signed_by: str = ""  # 签收人, as the courier recorded it


@router.post("/cases/{case_number}/deliver")
async def deliver(case_number: str, body: DeliveryRequest, state: State) -> dict[str, Any]:
    """The courier's 妥投 for a mailed certificate (what the postal interface tells the
    platform): the case becomes 已送达 and its terminals pull the `delivered` step. Again for a
    delivered case: the same step, nothing twice."""
    with state.store.transaction() as s:
        try:
            row = confirm_delivery(s, case_number, body.signed_by)
        except LookupError:
            raise PlatformProblem(404, ErrorCode.CASE_UNKNOWN, f"平台没有办件 {case_number}。") from None
        except NotMailed as exc:
            raise PlatformProblem(409, ErrorCode.CASE_TRANSITION_NOT_ALLOWED,
                                  f"办件 {case_number} 当前不是“已寄出”（{exc}），没有可确认的妥投。") from None
        return {"case_number": case_number, "state": "delivered", "progress_id": row.progress_id,
                "at": clock.loaded(row.at).isoformat(), "data": row.data}


@router.get("/terminals/{terminal_id}")
async def terminal_view(terminal_id: str, state: State) -> dict[str, Any]:
    with state.store.transaction() as s:
        row = s.get(Terminal, terminal_id)
        if row is None:
            raise PlatformProblem(404, ErrorCode.NOT_FOUND, f"平台没有终端 {terminal_id}。")
        return {"terminal_id": row.terminal_id, "area_code": row.area_code, "hall": row.hall, "window": row.window,
                "desk": row.desk, "document_code": row.document_code, "one_time": bool(row.one_time),
                "replaces": row.replaces, "retired_at": clock.loaded(row.retired_at).isoformat() if row.retired_at else None,
                "public_key": row.public_key or "",
                "audit_checkpoints": s.scalar(select(func.count()).select_from(CheckpointRow)
                                              .where(CheckpointRow.terminal_id == terminal_id))}


class CatalogLoad(BaseModel):
    path: str


def inside_data_dir(state: SandboxState, raw: str) -> Path:
    """`raw` (relative to the data dir, or absolute) once `..` and symlinks are resolved, if it
    lies inside the data dir. Decided before the file is touched, with one answer for every
    path outside — so the answer never tells whether a file exists elsewhere on this machine."""
    root = state.config.data_dir.resolve()
    try:
        path = (root / raw).resolve()
    except (OSError, ValueError):  # a NUL byte, a symlink loop
        path = None
    if path is None or not path.is_relative_to(root):
        raise PlatformProblem(403, "PATH_OUTSIDE_DATA_DIR",
                              "沙箱只读取其数据目录中的文件：请把文件放进沙箱数据目录，再给出其中的路径。")
    return path


@router.post("/catalog/load")
async def catalog_load(body: CatalogLoad, state: State) -> dict[str, Any]:
    """Publish a catalog file's items (e.g. benchmarks/make_catalog.py's 20,000) as changes.
    The file must lie inside the sandbox's data dir (a relative path is taken from there)."""
    path = inside_data_dir(state, body.path)
    try:
        revision, items = read_catalog_file(path)
    except (OSError, ValueError, CatalogFileError) as exc:
        raise PlatformProblem(422, ErrorCode.BAD_REQUEST, f"目录文件无法读取：{exc}") from exc
    with state.store.transaction() as s:
        changes = load_catalog(s, items)
    state.catalog_revision = revision or state.catalog_revision
    return {"items": len(items), "changes": changes, "revision": state.catalog_revision}


class RestartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["exec", "exit"] = "exec"


@router.post("/restart")
async def restart(body: RestartRequest, state: State) -> dict[str, Any]:
    """"exec": the process replaces itself with a fresh sandbox on the same port and data dir
    (same pid; clients see their connections drop, then the platform back). "exit": the
    process just ends (a harness starts it again)."""
    if body.mode == "exec" and not state.relaunch_argv:
        raise PlatformProblem(409, ErrorCode.BAD_REQUEST, "此沙箱不是由命令行启动的，无法自行重启。")
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, _restart_now, body.mode, state.relaunch_argv)
    return {"restarting": body.mode}


def _restart_now(mode: str, argv: list[str] | None) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    if mode == "exec" and argv:
        os.execv(argv[0], argv)
    os._exit(75)

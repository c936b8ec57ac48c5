"""Attachments on the platform (sync/contract/attachments.py): declared per case page, received
in chunks, stored once per hash as a file inside the sandbox's data folder, served back only
to terminals entitled to a case the content is linked to (sandbox/enrolment.py `entitled`).

Files: ``attachments/<aa>/<sha256>`` for whole content, ``attachments/partial/<sha256>.<who>/<i>``
for the chunks a terminal has delivered so far. Every file is written to a temporary name,
fsynced and renamed, so a kill of the platform never leaves a torn chunk that counts as
received: what a resuming terminal is told it has, it has.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.auth import Principal
from sandbox.enrolment import entitled
from sandbox.errors import PlatformProblem
from sandbox.store import AttachmentBlob, AttachmentLink, PlatformCase
from sync.contract import (
    ATTACHMENT_MEDIA_TYPES,
    AttachmentDeclaration,
    AttachmentStatus,
    ErrorCode,
    chunk_count,
    chunk_range,
)

FOLDER = "attachments"


@dataclass
class AttachmentClock:
    """What arrived since the start, for tests ("nothing sent twice") and the benchmark's
    baseline (the platform's own time writing the bytes). In memory: a restart starts at 0."""

    chunks: int = 0
    chunk_bytes: int = 0  # whole chunks received and stored
    duplicate_chunks: int = 0  # chunks sent again although already received
    duplicate_bytes: int = 0
    stored: int = 0  # contents completed and stored
    write_seconds: float = 0.0  # writing chunk files and the whole content, fsync included


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, parts: list[bytes] | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        for part in [parts] if isinstance(parts, bytes) else parts:
            f.write(part)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class AttachmentFiles:
    def __init__(self, data_dir: Path):
        self.root = data_dir / FOLDER
        self.partial = self.root / "partial"
        self.partial.mkdir(parents=True, exist_ok=True)
        self.clock = AttachmentClock()
        self._finished: list[tuple[str, str]] = []  # chunk folders to drop after the next commit

    def whole(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def _staging(self, sha256: str, terminal_id: str) -> Path:
        who = hashlib.sha256(terminal_id.encode()).hexdigest()[:16]  # terminal ids are not file names
        return self.partial / f"{sha256}.{who}"

    def received(self, sha256: str, terminal_id: str) -> list[int]:
        folder = self._staging(sha256, terminal_id)
        if not folder.is_dir():
            return []
        return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit())

    def write_chunk(self, sha256: str, terminal_id: str, index: int, data: bytes) -> None:
        started = time.perf_counter()
        _write_atomically(self._staging(sha256, terminal_id) / str(index), data)
        self.clock.write_seconds += time.perf_counter() - started

    def _chunks(self, sha256: str, terminal_id: str, n: int) -> list[bytes]:
        folder = self._staging(sha256, terminal_id)
        return [(folder / str(i)).read_bytes() for i in range(n)]

    def assemble(self, sha256: str, terminal_id: str, n: int, keep: bool) -> bool:
        """Whether the delivered chunks make `sha256`; written as the whole content when `keep`
        (the platform does not hold it yet). Bad chunks are discarded at once; good ones once
        the caller's transaction has committed (`discard_finished`): a kill before that commit
        leaves them, so the terminal is still told it delivered them and sends nothing again."""
        parts = self._chunks(sha256, terminal_id, n)
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part)
        ok = digest.hexdigest() == sha256
        if ok and keep:
            started = time.perf_counter()
            _write_atomically(self.whole(sha256), parts)
            self.clock.write_seconds += time.perf_counter() - started
            self.clock.stored += 1
        if ok:
            self._finished.append((sha256, terminal_id))
        else:
            self.discard(sha256, terminal_id)
        return ok

    def discard_finished(self, committed: bool = True) -> None:
        """After the commit that recorded the finished contents their chunks are no longer
        needed; after a rollback they are kept (the next declaration finishes them again)."""
        finished, self._finished = self._finished, []
        for sha256, terminal_id in finished if committed else ():
            self.discard(sha256, terminal_id)

    def discard(self, sha256: str, terminal_id: str) -> None:
        shutil.rmtree(self._staging(sha256, terminal_id), ignore_errors=True)

    def read(self, sha256: str) -> bytes:
        return self.whole(sha256).read_bytes()


def _status(sha256: str, size: int, complete: bool, received: list[int] | None = None) -> AttachmentStatus:
    return AttachmentStatus(sha256=sha256, size=size, chunks=chunk_count(size), complete=complete,
                            received=[] if complete else (received or []))


def can_see(s: Session, who: Principal, sha256: str) -> bool:
    """Entitled to a case the content is linked to by a confirmed link."""
    numbers = set(s.scalars(select(AttachmentLink.case_number).where(AttachmentLink.sha256 == sha256,
                                                                        AttachmentLink.confirmed == 1)))
    for number in numbers:
        case = s.get(PlatformCase, number)
        if case is not None and entitled(who, case):
            return True
    return False


def _own_links(s: Session, who: Principal, sha256: str) -> list[AttachmentLink]:
    return list(s.scalars(select(AttachmentLink).where(AttachmentLink.sha256 == sha256,
                                                       AttachmentLink.terminal_id == who.terminal_id)))


def _confirm(links: list[AttachmentLink]) -> None:
    for link in links:
        link.confirmed = 1


def declare(s: Session, files: AttachmentFiles, who: Principal, body: AttachmentDeclaration) -> AttachmentStatus:
    if body.media_type not in ATTACHMENT_MEDIA_TYPES:
        raise PlatformProblem(422, ErrorCode.ATTACHMENT_INVALID, "附件只能是 JPEG 图片或 PDF。")
    case = s.get(PlatformCase, body.case_number)
    if case is None:
        raise PlatformProblem(409, ErrorCode.CASE_UNKNOWN,
                              f"平台没有办件 {body.case_number} 的收件记录，请先上报该办件的事件再上传附件。")
    if not entitled(who, case):
        raise PlatformProblem(403, ErrorCode.CASE_NOT_ENTITLED,
                              f"办件 {body.case_number} 不是本终端收件的，也未移交本厅，不能为它上传附件。")
    blob = s.get(AttachmentBlob, body.sha256)
    if blob is not None and blob.size != body.size:
        raise PlatformProblem(422, ErrorCode.ATTACHMENT_INVALID, "附件大小与平台已存的同一内容不符，请重新扫描。")
    link = s.scalar(select(AttachmentLink).where(
        AttachmentLink.sha256 == body.sha256, AttachmentLink.case_number == body.case_number,
        AttachmentLink.material_name == body.material_name, AttachmentLink.page_no == body.page_no,
        AttachmentLink.terminal_id == who.terminal_id))
    if link is None:
        link = AttachmentLink(sha256=body.sha256, case_number=body.case_number, material_name=body.material_name,
                              page_no=body.page_no, terminal_id=who.terminal_id, media_type=body.media_type,
                              size=body.size, declared_at=clock.stored(clock.now()), confirmed=0)
        s.add(link)
        s.flush()
    if link.confirmed:
        return _status(body.sha256, body.size, True)
    if blob is not None and can_see(s, who, body.sha256):
        _confirm([link])  # it could fetch the content anyway: nothing to prove
        return _status(body.sha256, body.size, True)
    return _finish_if_whole(s, files, who, body.sha256, body.size, body.media_type)


def _finish_if_whole(s: Session, files: AttachmentFiles, who: Principal, sha256: str, size: int,
                     media_type: str) -> AttachmentStatus:
    received = files.received(sha256, who.terminal_id)
    n = chunk_count(size)
    if len(received) < n:
        return _status(sha256, size, False, received)
    blob = s.get(AttachmentBlob, sha256)
    if not files.assemble(sha256, who.terminal_id, n, keep=blob is None):
        raise PlatformProblem(422, ErrorCode.ATTACHMENT_HASH_MISMATCH,
                              "收到的附件内容与其校验值不符，已丢弃，请重新上传。")
    if blob is None:
        s.add(AttachmentBlob(sha256=sha256, size=size, media_type=media_type, stored_at=clock.stored(clock.now())))
    _confirm(_own_links(s, who, sha256))
    return _status(sha256, size, True)


def put_chunk(s: Session, files: AttachmentFiles, who: Principal, sha256: str, index: int,
              data: bytes) -> AttachmentStatus:
    links = _own_links(s, who, sha256)
    if not links:
        raise PlatformProblem(409, ErrorCode.ATTACHMENT_NOT_DECLARED, "请先登记附件（所属办件和材料）再上传内容。")
    size, media_type = links[0].size, links[0].media_type
    n = chunk_count(size)
    if not 0 <= index < n or len(data) != chunk_range(size, index)[1]:
        raise PlatformProblem(422, ErrorCode.CHUNK_INVALID,
                              f"附件分块不正确（第 {index} 块，{len(data)} 字节；共 {n} 块）。")
    if all(link.confirmed for link in links):
        files.clock.duplicate_chunks += 1
        files.clock.duplicate_bytes += len(data)
        return _status(sha256, size, True)
    if index in files.received(sha256, who.terminal_id):
        files.clock.duplicate_chunks += 1
        files.clock.duplicate_bytes += len(data)
    else:
        files.write_chunk(sha256, who.terminal_id, index, data)
        files.clock.chunks += 1
        files.clock.chunk_bytes += len(data)
    return _finish_if_whole(s, files, who, sha256, size, media_type)


def content(s: Session, files: AttachmentFiles, who: Principal, sha256: str) -> tuple[bytes, str]:
    blob = s.get(AttachmentBlob, sha256)
    if blob is None or not can_see(s, who, sha256):
        # The same answer for "never seen" and "not yours": a hash is no way to probe another hall.
        raise PlatformProblem(404, ErrorCode.NOT_FOUND, "平台没有这个附件，或本终端无权查看。")
    return files.read(sha256), blob.media_type

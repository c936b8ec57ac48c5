"""The platform's /api/v1 as the client uses it: contract models in, app dataclasses out.
The only module of sync/ that knows the shape of the wire (sync/contract/)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from app.usecases.audit_integrity import CheckpointDraft, Receipt
from app.usecases.sync_pull import CertificateInfo, DeliveryInfo, LeasedBlock, ProgressEntry
from app.usecases.sync_state import EventAnswer, OutgoingEvent
from app.usecases.uploads import PageUpload
from sync import contract as c
from sync.http import PlatformHttp, PlatformProtocolError, PlatformRefused, RawJson


@dataclass(frozen=True)
class CatalogPage:
    items: list[dict]
    next_cursor: str
    more: bool
    revision: str = ""


@dataclass(frozen=True)
class ProgressPage:
    entries: list[ProgressEntry]
    next_cursor: str
    more: bool


@dataclass(frozen=True)
class TerminalCredential:
    terminal_id: str
    terminal_secret: str
    token: str
    expires_at: datetime | None
    platform_key: str = ""


@dataclass(frozen=True)
class ClerkIdentity:
    username: str
    display_name: str
    role: str
    window_no: str


def _parse(model: type, data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise PlatformProtocolError(f"平台返回的数据不符合接口约定：{exc.errors()[0].get('msg', '')}") from exc


# Seconds the health check waits for an answer: it is a few bytes, and while it waits the
# status bar still says 正在同步… beside a light that is not yet red.
PROBE_READ_TIMEOUT = 5.0


class PlatformApi:
    def __init__(self, http: PlatformHttp):
        self.http = http

    def close(self) -> None:
        self.http.close()

    def health(self) -> c.Health:
        """First in every sync cycle. Short-tempered: a platform that takes the connection and
        then hangs is reported offline after one read timeout of its own, not after the long
        timeouts and retries the client keeps for pushes (about 100 s before)."""
        s = self.http.settings
        probe = replace(s, read_timeout=min(s.read_timeout, PROBE_READ_TIMEOUT), retry_no_answer=False)
        return _parse(c.Health, self.http.get(c.PATH_HEALTH, auth=False, settings=probe))

    def register_terminal(self, terminal_id: str, area_code: str, name: str, enrolment_code: str,
                          public_key: str = "") -> TerminalCredential:
        body = c.TerminalRegistration(terminal_id=terminal_id, area_code=area_code, name=name,
                                      enrolment_code=enrolment_code, public_key=public_key)
        got = _parse(c.TerminalRegistered, self.http.post(c.PATH_REGISTER_TERMINAL, _dump(body), auth=False))
        return TerminalCredential(got.terminal_id, got.terminal_secret, got.token, china_naive(got.expires_at),
                                  got.platform_key)

    def register_key(self, public_key: str) -> str:
        """The terminal's public key (bearer token = this terminal); returns the platform's key."""
        got = _parse(c.PlatformKey, self.http.request("PUT", c.PATH_TERMINAL_KEY, _dump(c.TerminalKey(public_key=public_key))))
        return got.platform_key

    def audit_checkpoint(self, draft: CheckpointDraft) -> Receipt:
        """409/403 come back as PlatformRefused with the platform's code (chain rewritten, …)."""
        body = c.AuditCheckpoint(terminal_id=draft.terminal_id, seq=draft.seq, head_hash=draft.head_hash,
                                 anchor_seq=draft.anchor_seq, anchor_hash=draft.anchor_hash, signed_at=draft.signed_at,
                                 signature=draft.signature)
        return _receipt(self.http.base_url, _parse(c.AuditReceipt, self.http.post(c.PATH_AUDIT_CHECKPOINTS, _dump(body))))

    def last_audit_receipt(self) -> Receipt | None:
        try:
            data = self.http.get(c.PATH_AUDIT_CHECKPOINTS)
        except PlatformRefused as err:
            if err.status == 404:
                return None
            raise
        return _receipt(self.http.base_url, _parse(c.AuditReceipt, data))

    def terminal_token(self, terminal_id: str, terminal_secret: str) -> tuple[str, datetime | None]:
        body = c.TerminalTokenRequest(terminal_id=terminal_id, terminal_secret=terminal_secret)
        got = _parse(c.AccessToken, self.http.post(c.PATH_TERMINAL_TOKEN, _dump(body), auth=False))
        return got.token, china_naive(got.expires_at)

    def clerk_login(self, username: str, password: str) -> ClerkIdentity:
        """401 LOGIN_FAILED (wrong password) comes back as PlatformRefused(status=401)."""
        body = c.SessionRequest(username=username, password=password)
        got = _parse(c.ClerkSession, self.http.post(c.PATH_SESSIONS, _dump(body)))
        return ClerkIdentity(got.clerk.username, got.clerk.display_name, got.clerk.role, got.clerk.window_no)

    def catalog_changes(self, cursor: str, limit: int = c.DEFAULT_PAGE_SIZE) -> CatalogPage:
        page = _parse(c.CatalogChangesPage, self.http.get(c.PATH_CATALOG_CHANGES, {"since": cursor, "limit": limit}))
        return CatalogPage([ch.item for ch in page.changes], page.next_cursor, page.has_more, page.revision)

    def calendar(self, year: int) -> dict | None:
        try:
            data = self.http.get(c.calendar_path(year))
        except PlatformRefused as err:
            if err.status == 404:
                return None
            raise
        return _parse(c.CalendarFile, data).model_dump(mode="json", by_alias=True)

    def lease_block(self, year: int, size: int, request_id: str) -> LeasedBlock:
        body = c.NumberBlockRequest(request_id=request_id, year=year, size=size)
        got = _parse(c.NumberBlock, self.http.post(c.PATH_NUMBER_BLOCKS, _dump(body)))
        return LeasedBlock(got.year, got.first, got.last, got.lease_id)

    def push_events(self, events: tuple[OutgoingEvent, ...]) -> list[EventAnswer]:
        # Exactly as queued (contract: Event), joined as stored: no decode and re-encode of the batch.
        body = RawJson('{"events":[' + ",".join(e.payload_json for e in events) + "]}")
        got = _parse(c.EventBatchResult, self.http.post(c.PATH_EVENTS_BATCH, body))
        return [EventAnswer(r.event_id, r.status, r.code, r.reason) for r in got.results]

    def progress(self, cursor: str, limit: int = c.DEFAULT_PAGE_SIZE) -> ProgressPage:
        page = _parse(c.ProgressPage, self.http.get(c.PATH_PROGRESS, {"since": cursor, "limit": limit}))
        entries = [ProgressEntry(u.case_number, u.step, china_naive(u.at), u.note, u.progress_id,
                                 _certificate(u.certificate), _delivery(u.delivery)) for u in page.updates]
        return ProgressPage(entries, page.next_cursor, page.has_more)

    def declare_attachment(self, page: PageUpload) -> c.AttachmentStatus:
        body = c.AttachmentDeclaration(sha256=page.sha256, size=page.size, media_type=page.media_type,
                                       case_number=page.case_number, material_name=page.material_name,
                                       page_no=page.page_no)
        return _parse(c.AttachmentStatus, self.http.post(c.PATH_ATTACHMENTS, _dump(body)))

    def put_attachment_chunk(self, sha256: str, index: int, data: bytes) -> c.AttachmentStatus:
        return _parse(c.AttachmentStatus, self.http.put_bytes(c.chunk_path(sha256, index), data))

    def attachment_content(self, sha256: str) -> bytes:
        """404 (never seen, or not this terminal's) comes back as PlatformRefused(status=404)."""
        return self.http.get_bytes(c.content_path(sha256))


def _receipt(url: str, r: c.AuditReceipt) -> Receipt:
    return Receipt(url, r.terminal_id, r.seq, r.head_hash, r.confirmed_at, r.platform_signature)


def _certificate(cert: c.IssuedCertificate | None) -> CertificateInfo | None:
    if cert is None:
        return None
    h = cert.holder
    return CertificateInfo(cert.certificate_no, cert.name, cert.item_code, h.kind, h.name, h.id_type, h.id_number,
                           cert.issued_on, cert.valid_from, cert.valid_until, cert.decided_on,
                           tuple(cert.fields.items()))


def _delivery(d: c.DeliveryConfirmation | None) -> DeliveryInfo | None:
    return None if d is None else DeliveryInfo(d.tracking_no, d.signed_by)


def _dump(model: c.ContractModel) -> dict:
    return model.model_dump(mode="json", by_alias=True)


def china_naive(value: datetime | None) -> datetime | None:
    """Contract timestamps are aware; the terminal stores China time without offset."""
    return value.astimezone(c.CHINA).replace(tzinfo=None) if value is not None else None

"""Enrolment with one-time codes, re-enrolment of a replaced PC, the rate limit on wrong codes,
and which cases a terminal is entitled to (sync/contract/__init__.py "Authentication", "Re-enrolment",
"Binding every request to the terminal")."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.audit import register_key
from sandbox.auth import Principal, hash_secret, issue_token, secret_matches
from sandbox.errors import PlatformProblem
from sandbox.numbers import lease_block
from sandbox.store import EnrolmentCode, PlatformCase, Terminal, Token
from sync.contract import (
    ENROLMENT_ATTEMPTS_PER_MINUTE,
    ENROLMENT_RETRY_HOURS,
    ErrorCode,
    NumberBlockRequest,
    TerminalRegistered,
    TerminalRegistration,
)

# The demo hall: what a code issued without options assigns.
DEMO_HALL = {"area_code": "620321", "hall": "永昌县政务服务中心", "county": "永昌县",
             "review_body": "永昌县人民政府", "court": "永昌县人民法院"}
DEFAULT_WINDOW = "综合受理窗口"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
DESKS = ("window", "pickup")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_code(s: Session, *, hall: str = "", window: str = "", desk: str = "window", area_code: str = "",
               county: str = "", review_body: str = "", court: str = "", replaces: str = "") -> tuple[str, EnrolmentCode]:
    """A new one-time code (returned once, stored only as its hash). With `replaces` the new
    terminal takes over that terminal's hall, window and desk unless given."""
    if desk not in DESKS:
        raise ValueError(f"desk must be one of {DESKS}")
    base = dict(DEMO_HALL)
    if replaces:
        old = s.get(Terminal, replaces)
        if old is None:
            raise ValueError(f"no terminal {replaces} to replace")
        if old.retired_at is not None:
            raise ValueError(f"terminal {replaces} was already replaced")
        base.update(area_code=old.area_code, hall=old.hall or old.name)
        window = window or old.window
        desk = desk if desk != "window" else (old.desk or "window")
    if hall and hall != base["hall"]:
        base.update(hall=hall)
    code = new_code()
    row = EnrolmentCode(code_hash=code_hash(code), area_code=area_code or base["area_code"], hall=base["hall"],
                        window=window or DEFAULT_WINDOW, desk=desk, county=county or base["county"],
                        review_body=review_body or base["review_body"], court=court or base["court"],
                        replaces=replaces, created_at=clock.stored(clock.now()), used_at=None, used_by="")
    s.add(row)
    return code, row


def _next_document_code(s: Session, area_code: str) -> str:
    """The lowest two-digit code no terminal of the area ever had (retired ones keep theirs:
    the 文号 they printed stay theirs). 01 is left to the demo terminal (YC-ZWFW-DEMO-01)."""
    used = set(s.scalars(select(Terminal.document_code).where(Terminal.area_code == area_code)))
    for n in range(2, 100):
        if f"{n:02d}" not in used:
            return f"{n:02d}"
    raise PlatformProblem(409, ErrorCode.DOCUMENT_CODES_EXHAUSTED,
                          f"地区 {area_code} 的终端文号代码（02–99）已全部分配，请联系平台管理员。")


def is_one_time_code(s: Session, code: str) -> EnrolmentCode | None:
    return s.get(EnrolmentCode, code_hash(code))


def enrol(s: Session, row: EnrolmentCode, body: TerminalRegistration, ttl_seconds: float) -> TerminalRegistered:
    """Enrol a new terminal with a one-time code (the caller found `row`); retire the one it
    replaces. A used code answers again only the request that used it (a lost answer)."""
    if row.used_at is not None:
        return _answer_again(s, row, body, ttl_seconds)
    now = clock.stored(clock.now())
    doc = _next_document_code(s, row.area_code)
    terminal_id = f"ZWFW-{row.area_code}-{doc}"
    # The terminal's own secret when it sent one (so a lost answer can be fetched again
    # without the platform ever keeping a secret it could hand out twice).
    secret = body.terminal_secret or secrets.token_urlsafe(32)
    s.add(Terminal(terminal_id=terminal_id, area_code=row.area_code, name=f"{row.hall}{row.window}",
                   secret_hash=hash_secret(secret), registered_at=now, hall=row.hall, window=row.window,
                   desk=row.desk, document_code=doc, one_time=1, replaces=row.replaces, retired_at=None))
    if row.replaces:
        old = s.get(Terminal, row.replaces)
        if old is not None and old.retired_at is None:
            old.retired_at = now
            s.query(Token).filter(Token.terminal_id == old.terminal_id).delete()  # its sessions end now
    row.used_at, row.used_by, row.request_id = now, terminal_id, body.request_id
    s.flush()
    return _registered(s, row, s.get(Terminal, terminal_id), body, ttl_seconds,
                       "" if body.terminal_secret else secret)


def _answer_again(s: Session, row: EnrolmentCode, body: TerminalRegistration, ttl_seconds: float) -> TerminalRegistered:
    """The same request (id and secret) within ENROLMENT_RETRY_HOURS gets the same identity;
    anything else learns only that the code is used."""
    used = PlatformProblem(403, ErrorCode.ENROLMENT_USED,
                           "该注册码已使用过，一个注册码只能注册一台终端。请向县信息中心申请新的注册码。")
    if not body.request_id or body.request_id != row.request_id:
        raise used
    if clock.now() > clock.loaded(row.used_at) + timedelta(hours=ENROLMENT_RETRY_HOURS):
        raise PlatformProblem(403, ErrorCode.ENROLMENT_USED,
                              f"该注册码已于 {ENROLMENT_RETRY_HOURS} 小时前使用，不能再次取回注册结果。请向县信息中心申请新的注册码。")
    terminal = s.get(Terminal, row.used_by)
    if terminal is None or terminal.retired_at is not None or not secret_matches(body.terminal_secret,
                                                                                 terminal.secret_hash):
        raise used
    return _registered(s, row, terminal, body, ttl_seconds, "")


def _registered(s: Session, row: EnrolmentCode, terminal: Terminal, body: TerminalRegistration, ttl_seconds: float,
                secret: str) -> TerminalRegistered:
    token, expires_at = issue_token(s, terminal.terminal_id, ttl_seconds)
    platform_key = register_key(s, terminal.terminal_id, body.public_key, successor_of=row.replaces)
    block = None
    if body.first_block_size:
        # Leased under a request id of its own: asked again (a lost answer), the same block.
        who = Principal(terminal.terminal_id, row.area_code, hall=row.hall, desk=row.desk, one_time=True)
        block = lease_block(s, who, NumberBlockRequest(request_id=f"enrolment:{terminal.terminal_id}",
                                                       year=clock.now().year, size=body.first_block_size))
    return TerminalRegistered(token=token, expires_at=expires_at, terminal_id=terminal.terminal_id,
                              terminal_secret=secret, area_code=row.area_code, hall=row.hall, window=row.window,
                              desk=row.desk, document_code=terminal.document_code, county=row.county,
                              review_body=row.review_body, court=row.court, replaces=row.replaces,
                              number_block=block, platform_key=platform_key)


@dataclass
class EnrolmentLimiter:
    """Wrong codes per client address in a sliding minute; at the limit every attempt is 429."""

    limit: int = ENROLMENT_ATTEMPTS_PER_MINUTE
    window_seconds: float = 60.0
    failures: dict[str, deque[float]] = field(default_factory=dict)

    def check(self, client: str) -> None:
        q = self.failures.get(client)
        if not q:
            return
        now = time.monotonic()
        while q and now - q[0] >= self.window_seconds:
            q.popleft()
        if len(q) >= self.limit:
            wait = max(1, int(self.window_seconds - (now - q[0])) + 1)
            raise PlatformProblem(429, ErrorCode.ENROLMENT_RATE_LIMITED,
                                  f"注册码错误次数过多，请 {wait} 秒后再试。", headers={"Retry-After": str(wait)})

    def failed(self, client: str) -> None:
        self.failures.setdefault(client, deque()).append(time.monotonic())


PICKUP_ACTIONS = frozenset({"collect", "mail"})  # what a hall's 发证窗口 does to the hall's cases


def entitled(who: Principal, case: PlatformCase, action: str = "") -> bool:
    """The contract's rule: own (or predecessor's) case; the hall's case for its pick-up desk
    (hand-over actions only; "" = reading its progress); a case handed over to the terminal's hall."""
    if case.terminal_id in who.own_ids:
        return True
    if who.hall and who.desk == "pickup" and case.hall == who.hall and (not action or action in PICKUP_ACTIONS):
        return True
    return bool(who.hall) and case.handed_to_hall == who.hall

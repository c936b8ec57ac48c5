"""Terminals, clerks and bearer tokens.

Tokens are random, stored only as their sha256, and expire after `token_ttl_seconds`.
Passwords and terminal secrets are kept as salted PBKDF2 hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.errors import PlatformProblem
from sandbox.store import ClerkAccount, Terminal, Token
from sync.contract import RETIRED_PUSH_DAYS, Clerk, ErrorCode

DEMO_PASSWORD = "demo1234"
# The demo hall's accounts — the same people the terminal's demo mode creates
# (app/usecases/setup.py) — plus clerk02, who exists only on the platform: a terminal has
# never seen her, so she cannot log in offline before one online login.
DEMO_CLERKS = [
    ("clerk01", "李晓燕", "clerk", "综合受理3号窗"),
    ("station01", "王建国", "station", "河西堡镇便民服务中心"),
    ("pickup01", "张丽", "pickup", "发证窗口"),
    ("super01", "赵志刚", "supervisor", "值班主任"),
    ("admin01", "陈工", "admin", "信息中心"),
    ("clerk02", "刘芳", "clerk", "综合受理5号窗"),
]
_ITERATIONS = 20_000


def hash_secret(secret: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), _ITERATIONS).hex()
    return f"{salt}${digest}"


def secret_matches(secret: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_secret(secret, salt), stored)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def seed_clerks(s: Session) -> None:
    """The demo accounts, on a new data dir only (a trainer's changes survive restarts)."""
    if s.scalar(select(ClerkAccount.username).limit(1)) is not None:
        return
    for username, name, role, window in DEMO_CLERKS:
        s.add(ClerkAccount(username=username, display_name=name, role=role, window_no=window,
                           password_hash=hash_secret(DEMO_PASSWORD)))


@dataclass(frozen=True)
class Principal:
    """Who is calling: always a terminal, sometimes with a clerk logged in on it. Everything
    here comes from the token's terminal row, never from a request body."""

    terminal_id: str
    area_code: str
    username: str = ""
    hall: str = ""
    desk: str = "window"
    one_time: bool = False  # enrolled with a one-time code (numbers must come from its blocks)
    retired_at: datetime | None = None  # naive Beijing time; set once a replacement enrolled
    predecessors: tuple[str, ...] = ()  # terminals it replaced (re-enrolment), nearest first

    @property
    def own_ids(self) -> tuple[str, ...]:
        """Terminals whose cases are this terminal's own: itself and those it replaced."""
        return (self.terminal_id, *self.predecessors)


def _predecessors(s: Session, row: Terminal) -> tuple[str, ...]:
    chain: list[str] = []
    while row is not None and row.replaces and row.replaces not in chain and len(chain) < 50:
        chain.append(row.replaces)
        row = s.get(Terminal, row.replaces)
    return tuple(chain)


def principal_of(s: Session, row: Terminal, username: str = "") -> Principal:
    return Principal(row.terminal_id, row.area_code, username, row.hall or "", row.desk or "window",
                     bool(row.one_time), row.retired_at, _predecessors(s, row))


def retired_for_good(row: Terminal) -> bool:
    """Past the grace period after which a replaced terminal may no longer even push."""
    return row.retired_at is not None and clock.now() > clock.loaded(row.retired_at) + timedelta(days=RETIRED_PUSH_DAYS)


def refuse_retired() -> PlatformProblem:
    return PlatformProblem(401, ErrorCode.TERMINAL_RETIRED,
                           f"本终端已被新注册的终端替换，其凭据已停用（替换后 {RETIRED_PUSH_DAYS} 天内仅可上报替换前已排队的事件）。")


def issue_token(s: Session, terminal_id: str, ttl_seconds: float, username: str = "") -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = clock.now() + timedelta(seconds=ttl_seconds)
    s.add(Token(token_hash=_token_hash(token), terminal_id=terminal_id, username=username,
                expires_at=clock.stored(expires_at)))
    return token, expires_at


def register_terminal(s: Session, terminal_id: str, area_code: str, name: str) -> str:
    """Create or re-register a terminal with the standing (demo) code; returns its new secret
    (the old one stops working). A terminal enrolled with a one-time code is never taken over."""
    secret = secrets.token_urlsafe(32)
    row = s.get(Terminal, terminal_id)
    if row is not None and (row.one_time or row.retired_at is not None):
        raise PlatformProblem(403, ErrorCode.ENROLMENT_INVALID,
                              f"终端编号 {terminal_id} 已由平台分配给一台终端，不能用通用注册码重新注册。请向县信息中心申请一次性注册码。")
    if row is None:
        row = Terminal(terminal_id=terminal_id, registered_at=clock.stored(clock.now()), one_time=0, replaces="",
                       desk="window", window="")
        s.add(row)
    digits = "".join(ch for ch in terminal_id if ch.isdigit())
    row.area_code, row.name, row.secret_hash = area_code, name, hash_secret(secret)
    row.hall, row.document_code = name, (digits[-2:] or "00").rjust(2, "0")
    s.execute(delete(Token).where(Token.terminal_id == terminal_id))  # old tokens die with the old secret
    return secret


def check_terminal_secret(s: Session, terminal_id: str, secret: str) -> Terminal:
    row = s.get(Terminal, terminal_id)
    if row is None or not secret_matches(secret, row.secret_hash):
        raise PlatformProblem(401, ErrorCode.TERMINAL_CREDENTIAL_INVALID, "终端凭据无效，请管理员重新注册本终端。")
    if retired_for_good(row):
        raise refuse_retired()
    return row


def check_clerk_password(s: Session, username: str, password: str) -> Clerk:
    row = s.get(ClerkAccount, username)
    if row is None or not secret_matches(password, row.password_hash):
        raise PlatformProblem(401, ErrorCode.LOGIN_FAILED, "用户名或密码不正确。")
    return Clerk(username=row.username, display_name=row.display_name, role=row.role, window_no=row.window_no)


def authenticate(s: Session, authorization: str | None) -> Principal:
    """The Principal behind an `Authorization: Bearer …` header, or 401 with the reason."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise PlatformProblem(401, ErrorCode.TOKEN_MISSING, "请求缺少登录令牌，请先注册终端或登录。")
    row = s.get(Token, _token_hash(token.strip()))
    if row is None:
        raise PlatformProblem(401, ErrorCode.TOKEN_INVALID, "登录令牌无效，请重新登录。")
    if clock.loaded(row.expires_at) <= clock.now():
        raise PlatformProblem(401, ErrorCode.TOKEN_EXPIRED, "登录令牌已过期，请重新获取。")
    terminal = s.get(Terminal, row.terminal_id)
    if terminal is None:
        raise PlatformProblem(401, ErrorCode.TOKEN_INVALID, "登录令牌无效，请重新登录。")
    if retired_for_good(terminal):
        raise refuse_retired()
    return principal_of(s, terminal, row.username)


def expire_all_tokens(s: Session) -> int:
    """Control switch: every token expires now (tests of re-login without waiting)."""
    past = clock.stored(clock.now() - timedelta(seconds=1))
    return s.execute(update(Token).values(expires_at=past)).rowcount

"""Opening the platform: the configured address, TLS settings, the terminal's bearer token,
and a transparent re-login with the terminal credential when the token has expired."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from app.actor import SYSTEM, Actor
from app.context import AppContext
from app.rules.problems import Problem, RuleError
from app.usecases.audit_integrity import terminal_public_key
from app.usecases.enrolment import (
    AssignedIdentity,
    FirstAdmin,
    abandon_enrolment,
    begin_enrolment,
    check_can_enrol,
    store_enrolment,
)
from app.usecases.registration import Registration, registration_for, save_registration, save_token
from app.usecases.sync_pull import LeasedBlock
from sync import contract as c
from sync.api import PlatformApi, _parse, china_naive
from sync.http import HttpSettings, PlatformError, PlatformHttp, PlatformProtocolError, PlatformRefused


class NotConfigured(RuleError):
    pass


def not_configured() -> NotConfigured:
    return NotConfigured(Problem("PLATFORM_NOT_CONFIGURED", "本终端尚未设置政务服务平台地址，目前仅离线工作。"))


def not_registered(url: str) -> NotConfigured:
    return NotConfigured(Problem("TERMINAL_NOT_REGISTERED",
                                 f"本终端尚未在平台 {url} 注册。请管理员运行 clerkdesk-admin enrol --platform {url} --code 注册码。"))


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_training_platform(ctx: AppContext, url: str) -> None:
    """A training terminal talks only to a platform on this machine (its local sandbox):
    never to a production platform."""
    if ctx.settings.get("training") != "1":
        return
    host = (urlsplit(url).hostname or "").lower()
    if host not in _LOOPBACK:
        raise RuleError(Problem("TRAINING_PLATFORM_NOT_LOCAL",
                                f"培训模式只能连接本机的培训平台，不能连接 {url}。", "platform_url"))


def http_settings(ctx: AppContext, **overrides: Any) -> HttpSettings:
    return HttpSettings(ca_bundle=ctx.settings.get("ca_bundle"), **overrides)


class _TerminalAuth:
    """Holds the current token; on a 401 gets a new one with the terminal credential."""

    def __init__(self, ctx: AppContext, reg: Registration):
        self.ctx, self.reg = ctx, reg
        self.token = reg.token
        self.api: PlatformApi | None = None

    def current(self) -> str:
        return self.token

    def renew(self) -> None:
        assert self.api is not None
        token, expires = self.api.terminal_token(self.reg.terminal_id, self.reg.terminal_secret)
        self.token = token
        save_token(self.ctx, self.reg.platform_url, token, expires)


def open_api(ctx: AppContext, platform_url: str | None = None, cancel: threading.Event | None = None,
             settings: HttpSettings | None = None,
             on_retry: Callable[[PlatformError], None] | None = None) -> PlatformApi:
    """A client for the configured (or given) platform, authenticated as this terminal;
    `on_retry` hears of each failed call that is about to be tried again."""
    url = (platform_url or ctx.settings.get("platform_url")).rstrip("/")
    if not url:
        raise not_configured()
    check_training_platform(ctx, url)
    reg = registration_for(ctx, url)
    if reg is None:
        raise not_registered(url)
    auth = _TerminalAuth(ctx, reg)
    api = PlatformApi(PlatformHttp(url, settings or http_settings(ctx), token=auth.current,
                                   reauthenticate=auth.renew, cancel=cancel, on_retry=on_retry))
    auth.api = api
    return api


def ensure_registered(ctx: AppContext, platform_url: str, enrolment_code: str = "",
                      settings: HttpSettings | None = None, again: bool = False) -> tuple[Registration, bool]:
    """Register this terminal with the platform unless it already is, with the enrolment code
    (注册码) the county's administrator hands out. (registration, newly)

    `again`: register even when a registration is stored — the demo platform does on every
    start, because a demo that once ran on another port (and re-registered there) would
    otherwise keep a secret the platform has replaced and lock every clerk out."""
    url = platform_url.rstrip("/")
    check_training_platform(ctx, url)
    reg = registration_for(ctx, url)
    if reg is not None and not again:
        return reg, False
    public_key = terminal_public_key(ctx)
    api = PlatformApi(PlatformHttp(url, settings or http_settings(ctx)))
    try:
        cred = api.register_terminal(ctx.settings.get("terminal_id"), ctx.settings.get("area_code"), ctx.settings.get("hall_name"),
                                     enrolment_code, public_key)
    finally:
        api.close()
    reg = Registration(url, cred.terminal_id, cred.terminal_secret, cred.token, cred.expires_at, cred.platform_key)
    return save_registration(ctx, SYSTEM, reg).value, True


def enrol(ctx: AppContext, actor: Actor, platform_url: str, code: str, admin: FirstAdmin | None = None,
          settings: HttpSettings | None = None, first_block_size: int = c.DEFAULT_FIRST_BLOCK_SIZE,
          again: bool = False) -> AssignedIdentity:
    """Enrol this terminal with a one-time code: the platform assigns its identity, credential
    and first number block; app.usecases.enrolment stores them (and the first local
    administrator) in one unit of work. What can be refused locally is refused BEFORE the
    code is spent. A code the platform does not know, or one already used, comes back as
    PlatformRefused (403 ENROLMENT_INVALID / ENROLMENT_USED; 429 ENROLMENT_RATE_LIMITED).
    `again`: re-enrol an enrolled terminal with a code issued to replace it (lost credential).

    Safe to repeat: the request id and the terminal's own secret are stored before the call
    (app.usecases.enrolment.begin_enrolment), so when the answer is lost (PlatformUnreachable)
    running it again with the same code gets the same identity; an enrolled terminal is told
    so and nothing is sent (ENROLMENT_ALREADY_DONE / TERMINAL_ALREADY_ENROLLED)."""
    check_can_enrol(ctx, admin, again, code)
    url = platform_url.strip().rstrip("/")
    if not url:
        raise not_configured()
    check_training_platform(ctx, url)
    pending = begin_enrolment(ctx, actor, url, code, again)
    # The key pair is made before the code is spent; the platform keeps its public half.
    body = c.TerminalRegistration(enrolment_code=code.strip(), first_block_size=first_block_size,
                                  request_id=pending.request_id, terminal_secret=pending.terminal_secret,
                                  public_key=terminal_public_key(ctx))
    http = PlatformHttp(url, settings or http_settings(ctx))
    try:
        got = _parse(c.TerminalRegistered, http.post(c.PATH_REGISTER_TERMINAL,
                                                     body.model_dump(mode="json", exclude_defaults=False), auth=False))
    except PlatformRefused as err:
        if err.platform_code in (c.ErrorCode.ENROLMENT_INVALID, c.ErrorCode.ENROLMENT_USED):
            abandon_enrolment(ctx, actor, pending)  # this code will never answer this request
        raise
    finally:
        http.close()
    if not (got.area_code and got.document_code and got.hall):
        raise PlatformProtocolError("平台没有为本终端分配身份（地区代码、文号代码、大厅）。正式终端须使用一次性注册码。")
    identity = AssignedIdentity(got.terminal_id, got.area_code, got.hall, got.window, got.desk, got.document_code,
                                got.county, got.review_body, got.court, got.replaces)
    block = got.number_block
    leased = LeasedBlock(block.year, block.first, block.last, block.lease_id) if block else None
    # The platform answers "" for the secret when the terminal chose its own (it always does now).
    reg = Registration(url, got.terminal_id, got.terminal_secret or pending.terminal_secret, got.token,
                       china_naive(got.expires_at), got.platform_key)
    return store_enrolment(ctx, actor, identity, reg, leased, admin, again, pending).value

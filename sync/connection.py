"""Opening the platform: the configured address, TLS settings, the terminal's bearer token,
and a transparent re-login with the terminal credential when the token has expired."""

from __future__ import annotations

import threading

from app.actor import SYSTEM
from app.context import AppContext
from app.rules.problems import Problem, RuleError
from app.usecases.registration import Registration, registration_for, save_registration, save_token
from sync.api import PlatformApi
from sync.http import HttpSettings, PlatformHttp


class NotConfigured(RuleError):
    pass


def not_configured() -> NotConfigured:
    return NotConfigured(Problem("PLATFORM_NOT_CONFIGURED", "本终端尚未设置政务服务平台地址，目前仅离线工作。"))


def not_registered(url: str) -> NotConfigured:
    return NotConfigured(Problem("TERMINAL_NOT_REGISTERED",
                                 f"本终端尚未在平台 {url} 注册。请管理员运行 clerkdesk-admin sync --once 完成注册。"))


def http_settings(ctx: AppContext, **overrides: float) -> HttpSettings:
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
             settings: HttpSettings | None = None) -> PlatformApi:
    """A client for the configured (or given) platform, authenticated as this terminal."""
    url = (platform_url or ctx.settings.get("platform_url")).rstrip("/")
    if not url:
        raise not_configured()
    reg = registration_for(ctx, url)
    if reg is None:
        raise not_registered(url)
    auth = _TerminalAuth(ctx, reg)
    api = PlatformApi(PlatformHttp(url, settings or http_settings(ctx), token=auth.current,
                                   reauthenticate=auth.renew, cancel=cancel))
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
    reg = registration_for(ctx, url)
    if reg is not None and not again:
        return reg, False
    api = PlatformApi(PlatformHttp(url, settings or http_settings(ctx)))
    try:
        cred = api.register_terminal(ctx.settings.get("terminal_id"), ctx.settings.get("area_code"), ctx.settings.get("hall_name"),
                                     enrolment_code)
    finally:
        api.close()
    reg = Registration(url, cred.terminal_id, cred.terminal_secret, cred.token, cred.expires_at)
    return save_registration(ctx, SYSTEM, reg).value, True

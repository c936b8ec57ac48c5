"""Logging in on a terminal with a platform: online first (then the credential is cached,
argon2, for offline use), offline against that cache when the platform cannot be reached.
A wrong password said by the platform is never retried offline.

Without a configured platform the terminal's own accounts are used (app.usecases.auth).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.actor import Actor
from app.context import AppContext
from app.rules.problems import Problem, RuleError
from app.usecases.auth import login as local_login
from app.usecases.credentials import NEVER_ONLINE, offline_login, remember_online_login
from sync.connection import NotConfigured, http_settings, open_api
from sync.http import AuthExpired, PlatformMaintenance, PlatformRefused, PlatformServerError, PlatformUnreachable

TERMINAL_LINK_BROKEN = ("本终端在政务服务平台的注册已失效（{code}），无法联网核对密码。"
                        "请管理员申请替换本终端的注册码后重新注册（clerkdesk-admin enrol --again）。")


def _offline_because(ctx: AppContext, username: str, password: str, why: str) -> LoginOutcome:
    try:
        actor = offline_login(ctx, username, password)
    except RuleError as err:
        if err.code == NEVER_ONLINE:  # say what is really wrong: the link, not this clerk
            raise RuleError(Problem("TERMINAL_LINK_BROKEN", why + "该账号从未在本机联网登录过，暂不能离线登录。")) from err
        raise
    return LoginOutcome(actor, "offline", why + "（已离线登录）")


# Short: the clerk is waiting at the login dialog (run it off the UI thread all the same). A
# platform that took the connection and then said nothing for 8 s is not asked again.
_CONNECT_S, _READ_S, _RETRIES = 3.05, 8.0, 1
LOGIN_HTTP = {"connect_timeout": _CONNECT_S, "read_timeout": _READ_S, "retries": _RETRIES, "retry_no_answer": False}
# The longest wait: every connection attempt timing out but the last, which connects and
# then gets no answer.
LONGEST_LOGIN_WAIT_S = _CONNECT_S * (1 + _RETRIES) + _READ_S
# Said to the clerk once the platform is slow to answer: how long until she is logged in offline.
SLOW_PLATFORM_NOTICE = (f"政务服务平台响应较慢，正在等待（最长约 {round(LONGEST_LOGIN_WAIT_S)} 秒）；"
                        "平台无应答时将按本机记录离线登录。")


@dataclass(frozen=True)
class LoginOutcome:
    actor: Actor
    mode: str  # online | offline | local
    notice: str = ""  # shown under the login box, e.g. why it was offline

    @property
    def online(self) -> bool:
        return self.mode == "online"


def login(ctx: AppContext, username: str, password: str) -> LoginOutcome:
    local_admin = ctx.settings.get("local_admin")
    if not ctx.settings.get("platform_url") or (local_admin and username.strip() == local_admin):
        # No platform, or the first local administrator made at enrolment: the platform does
        # not know that account, so it is always checked here.
        return LoginOutcome(local_login(ctx, username, password), "local")
    try:
        api = open_api(ctx, settings=http_settings(ctx, **LOGIN_HTTP))
    except NotConfigured as err:  # a platform address, but the terminal was never registered
        return LoginOutcome(offline_login(ctx, username, password), "offline", err.message)
    try:
        who = api.clerk_login(username.strip(), password)
    except (PlatformRefused, AuthExpired) as err:
        if err.platform_code == "LOGIN_FAILED":  # only the platform's own verdict blames the password
            raise RuleError(Problem("LOGIN_FAILED", "用户名或密码不正确（政务服务平台验证）。")) from err
        if err.status not in (401, 403):
            raise
        # The terminal's own credential was refused (replaced elsewhere, revoked): the link is
        # broken, not the password. Work goes on offline for clerks known here; the admin re-enrols.
        return _offline_because(ctx, username, password, TERMINAL_LINK_BROKEN.format(code=err.platform_code or err.code))
    except (PlatformUnreachable, PlatformMaintenance, PlatformServerError) as err:
        actor = offline_login(ctx, username, password)
        return LoginOutcome(actor, "offline", f"{err.message}（已离线登录）")
    finally:
        api.close()
    actor = remember_online_login(ctx, who.username, password, who.display_name, who.role, who.window_no)
    return LoginOutcome(actor, "online")

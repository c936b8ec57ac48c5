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
from app.usecases.credentials import offline_login, remember_online_login
from sync.connection import NotConfigured, http_settings, open_api
from sync.http import PlatformMaintenance, PlatformRefused, PlatformServerError, PlatformUnreachable

# Short: the clerk is waiting at the login dialog (run it off the UI thread all the same).
LOGIN_HTTP = {"connect_timeout": 3.05, "read_timeout": 8.0, "retries": 1}


@dataclass(frozen=True)
class LoginOutcome:
    actor: Actor
    mode: str  # online | offline | local
    notice: str = ""  # shown under the login box, e.g. why it was offline

    @property
    def online(self) -> bool:
        return self.mode == "online"


def login(ctx: AppContext, username: str, password: str) -> LoginOutcome:
    if not ctx.settings.get("platform_url"):
        return LoginOutcome(local_login(ctx, username, password), "local")
    try:
        api = open_api(ctx, settings=http_settings(ctx, **LOGIN_HTTP))
    except NotConfigured as err:  # a platform address, but the terminal was never registered
        return LoginOutcome(offline_login(ctx, username, password), "offline", err.message)
    try:
        who = api.clerk_login(username.strip(), password)
    except PlatformRefused as err:
        if err.status in (401, 403):
            raise RuleError(Problem("LOGIN_FAILED", "用户名或密码不正确（政务服务平台验证）。")) from err
        raise
    except (PlatformUnreachable, PlatformMaintenance, PlatformServerError) as err:
        actor = offline_login(ctx, username, password)
        return LoginOutcome(actor, "offline", f"{err.message}（已离线登录）")
    finally:
        api.close()
    actor = remember_online_login(ctx, who.username, password, who.display_name, who.role, who.window_no)
    return LoginOutcome(actor, "online")

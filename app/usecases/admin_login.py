"""Who runs an admin command (clerkdesk-admin): the person whose password it was given, checked
here on the terminal exactly as the login dialog checks it offline — argon2 hashes, the same
failed-login counter and lockout — so the command line is no way around a locked account.

Which accounts: the terminal's own (the local administrator made at enrolment; every account
of a demo or training terminal, or of one without a platform), else a platform account that
logged in online on this terminal before (its cached credential, which expires as offline
logins do). The command line never asks the platform: it must work with the link down.

Each command run is audited under that person's name (`admin.command`), refused ones too.
"""

from __future__ import annotations

from app.actor import Actor
from app.context import AppContext
from app.permissions import ROLE_LABELS, Perm, Role
from app.rules.problems import Problem, RuleError
from app.usecases.auth import login
from app.usecases.credentials import NEVER_ONLINE, offline_login
from app.usecases.terminal import DEMO, TRAINING, terminal_mode


def command_login(ctx: AppContext, username: str, password: str) -> Actor:
    """The person behind a command, or RuleError (LOGIN_FAILED, ACCOUNT_LOCKED, …), counted
    towards the lockout like a login at the window."""
    username = username.strip()
    local_admin = ctx.settings.get("local_admin")
    if (not ctx.settings.get("platform_url") or username == local_admin
            or terminal_mode(ctx) in (DEMO, TRAINING)):
        return login(ctx, username, password)
    try:
        return offline_login(ctx, username, password)
    except RuleError as err:
        if err.code != NEVER_ONLINE:
            raise
        hint = f"本机管理员账号（{local_admin}）" if local_admin else "本机管理员账号"
        raise RuleError(Problem(NEVER_ONLINE, f"管理命令只在本机核对密码：请使用{hint}，"
                                              "或先用该账号在窗口受理台联网登录一次。")) from None


def authorise_command(ctx: AppContext, username: str, password: str, command: str, needs: Perm | None,
                      detail: dict) -> Actor:
    """Log the person in and check they may run `command` (`needs` the permission it takes;
    None: only an administrator). Audited either way under their name."""
    actor = command_login(ctx, username, password)
    allowed = actor.can(needs) if needs is not None else actor.role == Role.ADMIN
    with ctx.unit_of_work(actor) as uow:
        uow.audit("admin.command" if allowed else "admin.command_refused", "command", command[:60],
                  {**detail, "role": actor.role.value})
    if not allowed:
        raise RuleError(Problem("PERMISSION_DENIED", f"账号 {actor.username}（{ROLE_LABELS[actor.role]}）无权执行"
                                                     f"“clerkdesk-admin {command}”。"))
    return actor

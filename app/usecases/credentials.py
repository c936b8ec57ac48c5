"""Logging in on a terminal connected to the platform (DESIGN.md §6).

Online: the platform checks the password; on success the terminal caches an argon2 hash of
it (and the clerk's role and name as the platform gave them), so the same clerk can log in
here while the network is down. Offline: only against that cache — a clerk who never logged
in online on this terminal is refused, with a message saying what to do.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.actor import SYSTEM, Actor
from app.context import AppContext
from app.permissions import PERSON_ROLES, Role
from app.rules.problems import Problem, RuleError
from app.storage.models import Clerk
from app.storage.sync_models import OnlineCredential
from app.unit_of_work import UnitOfWork
from app.usecases.auth import count_attempt, hash_password, locked_problem, verify_password

NEVER_ONLINE = "OFFLINE_LOGIN_NEVER_ONLINE"
EXPIRED = "OFFLINE_LOGIN_EXPIRED"


def remember_online_login(ctx: AppContext, username: str, password: str, display_name: str, role: str,
                          window_no: str = "") -> Actor:
    """The platform accepted `password`: cache its hash, create or update the local clerk
    (cases point at a local clerk row), and return the Actor. One transaction, audited."""
    try:
        role_value = Role(role)
        if role_value not in PERSON_ROLES:
            raise ValueError(role)
    except ValueError:
        raise RuleError(Problem("ROLE_UNKNOWN", f"平台返回的角色“{role}”本机不认识，请联系管理员。")) from None
    username = username.strip()
    password_hash = hash_password(password)
    with ctx.unit_of_work(SYSTEM) as uow:
        s, now = uow.session, uow.now
        clerk = s.scalars(select(Clerk).where(Clerk.username == username)).first()
        if clerk is None:
            clerk = Clerk(username=username, display_name=display_name, role=role_value.value,
                          password_hash=password_hash, window_no=window_no, created_at=now)
            s.add(clerk)
        else:
            clerk.display_name, clerk.role, clerk.password_hash, clerk.active = display_name, role_value.value, password_hash, True
            clerk.window_no = window_no or clerk.window_no
        s.flush()
        cred = s.get(OnlineCredential, username)
        if cred is None:
            s.add(OnlineCredential(username=username, password_hash=password_hash, display_name=display_name,
                                   role=role_value.value, window_no=clerk.window_no, last_online_login_at=now))
        else:
            cred.password_hash, cred.display_name, cred.role = password_hash, display_name, role_value.value
            cred.window_no, cred.last_online_login_at = clerk.window_no, now
        uow.audit("login.online", "clerk", username, {"role": role_value.value}, by=username)
    return Actor(clerk.id, clerk.username, clerk.display_name, role_value, clerk.window_no)


def offline_login(ctx: AppContext, username: str, password: str) -> Actor:
    """Log in while the platform cannot be reached, against the credential cached at the
    clerk's last online login on this terminal. Audited either way."""
    username = username.strip()
    with ctx.unit_of_work(SYSTEM) as uow:
        s = uow.session
        cred = s.get(OnlineCredential, username)
        clerk = s.scalars(select(Clerk).where(Clerk.username == username)).first()
        problem = locked_problem(clerk, uow.now) or _offline_problem(uow, cred, clerk, password)
        if problem is None or problem.code == "LOGIN_FAILED":
            count_attempt(uow, clerk, problem is None)
        uow.audit("login.offline" if problem is None else "login.offline_refused", "clerk", username[:40],
                  {"code": problem.code if problem else ""}, by=username[:40] or "?")
    if problem is not None:
        raise RuleError(problem)
    return Actor(clerk.id, clerk.username, cred.display_name, Role(cred.role), clerk.window_no)


def _offline_problem(uow: UnitOfWork, cred: OnlineCredential | None, clerk: Clerk | None, password: str) -> Problem | None:
    if cred is None or clerk is None:
        return Problem(NEVER_ONLINE, "无法连接政务服务平台，且该账号从未在本机联网登录过，不能离线登录。"
                                     "请在网络恢复后登录一次，之后断网时也可在本机登录。")
    if not verify_password(cred.password_hash, password) or not clerk.active:
        return Problem("LOGIN_FAILED", "用户名或密码不正确。")
    days = uow.settings.int("offline_login_days")
    if uow.now - cred.last_online_login_at > timedelta(days=days):
        return Problem(EXPIRED, f"该账号已超过 {days} 天未联网登录，离线登录已失效。请在网络恢复后联网登录一次。")
    return None


def has_online_credential(ctx: AppContext, username: str) -> bool:
    with ctx.read() as s:
        return s.get(OnlineCredential, username.strip()) is not None

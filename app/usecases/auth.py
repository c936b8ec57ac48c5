"""Local accounts: argon2 password hashes, login returns the Actor every use case needs."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from app.actor import SYSTEM, Actor
from app.changes import OpResult
from app.context import AppContext
from app.permissions import PERSON_ROLES, Perm, Role
from app.rules.problems import Problem, RuleError
from app.storage.models import Clerk
from app.unit_of_work import UnitOfWork

_hasher = PasswordHasher()
_LOGIN_FAILED = Problem("LOGIN_FAILED", "用户名或密码不正确。")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _actor(c: Clerk) -> Actor:
    return Actor(c.id, c.username, c.display_name, Role(c.role), c.window_no)


MAX_FAILED_LOGINS = 5  # wrong passwords in a row before the account locks
LOCK_MINUTES = 15


def locked_problem(clerk: Clerk | None, now: datetime) -> Problem | None:
    if clerk is not None and clerk.locked_until is not None and now < clerk.locked_until:
        return Problem("ACCOUNT_LOCKED", f"该账号因连续{MAX_FAILED_LOGINS}次输错密码已锁定，请于 "
                                         f"{clerk.locked_until:%H:%M} 后再试，或请值班主任解锁。")
    return None


def count_attempt(uow: UnitOfWork, clerk: Clerk | None, ok: bool) -> None:
    """A wrong password counts; the fifth in a row locks the account for LOCK_MINUTES (audited)."""
    if clerk is None:
        return
    if ok:
        clerk.failed_logins, clerk.locked_until = 0, None
        return
    clerk.failed_logins = (clerk.failed_logins or 0) + 1
    if clerk.failed_logins >= MAX_FAILED_LOGINS:
        clerk.locked_until = uow.now + timedelta(minutes=LOCK_MINUTES)
        uow.audit("login.locked", "clerk", clerk.username, {"failed": clerk.failed_logins,
                                                            "until": clerk.locked_until.isoformat()})


def login(ctx: AppContext, username: str, password: str) -> Actor:
    # The terminal checks the password; the audit names who tried.
    with ctx.unit_of_work(SYSTEM) as uow:
        s = uow.session
        clerk = s.scalars(select(Clerk).where(Clerk.username == username.strip())).first()
        locked = locked_problem(clerk, uow.now)
        ok = locked is None and clerk is not None and clerk.active and verify_password(clerk.password_hash, password)
        uow.audit("login.success" if ok else "login.failed", "clerk", username.strip()[:40],
                  {"locked": True} if locked else {}, by=username.strip()[:40] or "?")
        if locked is None:
            count_attempt(uow, clerk, ok)
        if ok and _hasher.check_needs_rehash(clerk.password_hash):
            clerk.password_hash = hash_password(password)
    if locked is not None:
        raise RuleError(locked)
    if not ok:
        raise RuleError(_LOGIN_FAILED)
    return _actor(clerk)


def unlock_account(ctx: AppContext, actor: Actor, username: str) -> OpResult[str]:
    """A supervisor (or the administrator) unlocks a clerk locked out by wrong passwords."""
    actor.require(Perm.ACCOUNT_UNLOCK)
    with ctx.unit_of_work(actor) as uow:
        clerk = uow.session.scalars(select(Clerk).where(Clerk.username == username.strip())).first()
        if clerk is None:
            raise RuleError(Problem("CLERK_UNKNOWN", f"本机没有用户名为 {username.strip()} 的账号。", "username"))
        clerk.failed_logins, clerk.locked_until = 0, None
        uow.audit("login.unlock", "clerk", clerk.username, {})
        uow.changes.clerks = True
    return OpResult(clerk.username, uow.changes.freeze())


def create_clerk(
    ctx: AppContext, actor: Actor, username: str, display_name: str, role: Role, password: str, window_no: str = ""
) -> OpResult[Actor]:
    actor.require(Perm.CLERK_MANAGE)
    if Role(role) not in PERSON_ROLES:
        raise RuleError(Problem("ROLE_NOT_FOR_PERSON", "这个角色不能分配给工作人员账号。", "role"))
    if len(password) < 8:
        raise RuleError(Problem("PASSWORD_TOO_SHORT", "密码至少8位。", "password"))
    with ctx.unit_of_work(actor) as uow:
        clerk = add_clerk(uow, username, display_name, role, password, window_no)
    return OpResult(_actor(clerk), uow.changes.freeze())


def add_clerk(uow: UnitOfWork, username: str, display_name: str, role: Role, password: str,
              window_no: str = "") -> Clerk:
    """Inside the caller's unit of work (first start adds all its accounts in one)."""
    uow.actor.require(Perm.CLERK_MANAGE)
    s = uow.session
    if s.scalars(select(Clerk).where(Clerk.username == username)).first():
        raise RuleError(Problem("CLERK_EXISTS", f"用户名 {username} 已存在。", "username"))
    clerk = Clerk(username=username, display_name=display_name, role=Role(role).value,
                  password_hash=hash_password(password), window_no=window_no, created_at=uow.now)
    s.add(clerk)
    s.flush()
    uow.audit("clerk.create", "clerk", username, {"role": Role(role).value, "display_name": display_name,
                                                 "window_no": window_no})
    uow.changes.clerks = True
    return clerk

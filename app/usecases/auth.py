"""Local accounts: argon2 password hashes, login returns the Actor every use case needs."""

from __future__ import annotations

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


def login(ctx: AppContext, username: str, password: str) -> Actor:
    # The terminal checks the password; the audit names who tried.
    with ctx.unit_of_work(SYSTEM) as uow:
        s = uow.session
        clerk = s.scalars(select(Clerk).where(Clerk.username == username.strip())).first()
        ok = clerk is not None and clerk.active and verify_password(clerk.password_hash, password)
        uow.audit("login.success" if ok else "login.failed", "clerk", username.strip()[:40], {},
                  by=username.strip()[:40] or "?")
        if ok and _hasher.check_needs_rehash(clerk.password_hash):
            clerk.password_hash = hash_password(password)
    if not ok:
        raise RuleError(_LOGIN_FAILED)
    return _actor(clerk)


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

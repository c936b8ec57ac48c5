"""Enrolment: the identity the platform assigned this terminal (terminal id, hall or station,
window, area code, document-number code), its credential, its first block of case numbers and
the first local administrator — stored in ONE unit of work, so a terminal is either enrolled
whole or not at all. The HTTP side is sync/connection.py `enrol`; this module knows no HTTP.

A terminal enrols once, on a fresh data directory. A replaced PC is a new terminal (a new
data directory and a new one-time code naming the old terminal); see sync/contract/
"Re-enrolment". `again` re-enrols THIS data directory with such a code (its credential was
lost or revoked): it becomes the successor of its old self — a new terminal id and document
code, its local cases and queued events kept, the platform letting it act on them.

A lost answer wastes nothing: `begin_enrolment` makes the request id and the terminal's own
secret and stores them ("enrolment pending") BEFORE the code goes to the platform; a retry
with the same code sends the same request, and the platform answers it with the same identity
(sync/contract "Authentication"). `store_enrolment` clears the pending request in the same
transaction that makes the terminal enrolled. Running enrolment again on an enrolled terminal
is refused before anything is sent, saying so (ENROLMENT_ALREADY_DONE for the same code).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from app.actor import Actor
from app.changes import OpResult
from app.context import AppContext
from app.permissions import Perm, Role
from app.rules.case_number import number_prefix
from app.rules.problems import Problem, RuleError
from app.storage.models import Clerk, NumberBlock
from app.storage.sync_models import PlatformRegistration
from app.usecases.auth import hash_password
from app.usecases.registration import Registration, pin_registered_keys
from app.usecases.sync_pull import LeasedBlock

MIN_PASSWORD = 8


@dataclass(frozen=True)
class AssignedIdentity:
    """What the platform assigned at enrolment (contract TerminalRegistered)."""

    terminal_id: str
    area_code: str
    hall: str
    window: str
    desk: str
    document_code: str
    county: str = ""
    review_body: str = ""
    court: str = ""
    replaces: str = ""


@dataclass(frozen=True)
class FirstAdmin:
    """The first local administrator, created at enrolment (password from a file or the
    first-run screen, never from a command line)."""

    username: str
    display_name: str
    password: str


@dataclass(frozen=True)
class PendingEnrolment:
    """An enrolment request made (and kept on disk) before it was sent."""

    request_id: str
    terminal_secret: str  # the terminal's own credential, sent once with the request
    code_hash: str
    platform_url: str
    again: bool = False


def code_hash(code: str) -> str:
    """The one-time code is a credential until used: only its hash is kept."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def pending_enrolment(ctx: AppContext) -> PendingEnrolment | None:
    raw = ctx.settings.get("enrolment_pending")
    if not raw:
        return None
    try:
        return PendingEnrolment(**json.loads(raw))
    except (ValueError, TypeError):
        return None  # unreadable: a new request (the code may then be refused as used)


def begin_enrolment(ctx: AppContext, actor: Actor, platform_url: str, code: str,
                    again: bool = False) -> PendingEnrolment:
    """The request to send: the pending one when it was for this code and platform (its answer
    was lost), else a new one — stored before the caller sends it."""
    actor.require(Perm.SYNC_CONFIGURE)
    url, hashed = platform_url.strip().rstrip("/"), code_hash(code)
    earlier = pending_enrolment(ctx)
    if earlier is not None and (earlier.code_hash, earlier.platform_url, earlier.again) == (hashed, url, again):
        return earlier
    pending = PendingEnrolment(str(uuid.uuid4()), secrets.token_urlsafe(32), hashed, url, again)
    with ctx.unit_of_work(actor) as uow:
        uow.put_setting("enrolment_pending", json.dumps(pending.__dict__))
        uow.audit("terminal.enrolment_request", "terminal", pending.request_id,
                  {"platform": url, "again": again, "replaces_pending": earlier.request_id if earlier else ""})
    return pending


def abandon_enrolment(ctx: AppContext, actor: Actor, pending: PendingEnrolment) -> None:
    """The platform refused the code for good (unknown, used by another request): the
    pending request is of no use any more."""
    if pending_enrolment(ctx) != pending:
        return
    with ctx.unit_of_work(actor) as uow:
        uow.put_setting("enrolment_pending", "")
        uow.audit("terminal.enrolment_refused", "terminal", pending.request_id, {"platform": pending.platform_url})


def check_can_enrol(ctx: AppContext, admin: FirstAdmin | None = None, again: bool = False, code: str = "") -> None:
    """Everything that can be refused before the one-time code is spent on the platform."""
    problems = []
    s = ctx.settings
    if s.get("enrolled_at") and not again:
        if code and s.get("enrolment_code_hash") == code_hash(code):
            # The admin (or a script) ran the same enrolment twice: nothing to do, identity unchanged.
            raise RuleError(Problem("ENROLMENT_ALREADY_DONE",
                                    f"本终端已用这个注册码注册为 {s.get('terminal_id')}，无需再次注册；终端身份没有改变。"))
        problems.append(Problem("TERMINAL_ALREADY_ENROLLED",
                                f"本终端已注册为 {s.get('terminal_id')}，不会再注册第二个终端身份（这个注册码没有使用，"
                                "仍可用于其他电脑）。更换电脑请在新电脑（新的数据目录）上用新的注册码注册。"))
    if s.get("demo") == "1" or s.get("training") == "1":
        problems.append(Problem("DATA_DIR_IS_DEMO",
                                "这个数据目录是演示或培训用的，不能注册为正式终端。请使用新的数据目录。"))
    if admin is not None:
        if not admin.username.strip() or not admin.username.strip().isascii() or " " in admin.username.strip():
            problems.append(Problem("ADMIN_USERNAME_INVALID", "管理员用户名应为字母、数字组成，不含空格。", "admin_username"))
        if len(admin.password) < MIN_PASSWORD:
            problems.append(Problem("PASSWORD_TOO_SHORT", f"管理员密码至少{MIN_PASSWORD}位。", "admin_password"))
    if problems:
        raise RuleError(problems)


def store_enrolment(ctx: AppContext, actor: Actor, identity: AssignedIdentity, reg: Registration,
                    block: LeasedBlock | None, admin: FirstAdmin | None = None,
                    again: bool = False, pending: PendingEnrolment | None = None) -> OpResult[AssignedIdentity]:
    """Keep what the platform assigned: identity settings (production mode), the credential,
    the first number block and the first local administrator — one transaction, which also
    ends the pending request that brought the answer."""
    actor.require(Perm.SYNC_CONFIGURE)
    if admin is not None:
        actor.require(Perm.CLERK_MANAGE)
    check_can_enrol(ctx, admin, again)
    if again and identity.replaces != ctx.settings.get("terminal_id"):
        raise RuleError(Problem("REENROLMENT_CODE_MISMATCH",
                                f"重新注册本终端须使用替换 {ctx.settings.get('terminal_id')} 的注册码。"))
    if ctx.settings.get("local_admin"):
        admin = None  # re-enrolment keeps the administrator it has
    url = reg.platform_url.rstrip("/")
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        values = {
            "terminal_id": identity.terminal_id, "area_code": identity.area_code, "hall_name": identity.hall,
            "window_name": identity.window, "desk": identity.desk, "document_code": identity.document_code,
            "county": identity.county, "review_body": identity.review_body, "court": identity.court,
            "platform_url": url, "demo": "0", "enrolled_at": uow.now.isoformat(timespec="seconds"),
        }
        if pending is not None:
            values.update(enrolment_pending="", enrolment_code_hash=pending.code_hash)
        if admin is not None:
            values["local_admin"] = admin.username.strip()
        for key, value in values.items():
            uow.put_setting(key, value)
        row = s.scalars(select(PlatformRegistration).where(PlatformRegistration.platform_url == url)).first()
        if row is None:
            row = PlatformRegistration(platform_url=url, registered_at=uow.now)
            s.add(row)
        row.terminal_id, row.terminal_secret = identity.terminal_id, reg.terminal_secret
        row.token, row.token_expires_at, row.registered_at = reg.token, reg.token_expires_at, uow.now
        pin_registered_keys(row, reg, uow.now)
        if block is not None:
            s.add(NumberBlock(prefix=number_prefix(identity.area_code, block.year), first=block.first, last=block.last,
                              next=block.first, source="platform", leased_at=uow.now))
        if admin is not None:
            name = admin.username.strip()
            if s.scalar(select(func.count()).select_from(Clerk).where(Clerk.username == name)):
                raise RuleError(Problem("CLERK_EXISTS", f"用户名 {name} 已存在。", "admin_username"))
            s.add(Clerk(username=name, display_name=admin.display_name.strip() or "本机管理员", role=Role.ADMIN.value,
                        password_hash=hash_password(admin.password), window_no="信息中心", created_at=uow.now))
            uow.changes.clerks = True
        # The secret and token stay out of the audit log (supervisors read it).
        uow.audit("terminal.enrol", "terminal", identity.terminal_id, {
            "platform": url, "hall": identity.hall, "window": identity.window, "desk": identity.desk,
            "area_code": identity.area_code, "document_code": identity.document_code, "replaces": identity.replaces,
            "first_block": [block.first, block.last] if block else None,
            "first_admin": admin.username.strip() if admin else "",
            "request_id": pending.request_id if pending else "", "platform_key": reg.platform_key})
    return OpResult(identity, uow.changes.freeze())


def needs_first_admin(ctx: AppContext) -> bool:
    """An enrolled terminal whose first local administrator was not set at enrolment (an
    unattended `clerkdesk-admin enrol` without a password file): the first-run screen asks."""
    return bool(ctx.settings.get("enrolled_at")) and not ctx.settings.get("local_admin")


def create_first_admin(ctx: AppContext, actor: Actor, admin: FirstAdmin) -> OpResult[str]:
    """The first local administrator of an enrolled terminal, once."""
    actor.require(Perm.CLERK_MANAGE)
    problems = []
    if not needs_first_admin(ctx):
        problems.append(Problem("FIRST_ADMIN_EXISTS" if ctx.settings.get("local_admin") else "TERMINAL_NOT_ENROLLED",
                                "本终端已有本机管理员。" if ctx.settings.get("local_admin") else "本终端尚未注册。"))
    name = admin.username.strip()
    if not name or not name.isascii() or " " in name:
        problems.append(Problem("ADMIN_USERNAME_INVALID", "管理员用户名应为字母、数字组成，不含空格。", "admin_username"))
    if len(admin.password) < MIN_PASSWORD:
        problems.append(Problem("PASSWORD_TOO_SHORT", f"管理员密码至少{MIN_PASSWORD}位。", "admin_password"))
    if problems:
        raise RuleError(problems)
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        if s.scalar(select(func.count()).select_from(Clerk).where(Clerk.username == name)):
            raise RuleError(Problem("CLERK_EXISTS", f"用户名 {name} 已存在。", "admin_username"))
        s.add(Clerk(username=name, display_name=admin.display_name.strip() or "本机管理员", role=Role.ADMIN.value,
                    password_hash=hash_password(admin.password), window_no="信息中心", created_at=uow.now))
        uow.put_setting("local_admin", name)
        uow.audit("clerk.create", "clerk", name, {"role": Role.ADMIN.value, "first_admin": True})
        uow.changes.clerks = True
    return OpResult(name, uow.changes.freeze())

"""The terminal's registration with the platform: address, terminal id, its own credential
(to get a new token when one expires) and the current bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.actor import SYSTEM, Actor
from app.changes import OpResult
from app.context import AppContext
from app.permissions import Perm
from app.storage.sync_models import PlatformRegistration


@dataclass(frozen=True)
class Registration:
    platform_url: str
    terminal_id: str
    terminal_secret: str
    token: str
    token_expires_at: datetime | None
    platform_key: str = ""  # the platform's signing key (audit receipts), pinned when given


def _view(r: PlatformRegistration) -> Registration:
    return Registration(r.platform_url, r.terminal_id, r.terminal_secret, r.token, r.token_expires_at, r.platform_key)


def registration_for(ctx: AppContext, platform_url: str | None = None) -> Registration | None:
    """The registration with `platform_url` (default: the configured platform), if any."""
    url = (platform_url if platform_url is not None else ctx.settings.get("platform_url")).rstrip("/")
    if not url:
        return None
    with ctx.read() as s:
        row = s.scalars(select(PlatformRegistration).where(PlatformRegistration.platform_url == url)).first()
        return _view(row) if row else None


def save_registration(ctx: AppContext, actor: Actor, reg: Registration) -> OpResult[Registration]:
    """Store (or replace, on re-registration) the terminal's registration with a platform."""
    actor.require(Perm.SYNC_CONFIGURE)
    url = reg.platform_url.rstrip("/")
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        row = s.scalars(select(PlatformRegistration).where(PlatformRegistration.platform_url == url)).first()
        if row is None:
            row = PlatformRegistration(platform_url=url, registered_at=uow.now)
            s.add(row)
        row.terminal_id, row.terminal_secret = reg.terminal_id, reg.terminal_secret
        row.token, row.token_expires_at, row.registered_at = reg.token, reg.token_expires_at, uow.now
        pin_registered_keys(row, reg, uow.now)
        # The secret and token stay out of the audit log: it is readable by supervisors.
        uow.audit("platform.register", "platform", url, {"terminal_id": reg.terminal_id,
                                                         "platform_key": reg.platform_key})
    return OpResult(_view(row))


def pin_registered_keys(row: PlatformRegistration, reg: Registration, now: datetime) -> None:
    """A registration that sent this terminal's public key and got the platform's back: the
    platform key is pinned and the terminal's key counts as registered. (A registration with a
    code is the administrator's act of trust, so it may replace a pinned key; a sync may not —
    app/usecases/audit_integrity.py pin_platform_key.)"""
    if reg.platform_key:
        row.platform_key, row.key_registered_at = reg.platform_key, now
    else:
        row.key_registered_at = None  # registered again without a key: register it at the next sync


def save_token(ctx: AppContext, platform_url: str, token: str, expires_at: datetime | None) -> None:
    """A fresh bearer token after the old one expired (re-login with the terminal credential)."""
    with ctx.unit_of_work(SYSTEM) as uow:
        row = uow.session.scalars(select(PlatformRegistration)
                                  .where(PlatformRegistration.platform_url == platform_url.rstrip("/"))).first()
        if row is None:
            return
        row.token, row.token_expires_at = token, expires_at
        uow.audit("platform.token", "platform", row.platform_url,
                  {"expires_at": expires_at.isoformat() if expires_at else ""})

"""Who is acting: passed to every unit of work and checked against app.permissions.

Never None: the terminal's own automatic steps act as SYSTEM, what the platform reports acts
as PLATFORM — both roles in the one permission table."""

from __future__ import annotations

from dataclasses import dataclass

from app.permissions import Perm, Role, can, require


@dataclass(frozen=True)
class Actor:
    clerk_id: int
    username: str
    display_name: str
    role: Role
    window_no: str = ""

    def require(self, perm: Perm) -> None:
        require(self.role, perm)

    def can(self, perm: Perm) -> bool:
        return can(self.role, perm)

    @property
    def is_person(self) -> bool:
        return self.role not in (Role.SYSTEM, Role.PLATFORM)


SYSTEM = Actor(0, "system", "本终端系统", Role.SYSTEM)
PLATFORM = Actor(0, "platform", "政务服务平台", Role.PLATFORM)

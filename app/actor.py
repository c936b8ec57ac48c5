"""Who is acting: passed to every use case and checked against app.permissions."""

from __future__ import annotations

from dataclasses import dataclass

from app.permissions import Perm, Role, require


@dataclass(frozen=True)
class Actor:
    clerk_id: int
    username: str
    display_name: str
    role: Role
    window_no: str = ""

    def require(self, perm: Perm) -> None:
        require(self.role, perm)


# Automatic transitions (deemed acceptance) are recorded under this name, not a person's.
SYSTEM_USERNAME = "system"

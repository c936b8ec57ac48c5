"""What a use case changed, so views refresh only what they show (cf. Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    cases: frozenset[str] = frozenset()  # case numbers touched
    catalog: bool = False
    outbox: bool = False
    clerks: bool = False
    settings: bool = False
    numbers: bool = False  # official case numbers came or went (a leased block, demo numbers retired)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.cases | other.cases,
            self.catalog or other.catalog,
            self.outbox or other.outbox,
            self.clerks or other.clerks,
            self.settings or other.settings,
            self.numbers or other.numbers,
        )

    @property
    def empty(self) -> bool:
        return not (self.cases or self.catalog or self.outbox or self.clerks or self.settings or self.numbers)


@dataclass(frozen=True)
class OpResult(Generic[T]):
    value: T
    changes: Changes = field(default_factory=Changes)

"""How a rule reports bad input: a code for the log, a sentence in Chinese for the clerk."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str  # stable, English, for logs and tests, e.g. "ID_CHECKSUM"
    message: str  # Simplified Chinese, shown to the clerk as is
    field: str = ""  # which input it is about, e.g. "id_number"


class RuleError(Exception):
    """Raised by use cases when input breaks a rule; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(f"{p.code}: {p.message}" for p in self.problems))

    @property
    def code(self) -> str:
        return self.problems[0].code if self.problems else "RULE"

    @property
    def message(self) -> str:
        return "；".join(p.message for p in self.problems)

"""How a rule reports bad input: a code for the log, a sentence in Chinese for the clerk."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str  # stable, English, for logs and tests, e.g. "ID_CHECKSUM"
    message: str  # Simplified Chinese, shown to the clerk as is
    field: str = ""  # which input it is about, e.g. "id_number"


def join_messages(messages: list[str]) -> str:
    """Several sentences as one, without "。；" between them."""
    if len(messages) == 1:
        return messages[0]
    parts = [m.rstrip("。；") for m in messages]
    return "；".join(parts) + "。"


class ClerkDeskError(Exception):
    """Every failure the clerk may be told about: `code` for the log, `message` for the screen."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message

    def as_problem(self) -> Problem:
        """The first (or only) thing wrong, as a Problem for reports and the status bar."""
        return Problem(self.code, self.message)


class RuleError(ClerkDeskError):
    """Raised by use cases when input breaks a rule; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        code = self.problems[0].code if self.problems else "RULE"
        super().__init__(code, join_messages([p.message for p in self.problems]))
        self.args = ("; ".join(f"{p.code}: {p.message}" for p in self.problems),)

    def as_problem(self) -> Problem:
        return self.problems[0] if self.problems else Problem(self.code, self.message)

"""Errors by kind. Each carries a code for the log and a sentence in Chinese for the clerk;
the screens show `message` and never an exception's class or SQL.

- RuleError (app.rules.problems): the input breaks a rule — shown at the field.
- StorageError: the local database could not do it (disk full, busy, failed migration).
- PlatformError (sync/http.py subclasses ClerkDeskError): the platform link failed.
"""

from __future__ import annotations

from app.rules.problems import ClerkDeskError, RuleError

__all__ = ["ClerkDeskError", "RuleError", "StorageError"]


class StorageError(ClerkDeskError):
    """The local store refused: the work on screen is kept, nothing half-saved."""

    def __init__(self, code: str, message: str, detail: str = ""):
        super().__init__(code, message)
        self.detail = detail  # for the log only (may hold SQL or a path)

"""Logs never hold a citizen's ID number or phone number (DESIGN.md §6a, issue 12 part 5).

`PersonalDataFilter` masks every 18/15-digit ID number and every phone number in a record —
its message with the arguments merged in, its traceback and stack — before any handler
writes it. It goes on the handlers (`install_personal_data_filter`), not on a logger: a
logger's filters never see the records its children pass up.
"""

from __future__ import annotations

import logging

from app.rules.text import mask_personal_data

__all__ = ["PersonalDataFilter", "install_personal_data_filter"]

_FORMATTER = logging.Formatter()


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the formatter's business, not ours
            message = str(record.msg)
        masked = mask_personal_data(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


def install_personal_data_filter(logger: logging.Logger | None = None) -> PersonalDataFilter:
    """Put the filter on every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    found = next((f for h in target.handlers for f in h.filters if isinstance(f, PersonalDataFilter)), None)
    f = found or PersonalDataFilter()
    for handler in target.handlers:
        if f not in handler.filters:
            handler.addFilter(f)
    return f

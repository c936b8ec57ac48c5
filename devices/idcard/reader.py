"""The one interface every ID card reader driver offers."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from devices.idcard.model import IdCard

DEFAULT_READ_TIMEOUT_S = 5.0


@runtime_checkable
class IdCardReader(Protocol):
    """`read` blocks until a card is read or `timeout_s` has passed, so callers run it off the
    UI thread. It raises `DeviceError` (never returns None): IDCARD_NO_CARD when the reader
    answered but no card was put on it in time, IDCARD_TIMEOUT when the reader did not answer,
    DEVICE_GONE when it disappeared. `close` releases the port and cancels a read in progress
    (that read raises DEVICE_CLOSED); a later `read` opens the port again."""

    def read(self, timeout_s: float = DEFAULT_READ_TIMEOUT_S) -> IdCard: ...

    def close(self) -> None: ...

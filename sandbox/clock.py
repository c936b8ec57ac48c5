"""Time on the platform: Beijing time, stored naive, sent with +08:00 (sync.contract)."""

from __future__ import annotations

from datetime import date, datetime, time

from sync.contract import CHINA


def now() -> datetime:
    """Aware, Beijing time."""
    return datetime.now(CHINA)


def stored(value: datetime) -> datetime:
    """For a DateTime column: naive Beijing time."""
    aware = value.replace(tzinfo=CHINA) if value.tzinfo is None else value
    return aware.astimezone(CHINA).replace(tzinfo=None)


def loaded(value: datetime) -> datetime:
    """From a DateTime column: aware again."""
    return value.replace(tzinfo=CHINA) if value.tzinfo is None else value


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, CHINA)

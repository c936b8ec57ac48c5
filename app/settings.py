"""The terminal's settings: one table of defaults, one way to read them.

A `Settings` is an immutable snapshot taken at the start of a unit of work, so a use case sees
one consistent configuration from its first line to its commit. Writing a setting inside a
unit of work makes the context refresh its snapshot after the commit (app/unit_of_work.py):
nobody reloads by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

# The terminal's identity. Outside demo and training the platform assigns it at enrolment
# (app/usecases/enrolment.py); nothing identifying has a built-in default: an unenrolled
# production terminal reads "" for each of these.
IDENTITY_KEYS = ("terminal_id", "area_code", "county", "hall_name", "window_name", "desk", "review_body", "court",
                 "document_code", "enrolled_at")

# Identity of the demo terminal: what a fresh demo install (and the training room) starts with.
DEMO_IDENTITY = {
    "terminal_id": "YC-ZWFW-DEMO-01",
    "area_code": "620321",
    "county": "永昌县",
    "hall_name": "永昌县政务服务中心",
    "review_body": "永昌县人民政府",
    "court": "永昌县人民法院",
    "document_code": "01",  # what the demo's 文号 always carried (the last two digits of its id)
    "demo": "1",
}

# Every setting a terminal knows, with its default. A key not here is refused when written.
DEFAULTS: dict[str, str] = {
    **{key: "" for key in IDENTITY_KEYS},
    "desk": "window",  # "pickup": the hall's 发证窗口 (the platform serves it the hall's cases)
    "demo": "0",  # "1": demo data and demo accounts (app/usecases/setup.py)
    "training": "0",  # "1": the training room's separate database (clerkdesk --training)
    "training_banner": "",  # shown on every screen in training mode
    "local_admin": "",  # the first local administrator made at enrolment: always checked locally
    # An enrolment sent but not answered yet (JSON: request id, the terminal's own secret, the
    # code's hash, platform): a retry with the same code asks for the same answer (enrolment.py).
    "enrolment_pending": "",
    "enrolment_code_hash": "",  # sha256 of the code this terminal enrolled with: running it twice is told so
    "window_phone": "",
    "progress_url_template": "",
    "supplement_workdays": "10",  # what the one-time notice gives the applicant; the hall decides
    "idle_lock_minutes": "5",  # the window locks itself (hiding every personal detail) after this idle time
    "devices": "",  # JSON of the counter's devices (ID reader, camera); "" = the mode's default
    # the platform link
    "platform_url": "",
    "sync_interval_seconds": "30",
    "sync_batch_size": "500",
    "number_low_mark": "200",  # lease the next block when fewer numbers than this remain
    "number_block_size": "1000",  # numbers asked for per lease: days of offline work at a busy window
    "number_lease_ahead_days": "31",  # lease next year's block this many days before 1 January
    "offline_login_days": "30",  # a cached credential is good this long after the last online login
    "ca_bundle": "",  # CA bundle for the platform's TLS certificate ("" = system default)
}

# Settings an administrator may change one by one (platform link and its tuning).
SYNC_KEYS = ("platform_url", "sync_interval_seconds", "sync_batch_size", "number_low_mark", "number_block_size",
             "number_lease_ahead_days", "offline_login_days", "ca_bundle")
NUMERIC_KEYS = frozenset(k for k in SYNC_KEYS if k not in ("platform_url", "ca_bundle")) | {"supplement_workdays",
                                                                                         "idle_lock_minutes"}


@dataclass(frozen=True)
class Settings(Mapping[str, str]):
    """What is stored, over the defaults. Printer and calibration keys (free-form, per
    printer) have no default and read as ""."""

    stored: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str | None = None) -> str:  # type: ignore[override]
        if key in self.stored:
            return self.stored[key]
        return DEFAULTS.get(key, "" if default is None else default)

    def int(self, key: str) -> int:
        """A numeric setting; a stored value that is not a number falls back to the default."""
        try:
            return int(self.get(key))
        except ValueError:
            return int(DEFAULTS[key])

    def __getitem__(self, key: str) -> str:
        return self.get(key)

    def __iter__(self) -> Iterator[str]:
        return iter(DEFAULTS.keys() | self.stored.keys())

    def __len__(self) -> int:
        return len(DEFAULTS.keys() | self.stored.keys())

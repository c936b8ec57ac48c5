"""Shared fixtures: a terminal on a temporary data directory with a clock the test controls."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Database keys of test terminals live in a throw-away folder, never in the user's config dir
# (subprocesses inherit it).
if "CLERKDESK_KEY_DIR" not in os.environ:
    import tempfile

    os.environ["CLERKDESK_KEY_DIR"] = tempfile.mkdtemp(prefix="clerkdesk-test-keys-")
# A command run without --data-dir (clerkdesk-admin due-date) must not open — or encrypt, or
# upgrade — the real user's terminal on this machine: it gets a throw-away one.
if "CLERKDESK_DATA_DIR" not in os.environ:
    import tempfile

    os.environ["CLERKDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="clerkdesk-test-data-")

# The real sandbox platform as fixtures `sandbox` / `sandbox_module` (a subprocess on 127.0.0.1).
pytest_plugins = ["tests.sandbox_support"]

from app.actor import Actor  # noqa: E402
from app.bootstrap import start_terminal  # noqa: E402
from app.config import Paths  # noqa: E402
from app.context import CHINA_TZ, AppContext  # noqa: E402
from app.usecases.auth import login  # noqa: E402
from app.usecases.setup import DEMO_PASSWORD  # noqa: E402


class Clock:
    """A wall clock the test moves by hand (deadlines depend on it)."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=CHINA_TZ)


@pytest.fixture
def clock() -> Clock:
    # A Friday in 2026 (a year the holiday package covers).
    return Clock(datetime(2026, 11, 20, 9, 30, tzinfo=CHINA_TZ))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "terminal"


@pytest.fixture
def ctx(data_dir: Path, clock: Clock) -> AppContext:
    data_dir.mkdir(parents=True, exist_ok=True)
    c = start_terminal(Paths(data_dir), clock=clock)
    yield c
    c.close()


def as_user(ctx: AppContext, username: str) -> Actor:
    return login(ctx, username, DEMO_PASSWORD)


@pytest.fixture
def clerk(ctx: AppContext) -> Actor:
    return as_user(ctx, "clerk01")

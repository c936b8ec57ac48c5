"""Where things live: the data directory (platformdirs, --data-dir or CLERKDESK_DATA_DIR)
and the shipped resources."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "ClerkDesk"
ENV_DATA_DIR = "CLERKDESK_DATA_DIR"


def resources_dir() -> Path:
    # PyInstaller unpacks data next to sys._MEIPASS; from a checkout it is the repo root.
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))
    return base / "resources"


def demo_catalog_path() -> Path:
    return resources_dir() / "catalog" / "demo_catalog.json"


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "clerkdesk.db"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"


def resolve_paths(cli_data_dir: str | None = None, create: bool = True) -> Paths:
    """--data-dir wins over CLERKDESK_DATA_DIR, which wins over the user's data directory.
    `create=False` for commands that only look (a typo must not make an empty terminal)."""
    chosen = cli_data_dir or os.environ.get(ENV_DATA_DIR) or user_data_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser().resolve()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return Paths(path)


TRAINING_DIR = "training"


def training_paths(paths: Paths) -> Paths:
    """The training room's data dir: `training/` under the terminal's own, so a training
    session can never write the production database."""
    return Paths(paths.data_dir / TRAINING_DIR)

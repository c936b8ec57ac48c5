"""The frozen build's `clerkdesk-admin` (build.spec). An installed checkout finds the commands
of printing/, sync/ and devices/ through the entry point group `clerkdesk.admin_commands`;
a PyInstaller build has no package metadata, so they are named here instead. The list must
equal pyproject.toml's entry points: tests/packaging/test_build.py checks it."""

from __future__ import annotations

import sys

from app.admin_cli import AdminPlugin, main
from devices.admin_commands import register as device_commands
from printing.admin_commands import register as render_commands
from sync.admin_commands import register as sync_commands

PLUGINS: tuple[AdminPlugin, ...] = (
    ("device", device_commands),
    ("render", render_commands),
    ("sync", sync_commands),
)

if __name__ == "__main__":
    sys.exit(main(plugins=PLUGINS))

"""--data-dir wins over CLERKDESK_DATA_DIR, which wins over the user's data directory."""

from __future__ import annotations

from pathlib import Path

from app.config import ENV_DATA_DIR, resolve_paths


def test_data_dir_precedence(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "from-env"))
    assert resolve_paths(str(tmp_path / "from-flag")).data_dir == tmp_path / "from-flag"
    assert resolve_paths(None).data_dir == tmp_path / "from-env"
    monkeypatch.delenv(ENV_DATA_DIR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_paths(None).data_dir == tmp_path / "xdg" / "ClerkDesk"
    assert (tmp_path / "xdg" / "ClerkDesk").is_dir()

"""Issue 12 #4, the admin command line's door: a command that touches stored data acts only after
a password (a 0600 file for scripts; never on the command line), checked like a login at the
window with the same lockout, for someone whose role may run it — and each run is audited
under that person's name. Commands that touch no stored data need no login."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.bootstrap import start_terminal
from app.config import Paths
from app.context import open_context
from app.rules.problems import RuleError
from app.usecases.auth import MAX_FAILED_LOGINS, login
from app.usecases.setup import DEMO_PASSWORD
from tests.helpers import ROOT, raw_db, run_admin


@pytest.fixture
def terminal(tmp_path) -> Path:
    data = tmp_path / "terminal"
    start_terminal(Paths(data)).close()  # a demo terminal: admin01 administers it, super01 supervises
    return data


def failed_logins(data: Path, user: str) -> int:
    with raw_db(data / "clerkdesk.db") as db:
        return db.execute("SELECT failed_logins FROM clerks WHERE username = ?", (user,)).fetchone()[0]


def audit(data: Path, action: str) -> list[tuple[str, str]]:
    with raw_db(data / "clerkdesk.db") as db:
        return db.execute("SELECT actor, detail FROM audit_records WHERE action = ? ORDER BY seq", (action,)).fetchall()


def test_without_a_password_nothing_is_done(terminal, tmp_path):
    usb = tmp_path / "usb"
    out = run_admin(["backup", "--to", str(usb)], terminal)  # a script: no terminal to type on, no file
    assert out.returncode == 6
    assert "ADMIN_PASSWORD_MISSING" in out.stderr and "--password-file" in out.stderr
    assert not usb.exists()


def test_a_wrong_password_is_refused_and_counts_towards_the_lockout(terminal, tmp_path):
    usb = tmp_path / "usb"
    out = run_admin(["backup", "--to", str(usb)], terminal, "not-the-password")
    assert out.returncode == 6 and "LOGIN_FAILED" in out.stderr and "密码不正确" in out.stderr
    assert not usb.exists() and failed_logins(terminal, "admin01") == 1
    unknown = run_admin(["backup", "--to", str(usb)], terminal, DEMO_PASSWORD, user="nobody")
    assert unknown.returncode == 6 and "LOGIN_FAILED" in unknown.stderr  # the same answer: no account oracle
    # The window and the command line share one counter: no way around the lockout.
    ctx = open_context(Paths(terminal))
    try:
        for _ in range(MAX_FAILED_LOGINS - 2):
            with pytest.raises(RuleError):
                login(ctx, "admin01", "wrong-at-the-window")
    finally:
        ctx.close()
    assert run_admin(["verify-audit"], terminal, "wrong-again").returncode == 6  # the fifth: locked now
    locked = run_admin(["backup", "--to", str(usb)], terminal, DEMO_PASSWORD)  # even the right password
    assert locked.returncode == 6 and "ACCOUNT_LOCKED" in locked.stderr and "锁定" in locked.stderr
    assert not usb.exists()


def test_a_password_file_others_can_read_is_refused(terminal, tmp_path):
    pw = tmp_path / "admin.pw"
    pw.write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
    pw.chmod(0o644)
    out = run_admin(["--password-file", str(pw), "verify-audit"], terminal)
    assert out.returncode == 6 and "PASSWORD_FILE_OPEN" in out.stderr and "chmod 600" in out.stderr
    assert failed_logins(terminal, "admin01") == 0  # refused before any login was tried
    pw.chmod(0o600)
    ok = run_admin(["--password-file", str(pw), "verify-audit"], terminal)
    assert ok.returncode == 0 and "审计链完整" in ok.stdout, ok.stderr


def test_commands_that_touch_no_stored_data_need_no_login(tmp_path):
    nowhere = tmp_path / "no-terminal"
    env = {"CLERKDESK_DATA_DIR": str(nowhere)}
    out = run_admin(["render", "--sample", "acceptance", "--out", str(tmp_path / "a.pdf")], env=env)
    assert out.returncode == 0 and (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF"), out.stderr
    card = run_admin(["device", "read-id", "--driver", "simulator"], env=env)
    assert card.returncode == 0 and json.loads(card.stdout)["id_number"], card.stderr
    assert not nowhere.exists()  # nothing stored was opened, let alone created


def test_only_an_administrator_changes_the_platform_address_and_each_run_is_audited(terminal):
    url = "https://zwfw.example.gov.cn"
    denied = run_admin(["sync", "--platform", url], terminal, DEMO_PASSWORD, user="super01")
    assert denied.returncode == 6 and "PERMISSION_DENIED" in denied.stderr and "super01" in denied.stderr
    ctx = open_context(Paths(terminal))
    try:
        assert ctx.settings.get("platform_url") != url
    finally:
        ctx.close()
    done = run_admin(["sync", "--platform", url], terminal, DEMO_PASSWORD)
    assert done.returncode == 0 and f"平台地址已设为 {url}" in done.stdout, done.stderr
    [(who, detail)] = audit(terminal, "admin.command")
    assert who == "admin01" and url in json.loads(detail)["argv"]
    assert [a for a, _ in audit(terminal, "admin.command_refused")] == ["super01"]
    [(who, detail)] = [row for row in audit(terminal, "settings.change") if url in row[1]]
    assert who == "admin01"  # the change itself is audited under the administrator's name


def test_backup_and_restore_are_for_the_administrator(terminal, tmp_path):
    usb = tmp_path / "usb"
    out = run_admin(["backup", "--to", str(usb)], terminal, DEMO_PASSWORD, user="super01")
    assert out.returncode == 6 and "PERMISSION_DENIED" in out.stderr and not usb.exists()
    out = run_admin(["backup", "--to", str(usb)], terminal, DEMO_PASSWORD)
    assert out.returncode == 0 and len(list(usb.glob("*.db"))) == 1, out.stderr


def test_at_a_terminal_the_password_is_typed_at_a_prompt_that_does_not_echo(terminal):
    """getpass on a real pseudo-terminal: the admin types the password, it never shows."""
    import os
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: clerkdesk-admin on a terminal
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "app.admin_cli", "--data-dir", str(terminal), "--user", "admin01",
                                  "verify-audit"])
    seen, typed, deadline = b"", False, time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child ended
                    break
                if not chunk:
                    break
                seen += chunk
            if not typed and "密码".encode() in seen:
                os.write(fd, (DEMO_PASSWORD + "\n").encode())
                typed = True
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    text = seen.decode("utf-8", "replace")
    assert typed and os.waitstatus_to_exitcode(status) == 0, text
    assert "账号 admin01 的密码" in text and "审计链完整" in text and DEMO_PASSWORD not in text

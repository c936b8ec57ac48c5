"""Backup and restore (issue 12 #8) and a typo'd data dir (issue 12 #3): encrypted and verified
backups, a daily one kept two weeks, a restore that keeps every event queued after the backup."""

from __future__ import annotations

from datetime import datetime

from app.config import Paths
from app.context import open_context
from app.usecases.backups import DAILY_KEEP, daily_backup, make_backup, verify_backup
from app.usecases.setup import DEMO_PASSWORD
from app.usecases.sync_state import sync_overview
from tests.helpers import raw_db, run_admin
from tests.sync.support import take_in


def test_verify_audit_on_a_mistyped_folder_says_so_and_creates_nothing(tmp_path) -> None:
    typo = tmp_path / "typo"
    out = run_admin(["verify-audit"], typo, DEMO_PASSWORD)
    assert out.returncode != 0 and "STORAGE_NO_DATABASE" in out.stderr and "没有 ClerkDesk 数据库" in out.stderr
    assert not typo.exists()


def test_a_backup_is_encrypted_and_verified(ctx, clerk) -> None:
    take_in(ctx, clerk, 2)
    check = make_backup(ctx.paths)
    assert check.ok and check.audit_records > 0 and "审计链完整" in check.message
    assert "张桂兰".encode() not in check.path.read_bytes()
    wrong = verify_backup(check.path, bytes(32))  # another PC's key
    assert not wrong.ok and "密钥" in wrong.message


def test_the_daily_backup_is_made_once_a_day_and_two_weeks_are_kept(ctx) -> None:
    for day in range(1, DAILY_KEEP + 4):
        assert daily_backup(ctx.paths, datetime(2026, 11, day, 9, 0)) is not None
        assert daily_backup(ctx.paths, datetime(2026, 11, day, 17, 0)) is None  # the same day: not again
    assert len(list(ctx.paths.backups.glob("clerkdesk-daily-*.db"))) == DAILY_KEEP


def test_restore_keeps_every_event_queued_after_the_backup(ctx, clerk, data_dir) -> None:
    take_in(ctx, clerk, 1)  # 2 events, in the backup
    backup = make_backup(ctx.paths).path
    take_in(ctx, clerk, 2)  # 4 events after it, not yet sent
    assert sync_overview(ctx).queued == 6
    ctx.close()
    out = run_admin(["restore", str(backup)], data_dir, DEMO_PASSWORD)
    assert out.returncode == 0, out.stderr
    assert "4 条事件已保留" in out.stdout
    again = open_context(Paths(data_dir))
    try:
        assert sync_overview(again).queued == 6  # nothing lost: the platform still hears all of them
    finally:
        again.close()
    with raw_db(data_dir / "clerkdesk.db") as db:
        assert db.execute("SELECT actor FROM audit_records WHERE action = 'backup.restore'").fetchall() == [("admin01",)]


def test_the_admin_backup_command_writes_to_another_folder(ctx, data_dir, tmp_path) -> None:
    ctx.close()
    usb = tmp_path / "usb"
    out = run_admin(["backup", "--to", str(usb)], data_dir, DEMO_PASSWORD)
    assert out.returncode == 0 and "已备份到" in out.stdout and "审计链完整" in out.stdout
    assert len(list(usb.glob("clerkdesk-manual-*.db"))) == 1

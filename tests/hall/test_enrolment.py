"""Issue 11 parts 1 and 4, terminal side: `clerkdesk-admin enrol` / `terminal`, what enrolment
stores, a used code, a replaced PC, and no demo accounts on a production terminal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.actor import SYSTEM
from app.bootstrap import start_terminal
from app.config import Paths
from app.rules.problems import RuleError
from app.storage.models import Clerk, NumberBlock
from app.usecases.auth import login as local_login
from app.usecases.catalog import catalog_size
from app.usecases.enrolment import FirstAdmin
from app.usecases.terminal import terminal_identity, terminal_mode
from sync.connection import enrol
from sync.http import PlatformRefused
from sync.login import login
from tests.hall.support import ADMIN, enrolled_terminal, fresh_terminal
from tests.helpers import run_admin
from tests.sync.support import FAST, local_event_ids, sync, take_in


def test_admin_enrol_and_terminal_commands(sandbox, tmp_path):
    data = tmp_path / "pc"
    done = run_admin(["terminal"], data, user=None)  # no password: identity only, nothing personal
    assert done.returncode == 1 and "尚未注册" in done.stdout
    secret = tmp_path / "admin.pw"
    secret.touch(mode=0o600)
    secret.write_text("s3cret-admin-pw\n", encoding="utf-8")
    code = sandbox.enrolment_code(hall="河西堡镇便民服务中心", window="代办窗口")
    # A fresh install has no administrator yet: the one-time code is the key, no login.
    done = run_admin(["enrol", "--platform", sandbox.url, "--code", code, "--admin-password-file", str(secret)],
                     data, user=None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已注册" in done.stdout and "河西堡镇便民服务中心" in done.stdout
    done = run_admin(["terminal"], data, user=None)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for words in ("终端编号：ZWFW-620321-", "大厅/便民站：河西堡镇便民服务中心", "窗口：代办窗口", "地区代码：620321",
                  "文号代码：", "本年剩余办件编号：1000"):
        assert words in out, out
    # the code is spent: a second PC cannot use it
    done = run_admin(["enrol", "--platform", sandbox.url, "--code", code], tmp_path / "pc2", user=None)
    assert done.returncode == 5 and "ENROLMENT_USED" in done.stderr
    # The administrator made at enrolment runs the commands that touch data (default account).
    done = run_admin(["verify-audit"], data, "s3cret-admin-pw", user=None)
    assert done.returncode == 0 and "审计链完整" in done.stdout, done.stderr


def test_enrolment_stores_the_assigned_identity_and_makes_a_production_terminal(sandbox, tmp_path):
    ctx = enrolled_terminal(sandbox, tmp_path / "pc", window="综合受理5号窗")
    try:
        who = terminal_identity(ctx)
        assert who.mode == "production" and who.terminal_id == ctx.settings.get("terminal_id")
        reg = sandbox.terminal(who.terminal_id)
        assert (who.hall, who.window, who.area_code, who.document_code) == (
            reg["hall"], "综合受理5号窗", reg["area_code"], reg["document_code"])
        assert ctx.settings.get("county") == "永昌县" and ctx.settings.get("court") == "永昌县人民法院"
        assert who.numbers_left == 1000
        with ctx.read() as s:
            assert [b.source for b in s.scalars(select(NumberBlock))] == ["platform"]
            assert [c.username for c in s.scalars(select(Clerk))] == ["admin"]  # no demo accounts
        assert catalog_size(ctx) == 0  # the catalog comes from the platform, not the demo file
        with pytest.raises(RuleError):
            local_login(ctx, "clerk01", "demo1234")
        # the local administrator logs in although the platform does not know the account
        assert login(ctx, "admin", ADMIN.password).actor.username == "admin"
    finally:
        ctx.close()
    again = start_terminal(Paths(tmp_path / "pc"))  # a later start (demo allowed) adds no demo data
    try:
        assert terminal_mode(again) == "production"
        with again.read() as s:
            assert [c.username for c in s.scalars(select(Clerk))] == ["admin"]
        assert catalog_size(again) == 0
    finally:
        again.close()


def test_a_fresh_non_demo_terminal_has_no_identity_and_no_accounts(tmp_path):
    ctx = fresh_terminal(tmp_path / "pc")
    try:
        assert terminal_mode(ctx) == "unenrolled"
        assert ctx.settings.get("terminal_id") == "" and ctx.settings.get("area_code") == ""
        with ctx.read() as s:
            assert not list(s.scalars(select(Clerk)))
        with pytest.raises(RuleError):
            local_login(ctx, "admin01", "demo1234")
    finally:
        ctx.close()


def test_demo_terminal_keeps_its_identity_and_document_code(ctx):
    assert terminal_mode(ctx) == "demo"
    assert ctx.settings.get("terminal_id") == "YC-ZWFW-DEMO-01" and ctx.settings.get("document_code") == "01"


def test_what_can_be_refused_locally_is_refused_before_the_code_is_spent(sandbox, tmp_path, ctx):
    code = sandbox.enrolment_code()
    fresh = fresh_terminal(tmp_path / "pc")
    try:
        with pytest.raises(RuleError) as err:
            enrol(fresh, SYSTEM, sandbox.url, code, FirstAdmin("admin", "x", "short"), FAST)
        assert err.value.code == "PASSWORD_TOO_SHORT"
        with pytest.raises(RuleError) as err:  # a demo data dir never becomes a production terminal
            enrol(ctx, SYSTEM, sandbox.url, code, ADMIN, FAST)
        assert err.value.code == "DATA_DIR_IS_DEMO"
        enrol(fresh, SYSTEM, sandbox.url, code, ADMIN, FAST)  # the code still works
        with pytest.raises(RuleError) as err:
            enrol(fresh, SYSTEM, sandbox.url, sandbox.enrolment_code(), ADMIN, FAST)
        assert err.value.code == "TERMINAL_ALREADY_ENROLLED"
    finally:
        fresh.close()


def test_a_used_code_leaves_the_second_terminal_unenrolled(sandbox, tmp_path):
    code = sandbox.enrolment_code()
    first = fresh_terminal(tmp_path / "a")
    second = fresh_terminal(tmp_path / "b")
    try:
        enrol(first, SYSTEM, sandbox.url, code, ADMIN, FAST)
        with pytest.raises(PlatformRefused) as err:
            enrol(second, SYSTEM, sandbox.url, code, ADMIN, FAST)
        assert err.value.platform_code == "ENROLMENT_USED"
        assert terminal_mode(second) == "unenrolled"
    finally:
        first.close()
        second.close()


def test_a_replaced_pc_still_pushes_its_queue_and_the_new_one_takes_over(sandbox, tmp_path):
    sandbox.configure(back_office_delay_seconds=3600)
    old = enrolled_terminal(sandbox, tmp_path / "old", window="综合受理3号窗")
    new = None
    try:
        assert sync(old).ok
        clerk = login(old, "clerk01", "demo1234").actor
        queued = take_in(old, clerk, 2)  # offline: the PC then dies before it syncs
        old_id = old.settings.get("terminal_id")
        new = enrolled_terminal(sandbox, tmp_path / "new", replaces=old_id)
        assert new.settings.get("window_name") == "综合受理3号窗"
        assert new.settings.get("document_code") != old.settings.get("document_code")
        report = sync(old)  # started once more within the grace period: the queue goes up
        assert report.pushed.applied == 4 and report.pushed.rejected == 0
        assert {e["event_id"] for e in sandbox.applied_events() if e["terminal_id"] == old_id} == local_event_ids(old)
        assert any(p.code == "PLATFORM_REFUSED" for p in report.errors)  # pulling: TERMINAL_RETIRED
        for number in queued:
            assert sandbox.case(number)["state"] == "accepted"
    finally:
        old.close()
        if new is not None:
            new.close()


def test_unattended_enrolment_without_a_password_file_leaves_the_admin_to_the_first_run_screen(sandbox, tmp_path):
    from app.actor import SYSTEM
    from app.usecases.enrolment import create_first_admin, needs_first_admin

    ctx = fresh_terminal(tmp_path / "pc")
    try:
        enrol(ctx, SYSTEM, sandbox.url, sandbox.enrolment_code(), None, FAST)
        assert needs_first_admin(ctx)
        with pytest.raises(RuleError):
            create_first_admin(ctx, SYSTEM, FirstAdmin("admin", "本机管理员", "short"))
        create_first_admin(ctx, SYSTEM, ADMIN)
        assert not needs_first_admin(ctx)
        assert login(ctx, "admin", ADMIN.password).mode == "local"
        with pytest.raises(RuleError) as err:
            create_first_admin(ctx, SYSTEM, FirstAdmin("admin2", "x", "another-password"))
        assert err.value.code == "FIRST_ADMIN_EXISTS"
    finally:
        ctx.close()


def test_re_enrolling_in_place_keeps_the_queue_and_the_cases(sandbox, tmp_path):
    sandbox.configure(back_office_delay_seconds=3600)
    ctx = enrolled_terminal(sandbox, tmp_path / "pc", window="综合受理3号窗")
    try:
        assert sync(ctx).ok
        clerk = login(ctx, "clerk01", "demo1234").actor
        before = take_in(ctx, clerk, 2)  # queued offline; then the credential is lost
        old_id, old_code = ctx.settings.get("terminal_id"), ctx.settings.get("document_code")
        with pytest.raises(RuleError) as err:
            enrol(ctx, SYSTEM, sandbox.url, sandbox.enrolment_code(replaces=old_id), ADMIN, FAST)
        assert err.value.code == "TERMINAL_ALREADY_ENROLLED"
        enrol(ctx, SYSTEM, sandbox.url, sandbox.enrolment_code(replaces=old_id), ADMIN, FAST, again=True)
        assert ctx.settings.get("terminal_id") != old_id and ctx.settings.get("document_code") != old_code
        assert ctx.settings.get("window_name") == "综合受理3号窗"
        after = take_in(ctx, clerk, 1)
        report = sync(ctx)
        assert report.ok, report.errors
        assert report.pushed.applied == 6 and report.pushed.rejected == 0
        for number in before + after:
            assert sandbox.case(number)["state"] == "accepted"
        assert sandbox.terminal(old_id)["retired_at"]
    finally:
        ctx.close()

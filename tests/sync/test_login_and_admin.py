"""Online login caches the credential; offline login works afterwards and is refused for a
clerk who never logged in online here. The admin command syncs from a subprocess."""

from __future__ import annotations

import socket

import pytest

from app.actor import SYSTEM
from app.rules.problems import RuleError
from app.usecases.credentials import NEVER_ONLINE
from app.usecases.setup import DEMO_PASSWORD
from app.usecases.sync_state import set_sync_setting
from sync.login import login
from tests.helpers import run_admin
from tests.sandbox_support import ENROLMENT_CODE
from tests.sync.support import connect, take_in


def test_online_login_then_offline_login_and_a_never_online_clerk_refused(ctx, sandbox) -> None:
    connect(ctx, sandbox)
    # clerk02 exists only on the platform: the terminal learns her at her first online login.
    online = login(ctx, "clerk02", "demo1234")
    assert online.mode == "online" and online.actor.display_name == "刘芳" and online.actor.role == "clerk"
    with pytest.raises(RuleError) as wrong:
        login(ctx, "clerk02", "not-her-password")  # the platform says no: never tried offline
    assert wrong.value.code == "LOGIN_FAILED"

    sandbox.kill()  # the link is down
    offline = login(ctx, "clerk02", "demo1234")
    assert offline.mode == "offline" and offline.actor.clerk_id == online.actor.clerk_id
    assert "离线" in offline.notice
    with pytest.raises(RuleError) as never:
        login(ctx, "station01", "demo1234")  # a local demo account, never logged in online here
    assert never.value.code == NEVER_ONLINE and "联网" in never.value.message


def test_a_hung_platform_is_asked_once_then_the_clerk_is_logged_in_offline(ctx, sandbox) -> None:
    """Asking again after 8 s of silence doubled the clerk's wait at the login window (about 20 s)."""
    connect(ctx, sandbox)
    assert login(ctx, "clerk02", "demo1234").online  # her credential is cached here
    sandbox.set_faults(latency_ms=60_000)
    outcome = login(ctx, "clerk02", "demo1234")
    assert outcome.mode == "offline" and outcome.actor.display_name == "刘芳"
    assert "没有应答" in outcome.notice and "已离线登录" in outcome.notice
    assert sandbox.stats()["faults_fired"]["delayed"] == 1


def test_the_admin_command_registers_pushes_pulls_and_says_so_in_chinese(ctx, clerk, sandbox, data_dir) -> None:
    take_in(ctx, clerk, 3)
    ctx.close()
    cmd = ["sync", "--once", "--platform", sandbox.url, "--enrolment-code", ENROLMENT_CODE]
    done = run_admin(cmd, data_dir, DEMO_PASSWORD)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "本终端已在平台注册" in done.stdout and "平台已接收 6" in done.stdout
    assert sandbox.stats()["events"]["applied"] == 6
    again = run_admin(cmd[:-2], data_dir, DEMO_PASSWORD)  # no code needed now
    assert again.returncode == 0 and "平台已接收 0" in again.stdout and "待上报 0 条" in again.stdout


def test_the_admin_command_fails_loudly_when_the_platform_is_unreachable(ctx, clerk, data_dir) -> None:
    take_in(ctx, clerk, 1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    set_sync_setting(ctx, SYSTEM, "platform_url", f"http://127.0.0.1:{port}")
    ctx.close()
    done = run_admin(["sync", "--once", "--enrolment-code", ENROLMENT_CODE], data_dir, DEMO_PASSWORD)
    assert done.returncode != 0
    assert "PLATFORM_UNREACHABLE" in done.stdout and "无法连接政务服务平台" in done.stdout


def test_a_refused_terminal_credential_is_never_blamed_on_the_password(ctx, sandbox) -> None:
    """Issue 10 #1: the demo once re-registered on another port; back on the first, every login
    said 用户名或密码不正确 for good. The link is what failed: say so, keep clerks working."""
    from app.usecases.registration import save_token
    from sync.connection import ensure_registered

    connect(ctx, sandbox)
    assert login(ctx, "clerk02", "demo1234").mode == "online"  # cached for offline use
    sandbox.register_terminal(ctx.settings.get("terminal_id"), ctx.settings.get("area_code"))  # secret replaced
    save_token(ctx, sandbox.url, "stale-token", None)  # the next call must renew with the old secret

    outcome = login(ctx, "clerk02", "demo1234")
    assert outcome.mode == "offline" and "注册已失效" in outcome.notice and "TERMINAL_CREDENTIAL_INVALID" in outcome.notice
    with pytest.raises(RuleError) as err:
        login(ctx, "station01", "demo1234")  # never online here
    assert err.value.code == "TERMINAL_LINK_BROKEN" and "密码不正确" not in err.value.message

    ensure_registered(ctx, sandbox.url, ENROLMENT_CODE, again=True)  # what the demo does on every start
    assert login(ctx, "clerk02", "demo1234").mode == "online"

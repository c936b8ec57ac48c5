"""Demo mode: `clerkdesk --demo-platform` starts a sandbox process on loopback, registers the
terminal with it and syncs — a newcomer sees the light go green without configuring anything."""

from __future__ import annotations

from app.usecases.registration import registration_for
from app.usecases.sync_state import sync_overview
from tests.sync.support import sync, take_in
from ui.demo_platform import DemoPlatform
from ui.main import build_parser, connect_platform


def test_demo_platform_starts_registers_and_syncs(ctx, clerk, tmp_path) -> None:
    take_in(ctx, clerk, 1)
    demo = DemoPlatform(tmp_path / "demo-platform", back_office_delay=3600)
    try:
        url = demo.start()
        assert url.startswith("http://127.0.0.1:")
        assert connect_platform(ctx, url, "YC-DEMO-2026") == ""
        assert ctx.settings.get("platform_url") == url and registration_for(ctx, url) is not None
        assert sync(ctx).ok and sync_overview(ctx).queued == 0
    finally:
        demo.stop()
    assert demo.process is None


def test_clerks_log_in_online_against_the_demo_platform(ctx, tmp_path) -> None:
    from sync.login import login

    demo = DemoPlatform(tmp_path / "demo-platform")
    try:
        connect_platform(ctx, demo.start(), "YC-DEMO-2026")
        outcome = login(ctx, "clerk01", "demo1234")
    finally:
        demo.stop()
    assert outcome.online and outcome.actor.display_name == "李晓燕"


def test_a_wrong_enrolment_code_leaves_the_terminal_working_offline_and_says_why(ctx, tmp_path) -> None:
    demo = DemoPlatform(tmp_path / "demo-platform")
    try:
        url = demo.start()
        why = connect_platform(ctx, url, "WRONG-CODE")
    finally:
        demo.stop()
    assert "注册码" in why and registration_for(ctx, url) is None


def test_the_run_command_asks_for_the_demo_platform() -> None:
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "scripts" / "dev.sh").read_text()
    assert script.count("--demo-platform") == 2  # with and without a screen
    args = build_parser().parse_args(["--demo-platform"])
    assert args.demo_platform and args.platform is None


def test_the_demo_platform_goes_when_clerkdesk_is_killed(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    code = ("import sys, pathlib; from ui.demo_platform import DemoPlatform; "
            "d = DemoPlatform(pathlib.Path(sys.argv[1])); d.start(); print(d.process.pid, flush=True); "
            "import time; time.sleep(600)")
    parent = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "p")], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    os.kill(child, 0)  # running
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    raise AssertionError("the demo platform outlived ClerkDesk")


def test_the_demo_back_office_is_plausible_mostly_approved_at_a_settable_pace(tmp_path) -> None:
    """Issue 10: the demo concluded an accepted case as 不予许可 within a minute."""
    from ui.demo_platform import BACK_OFFICE_DELAY_SECONDS, DEMO_DENIAL_SHARE

    assert BACK_OFFICE_DELAY_SECONDS >= 60 and DEMO_DENIAL_SHARE <= 0.05
    demo = DemoPlatform(tmp_path / "demo-platform", back_office_delay=5)
    try:
        demo.start()
        import requests

        tunables = requests.get(f"{demo.url}/sandbox/config", headers=demo.control_headers(), timeout=10).json()
    finally:
        demo.stop()
    found = tunables.get("tunables", tunables)
    assert found["denial_share"] == DEMO_DENIAL_SHARE and found["back_office_delay_seconds"] == 5
    assert build_parser().parse_args(["--demo-back-office-seconds", "30"]).demo_back_office_seconds == 30

"""The first-run screen enrols an unenrolled terminal (off the UI thread) and makes its first
local administrator; a wrong code is said plainly and the screen stays."""

from __future__ import annotations

from app.usecases.terminal import terminal_mode
from tests.hall.support import fresh_terminal
from ui.first_run import FirstRunDialog
from ui.operations import Operations


def test_first_run_screen_enrols_the_terminal(qtbot, sandbox, tmp_path):
    ctx = fresh_terminal(tmp_path / "pc")
    ops = Operations()
    try:
        dialog = FirstRunDialog(ctx, ops, sandbox.url)
        qtbot.addWidget(dialog)
        dialog.code.setText("WRONG-CODE-0000")
        dialog.password.setText("s3cret-admin-pw")
        dialog.again.setText("s3cret-admin-pw")
        dialog.button.click()
        qtbot.waitUntil(lambda: dialog.button.isEnabled(), timeout=15_000)
        assert "注册码" in dialog.message.text() and terminal_mode(ctx) == "unenrolled"
        dialog.code.setText(sandbox.enrolment_code(window="综合受理9号窗"))
        with qtbot.waitSignal(dialog.accepted, timeout=15_000):
            dialog.button.click()
        assert dialog.identity is not None and dialog.identity.window == "综合受理9号窗"
        assert terminal_mode(ctx) == "production" and ctx.settings.get("local_admin") == "admin"
    finally:
        ops.shutdown()
        ctx.close()


def test_first_run_screen_asks_only_for_the_admin_after_unattended_enrolment(qtbot, sandbox, tmp_path):
    from app.actor import SYSTEM
    from app.usecases.enrolment import needs_first_admin
    from sync.connection import enrol
    from tests.sync.support import FAST

    ctx = fresh_terminal(tmp_path / "pc")
    ops = Operations()
    try:
        enrol(ctx, SYSTEM, sandbox.url, sandbox.enrolment_code(), None, FAST)
        dialog = FirstRunDialog(ctx, ops, admin_only=True)
        qtbot.addWidget(dialog)
        dialog.password.setText("s3cret-admin-pw")
        dialog.again.setText("s3cret-admin-pw")
        with qtbot.waitSignal(dialog.accepted, timeout=15_000):
            dialog.button.click()
        assert dialog.admin_created == "admin" and not needs_first_admin(ctx)
    finally:
        ops.shutdown()
        ctx.close()


def test_smoke_test_flag_names_the_first_screen_a_start_opens(qapp, sandbox, tmp_path, capsys):
    """`clerkdesk --smoke-test` (the build's check) says what a start would show, in turn:
    the first-run screen, then only the administrator after an unattended enrolment, then login."""
    from app.actor import SYSTEM
    from app.usecases.enrolment import create_first_admin
    from sync.connection import enrol
    from tests.hall.support import ADMIN
    from tests.sync.support import FAST
    from ui.main import main

    data = tmp_path / "pc"
    assert main(["clerkdesk", "--data-dir", str(data), "--smoke-test"]) == 0
    assert "CLERKDESK_FIRST_SCREEN first-run first_run_dialog visible=1" in capsys.readouterr().out
    ctx = fresh_terminal(data)
    try:
        enrol(ctx, SYSTEM, sandbox.url, sandbox.enrolment_code(), None, FAST)
    finally:
        ctx.close()
    assert main(["clerkdesk", "--data-dir", str(data), "--smoke-test"]) == 0
    assert "CLERKDESK_FIRST_SCREEN first-run-admin first_run_dialog visible=1" in capsys.readouterr().out
    ctx = fresh_terminal(data)
    try:
        create_first_admin(ctx, SYSTEM, ADMIN)
    finally:
        ctx.close()
    assert main(["clerkdesk", "--data-dir", str(data), "--smoke-test"]) == 0
    assert "CLERKDESK_FIRST_SCREEN login login_dialog visible=1" in capsys.readouterr().out

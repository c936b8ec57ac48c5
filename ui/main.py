"""clerkdesk: start the terminal (database, demo data), connect the platform if one is set or
asked for, log in, open the main window.

    clerkdesk                          the terminal as configured; an unenrolled one opens the first-run screen
    clerkdesk --platform URL --enrolment-code CODE   set the platform and register this terminal
    clerkdesk --demo-platform          start a sandbox platform on this machine and use it
    clerkdesk --training               the training room: its own database (training/ under the data dir)
                                       and a local sandbox with training data; never a production platform
    clerkdesk --debug                  also log every UI stall over 100 ms with its stack (or CLERKDESK_DEBUG=1)
    clerkdesk --smoke-test             an installation check: open the first screen, print its name
                                       (first-run, first-run-admin or login), exit 0 (build tests)

On a terminal that has been set up, the login window is on screen before anything else is
loaded: the database, the use cases, the sync stack and the main window load on a thread
(`ui.startup`) while the clerk types her password (issue 15). So this module imports only
what the login window needs; the rest is imported where it is used.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from app.config import Paths, resolve_paths, training_paths
from ui.fonts import apply_app_font
from ui.login_dialog import LoginDialog
from ui.pauses import hold_collector, release_collector
from ui.startup import Startup, preload
from ui.styles import STYLESHEET
from ui.translations import install_chinese

if TYPE_CHECKING:
    from app.context import AppContext
    from ui.demo_platform import DemoPlatform

log = logging.getLogger("clerkdesk")


def _log_to(paths: Paths) -> None:
    """The terminal's log file (a second call, once the terminal is open, changes nothing)."""
    from app.logging_filter import install_personal_data_filter

    os.umask(0o077)  # as open_context: the log is for this OS user only, even written before it
    paths.logs.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=paths.logs / "clerkdesk.log", level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    install_personal_data_filter()  # no ID number or phone in the log (issue 12 part 5)


def demo_hint(ctx: AppContext) -> str:
    from app.usecases.setup import DEMO_CLERKS, DEMO_PASSWORD

    if ctx.settings.get("demo") != "1":
        return ""
    names = "、".join(f"{u}" for u, *_ in DEMO_CLERKS)
    return f"演示账号：{names}，密码均为 {DEMO_PASSWORD}"


def make_app(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("ClerkDesk")
    install_chinese(app)
    apply_app_font(app)
    app.setStyleSheet(STYLESHEET)
    return app


def connect_platform(ctx: AppContext, url: str, enrolment_code: str, again: bool = False) -> str:
    """Set the platform address and register this terminal; "" or why it could not register
    (the terminal then works offline and the status bar says so)."""
    from app.actor import SYSTEM
    from app.errors import ClerkDeskError
    from app.usecases.sync_state import set_sync_setting
    from sync.connection import ensure_registered

    set_sync_setting(ctx, SYSTEM, "platform_url", url)
    try:
        ensure_registered(ctx, url, enrolment_code, again=again)
    except ClerkDeskError as err:  # PlatformError included: unreachable, refused code…
        log.warning("registration with %s failed: %s", url, err)
        return getattr(err, "message", str(err))
    return ""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clerkdesk", description="ClerkDesk 窗口受理台")
    parser.add_argument("--data-dir", help="数据目录（默认 CLERKDESK_DATA_DIR 或用户数据目录）")
    parser.add_argument("--platform", help="政务服务平台地址（保存到本终端设置，并注册本终端）")
    parser.add_argument("--enrolment-code", default="", help="终端注册码（由县信息中心发放）")
    parser.add_argument("--demo-platform", action="store_true",
                        help="在本机启动演示平台（沙箱）并连接，用于演示和培训")
    parser.add_argument("--demo-back-office-seconds", type=float, default=None,
                        help="演示平台后台每一步（办理中、办结、待领取）所需秒数")
    parser.add_argument("--training", action="store_true",
                        help="培训模式：单独的培训数据库（数据目录下 training/），连接本机培训平台，绝不连接正式平台")
    parser.add_argument("--smoke-test", action="store_true",
                        help="安装自检：打开第一个界面后立即退出，输出该界面名称（first-run、first-run-admin 或 login）")
    parser.add_argument("--debug", action="store_true",
                        help="调试模式：界面卡顿超过 100 毫秒时把调用栈写入日志（也可设 CLERKDESK_DEBUG=1）")
    return parser


@dataclass
class Opened:
    """What the start-up thread made ready: the open terminal and, in demo or training, the
    local platform (or why it could not start)."""

    ctx: AppContext
    demo: DemoPlatform | None = None
    demo_error: str = ""


def _has_terminal(terminal: Paths) -> bool:
    """A database to open: the login window can come first. A first install has nothing to
    load yet and goes straight to its first-run screen."""
    return terminal.database.exists()


def open_terminal(paths: Paths, args: argparse.Namespace) -> Opened:
    """Everything the morning start does besides showing the login window; runs on the
    start-up thread (no widgets here)."""
    from app.bootstrap import start_terminal, start_training
    from app.usecases.enrolment import needs_first_admin
    from app.usecases.terminal import UNENROLLED, terminal_mode

    try:
        # Demo data only when asked for (or already a demo dir): a fresh install is a
        # production terminal waiting for its enrolment.
        ctx = start_training(paths) if args.training else start_terminal(paths, demo=args.demo_platform)
    except Exception:
        logging.getLogger("clerkdesk").exception("start failed")
        raise
    _log_to(ctx.paths)
    opened = Opened(ctx)
    ready_for_login = terminal_mode(ctx) != UNENROLLED and not needs_first_admin(ctx)
    if args.platform and ready_for_login and not (args.demo_platform or args.training):
        connect_platform(ctx, args.platform, args.enrolment_code)
    import ui.main_window  # noqa: F401 — loaded now, so the main window opens the moment the clerk is in

    return opened


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    args, qt_args = build_parser().parse_known_args(argv[1:])
    app = make_app([argv[0], *qt_args])
    paths = resolve_paths(args.data_dir)
    terminal = training_paths(paths) if args.training else paths  # the database this start opens
    if args.debug or os.environ.get("CLERKDESK_DEBUG") == "1":
        from ui.stall_watchdog import start_stall_watchdog  # imported only in debug mode: free otherwise

        # The log file first: a stall behind the login window, before the terminal is open,
        # would otherwise go to stderr, which a desktop program started from its icon has not.
        _log_to(terminal)
        start_stall_watchdog(app)
    login = None
    hold_collector()
    try:
        if _has_terminal(terminal):
            login = LoginDialog(training=args.training)
            login.show()
        startup = Startup(lambda: open_terminal(paths, args))
        startup.start()
        loaded = startup.wait(give_up=login.rejected if login is not None else None)
    finally:
        release_collector()
    if not loaded:
        startup.wait()  # the clerk closed the window: let the start finish its transaction, then leave
        _stop_demo(startup.result)
        return 0
    if startup.error is not None:
        if login is not None:
            login.hide()
        err = startup.error
        why = getattr(err, "message", "") or "无法打开本机数据库。请联系信息中心（错误代码 INTERNAL）。"
        QMessageBox.critical(None, "无法启动", why)  # never SQL or a traceback: those are in the log
        return 1
    opened: Opened = startup.result
    try:
        return _after_open(app, args, opened, login)
    finally:
        _stop_demo(opened)


def _stop_demo(opened: Opened | None) -> None:
    if opened is not None and opened.demo is not None:
        opened.demo.stop()


def _after_open(app: QApplication, args: argparse.Namespace, opened: Opened, login: LoginDialog | None) -> int:
    from app.usecases.enrolment import needs_first_admin
    from app.usecases.terminal import PRODUCTION, terminal_mode

    ctx = opened.ctx
    screen = first_screen(ctx)
    if login is not None and (screen != "login" or args.smoke_test or
                              (args.demo_platform and terminal_mode(ctx) == PRODUCTION)):
        login.hide()  # another first screen, or a message instead of one
    if args.demo_platform and terminal_mode(ctx) == PRODUCTION:
        QMessageBox.critical(None, "无法启动演示", "这是已注册的正式终端，不能连接演示平台。演示请使用单独的数据目录（--data-dir）。")
        return 1
    if args.smoke_test:
        return _smoke_test(app, ctx, args.platform or "", args.enrolment_code)
    if screen != "login":
        if screen == "first-run" and not _first_run(ctx, args.platform or "", code=args.enrolment_code):
            return 0
        # Enrolled unattended, or just now without an administrator: the screen asks for one.
        if needs_first_admin(ctx) and not _first_run(ctx, "", admin_only=True):
            return 0
        # After the first-run screen the terminal is registered with the address the administrator
        # confirmed there (it may have corrected --platform); only an unattended enrolment still
        # has --platform to apply, off the UI thread like the start itself.
        if screen == "first-run-admin" and args.platform and not (args.demo_platform or args.training):
            linking = Startup(lambda: connect_platform(ctx, args.platform, args.enrolment_code))
            linking.start()
            linking.wait()
            if linking.error is not None:  # a ClerkDeskError is answered inside; anything else is a bug
                raise linking.error
    if args.demo_platform or args.training:
        if not _start_demo_platform(args, opened, login):
            return 0
    if opened.demo_error:
        QMessageBox.warning(login, "演示平台", f"{opened.demo_error}\n本机将离线工作，数据照常保存。")
    return _run(app, ctx, login)


def _start_demo_platform(args: argparse.Namespace, opened: Opened, login: LoginDialog | None) -> bool:
    """The local sandbox for demo and training. Launched from this (the UI) thread — Linux stops
    it when the thread that started it ends, and the start-up thread ends early — then waited
    for and registered with off the UI thread, the login window staying alive. False if the
    clerk closed the window meanwhile."""
    from ui.demo_platform import BACK_OFFICE_DELAY_SECONDS, DEMO_ENROLMENT_CODE, DemoPlatform, DemoPlatformError

    ctx = opened.ctx
    delay = BACK_OFFICE_DELAY_SECONDS if args.demo_back_office_seconds is None else args.demo_back_office_seconds
    opened.demo = demo = DemoPlatform(ctx.paths.data_dir / "demo-platform", back_office_delay=delay,
                                      mode="training" if args.training else "demo")
    demo.launch()
    code = args.enrolment_code or DEMO_ENROLMENT_CODE
    linking = Startup(lambda: connect_platform(ctx, demo.wait_url(), code, again=True))
    linking.start()
    if not linking.wait(give_up=login.rejected if login is not None else None):
        linking.wait()
        return False
    if isinstance(linking.error, DemoPlatformError):
        opened.demo_error = str(linking.error)
    elif linking.error is not None:
        raise linking.error
    return True


def _first_run(ctx: AppContext, platform_url: str, admin_only: bool = False, code: str = "") -> bool:
    """The first-run screen of an unenrolled terminal (or of one enrolled unattended without
    its first administrator); False when the admin closed it."""
    from ui.first_run import FirstRunDialog
    from ui.operations import Operations

    ops = Operations()
    try:
        dialog = FirstRunDialog(ctx, ops, platform_url, admin_only, code)
        return dialog.exec() == FirstRunDialog.DialogCode.Accepted
    finally:
        ops.shutdown()


def first_screen(ctx: AppContext) -> str:
    """Which screen a start opens first (main() takes the same two decisions in turn)."""
    from app.usecases.enrolment import needs_first_admin
    from app.usecases.terminal import UNENROLLED, terminal_mode

    if terminal_mode(ctx) == UNENROLLED:
        return "first-run"
    return "first-run-admin" if needs_first_admin(ctx) else "login"


def _smoke_test(app: QApplication, ctx: AppContext, platform_url: str, code: str) -> int:
    """Build and show the first screen as a start would (fonts, Qt plugins, resources, the
    database all exercised), say which one it is, and leave. On Windows a windowed program
    has no stdout: the name also goes to the log."""
    from ui.first_run import FirstRunDialog
    from ui.operations import Operations

    ops = Operations()
    try:
        name = first_screen(ctx)
        if name == "login":
            dialog = LoginDialog(ctx, ops, demo_hint(ctx))
        else:
            dialog = FirstRunDialog(ctx, ops, platform_url, name == "first-run-admin", code)
        dialog.show()
        app.processEvents()
        line = f"CLERKDESK_FIRST_SCREEN {name} {dialog.objectName()} visible={int(dialog.isVisible())}"
        log.info(line)
        if sys.stdout is not None:
            print(line, flush=True)
        dialog.close()
        return 0
    finally:
        ops.shutdown()
        ctx.close()  # the check ends here (and an in-process test leaves no database open)


def _run(app: QApplication, ctx: AppContext, login: LoginDialog | None = None) -> int:
    from ui.main_window import MainWindow
    from ui.operations import Operations

    ops = Operations()
    login = login or LoginDialog()
    login.attach(ctx, ops, demo_hint(ctx))
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    window = MainWindow(ctx, ops, login.actor)
    window.show_fitted()
    preload("printing", "ui.printing.preview_dialog", "ui.printing.certificate_dialog")
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())

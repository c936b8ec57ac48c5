"""clerkdesk: start the terminal (database, demo data), log in, open the main window."""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from app.bootstrap import start_terminal
from app.config import resolve_paths
from app.context import AppContext
from app.usecases.setup import DEMO_CLERKS, DEMO_PASSWORD
from ui.fonts import apply_app_font
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.operations import Operations
from ui.styles import STYLESHEET


def _setup_logging(ctx: AppContext) -> None:
    ctx.paths.logs.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=ctx.paths.logs / "clerkdesk.log", level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def demo_hint(ctx: AppContext) -> str:
    if ctx.setting("demo") != "1":
        return ""
    names = "、".join(f"{u}" for u, *_ in DEMO_CLERKS)
    return f"演示账号：{names}，密码均为 {DEMO_PASSWORD}"


def make_app(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("ClerkDesk")
    apply_app_font(app)
    app.setStyleSheet(STYLESHEET)
    return app


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    parser = argparse.ArgumentParser(prog="clerkdesk", description="ClerkDesk 窗口受理台")
    parser.add_argument("--data-dir", help="数据目录（默认 CLERKDESK_DATA_DIR 或用户数据目录）")
    args, qt_args = parser.parse_known_args(argv[1:])
    app = make_app([argv[0], *qt_args])
    try:
        ctx = start_terminal(resolve_paths(args.data_dir))
    except Exception as exc:  # noqa: BLE001 — the clerk must see why the app cannot start
        QMessageBox.critical(None, "无法启动", f"无法打开本机数据库：{exc}\n请联系信息中心。")
        return 1
    _setup_logging(ctx)
    ops = Operations()
    login = LoginDialog(ctx, ops, demo_hint(ctx))
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    window = MainWindow(ctx, ops, login.actor)
    window.resize(1366, 800)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())

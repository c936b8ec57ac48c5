"""Login: against the platform when one is configured (its answer cached for offline days),
else the terminal's own accounts. Runs off the UI thread — argon2 and the network are slow.

The window is the first thing on screen in the morning: it can be shown before the terminal
is open (`attach` gives it the context once `ui.startup` has loaded it), so this module
imports nothing of the database or the sync stack at load time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from ui.widgets import DelayedNotice, named, show_message, training_banner, training_label

if TYPE_CHECKING:
    from app.actor import Actor
    from app.context import AppContext
    from sync.login import LoginOutcome
    from ui.operations import Operations


class LoginDialog(QDialog):
    def __init__(self, ctx: AppContext | None = None, ops: Operations | None = None, demo_hint: str = "",
                 training: bool = False):
        super().__init__()
        self.ctx, self.ops = ctx, ops
        self.actor: Actor | None = None
        self.outcome: LoginOutcome | None = None
        self._submit_when_ready = False
        self.setWindowTitle("ClerkDesk 窗口受理台 — 登录")
        self.setObjectName("login_dialog")
        self.setMinimumWidth(460)
        # Two lines from the start (the hall's name fills the first once the terminal is open),
        # so nothing moves under the clerk's fingers while she types.
        self.title = title = QLabel(" \n窗口受理台")
        title.setObjectName("section_title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = named(QLineEdit(), "login_username", "用户名")
        self.password = named(QLineEdit(), "login_password", "密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = named(QLabel(""), "login_message", "登录提示")
        self.slow = DelayedNotice(self.message)  # the platform slow to answer: say so, and what comes next
        self.message.setWordWrap(True)
        # Restyled once now, empty and hidden: a widget's first restyle makes PySide6 build
        # QStyle's enum classes (5 ms). Left for 登录, it froze the window for 120–170 ms on a
        # loaded core when she pressed it while the start-up thread still held the GIL.
        show_message(self.message, "", "ok")
        self.button = named(QPushButton("登录"), "login_button", "登录")
        self.button.setDefault(True)
        self.button.clicked.connect(self._submit)
        form = QFormLayout()
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        self.hint = named(QLabel(""), "login_demo_hint", "演示账号")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#555; font-size:11pt;")
        self.hint.hide()
        self._layout = layout = QVBoxLayout(self)
        self.banner = training_label() if training else None
        if self.banner is not None:
            layout.addWidget(self.banner)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        layout.addWidget(self.hint)  # below the button: when it appears, nothing above it moves
        self.username.setFocus()
        if ctx is not None and ops is not None:
            self.attach(ctx, ops, demo_hint)

    def attach(self, ctx: AppContext, ops: Operations, demo_hint: str = "") -> None:
        """The terminal is open: name the hall, show the training banner or the demo accounts,
        and log in at once if the clerk already pressed 登录."""
        self.ctx, self.ops = ctx, ops
        self.title.setText(f"{ctx.settings.get('hall_name')}\n窗口受理台")
        banner = training_banner(ctx)
        if banner is not None and self.banner is not None:
            self.banner.setText(banner.text())
        elif banner is not None:
            self.banner = banner
            self._layout.insertWidget(0, banner)
        if demo_hint:
            self.hint.setText(demo_hint)
            self.hint.show()
        if self._submit_when_ready:
            self._submit_when_ready = False
            self._submit()

    def _submit(self) -> None:
        self.button.setEnabled(False)
        if self.ctx is None or self.ops is None:  # pressed while the terminal is still opening
            self._submit_when_ready = True
            show_message(self.message, "正在打开本机数据，请稍候…", "ok")
            return
        from sync.login import SLOW_PLATFORM_NOTICE, login  # loaded by then (ui.startup): no wait here

        self.slow.start("正在验证…", SLOW_PLATFORM_NOTICE)
        ctx, user, pw = self.ctx, self.username.text(), self.password.text()
        self.ops.run_read(lambda: login(ctx, user, pw), self._ok, self._fail)

    def _ok(self, outcome: LoginOutcome) -> None:
        self.slow.stop()
        self.outcome, self.actor = outcome, outcome.actor
        self.accept()

    def _fail(self, exc: Exception) -> None:
        from ui.operations import error_text

        self.slow.stop()
        self.button.setEnabled(True)
        show_message(self.message, error_text(exc), "error")
        self.password.selectAll()
        self.password.setFocus()

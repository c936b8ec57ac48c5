"""Login: against the platform when one is configured (its answer cached for offline days),
else the terminal's own accounts. Runs off the UI thread — argon2 and the network are slow."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.actor import Actor
from app.context import AppContext
from sync.login import LoginOutcome, login
from ui.operations import Operations, error_text
from ui.widgets import named, show_message, training_banner


class LoginDialog(QDialog):
    def __init__(self, ctx: AppContext, ops: Operations, demo_hint: str = ""):
        super().__init__()
        self.ctx, self.ops = ctx, ops
        self.actor: Actor | None = None
        self.outcome: LoginOutcome | None = None
        self.setWindowTitle("ClerkDesk 窗口受理台 — 登录")
        self.setObjectName("login_dialog")
        self.setMinimumWidth(460)
        title = QLabel(f"{ctx.settings.get('hall_name')}\n窗口受理台")
        title.setObjectName("section_title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = named(QLineEdit(), "login_username", "用户名")
        self.password = named(QLineEdit(), "login_password", "密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = named(QLabel(""), "login_message", "登录提示")
        self.message.setWordWrap(True)
        self.button = named(QPushButton("登录"), "login_button", "登录")
        self.button.setDefault(True)
        self.button.clicked.connect(self._submit)
        form = QFormLayout()
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        layout = QVBoxLayout(self)
        banner = training_banner(ctx)
        if banner is not None:
            layout.addWidget(banner)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        if demo_hint:
            hint = QLabel(demo_hint)
            hint.setObjectName("login_demo_hint")
            hint.setWordWrap(True)
            hint.setStyleSheet("color:#555; font-size:11pt;")
            layout.addWidget(hint)
        layout.addWidget(self.button)
        self.username.setFocus()

    def _submit(self) -> None:
        self.button.setEnabled(False)
        show_message(self.message, "正在验证…", "ok")
        user, pw = self.username.text(), self.password.text()
        self.ops.run_read(lambda: login(self.ctx, user, pw), self._ok, self._fail)

    def _ok(self, outcome: LoginOutcome) -> None:
        self.outcome, self.actor = outcome, outcome.actor
        self.accept()

    def _fail(self, exc: Exception) -> None:
        self.button.setEnabled(True)
        show_message(self.message, error_text(exc), "error")
        self.password.selectAll()
        self.password.setFocus()

"""First run of an unenrolled terminal: the county's administrator types the platform address,
the one-time enrolment code and the first local administrator's password; the platform
assigns everything else (sync/connection.py `enrol`). Runs off the UI thread.

`admin_only`: a terminal enrolled unattended without a password file asks here only for its
first local administrator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.actor import SYSTEM
from app.changes import OpResult
from app.context import AppContext
from app.usecases.enrolment import AssignedIdentity, FirstAdmin, create_first_admin
from sync.connection import enrol
from ui.operations import Operations, error_text
from ui.widgets import named, show_message


class FirstRunDialog(QDialog):
    def __init__(self, ctx: AppContext, ops: Operations, platform_url: str = "", admin_only: bool = False,
                 code: str = ""):
        super().__init__()
        self.ctx, self.ops, self.admin_only = ctx, ops, admin_only
        self.identity: AssignedIdentity | None = None
        self.admin_created = ""
        self.setWindowTitle("ClerkDesk 窗口受理台 — 首次运行：注册本终端")
        self.setObjectName("first_run_dialog")
        self.setMinimumWidth(520)
        title = QLabel(f"本终端已注册为 {ctx.settings.get('terminal_id')}。\n请设置本机管理员。" if admin_only
                       else "本终端尚未注册。\n请输入县政务服务中心信息科发放的一次性注册码。")
        title.setObjectName("section_title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.platform = named(QLineEdit(platform_url or ctx.settings.get("platform_url")), "first_run_platform", "平台地址")
        self.platform.setPlaceholderText("https://zwfw.example.gov.cn")
        self.code = named(QLineEdit(code), "first_run_code", "注册码")
        self.admin_user = named(QLineEdit("admin"), "first_run_admin_user", "管理员用户名")
        self.admin_name = named(QLineEdit("本机管理员"), "first_run_admin_name", "管理员姓名")
        self.password = named(QLineEdit(), "first_run_password", "管理员密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = named(QLineEdit(), "first_run_password_again", "再次输入密码")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = named(QLabel(""), "first_run_message", "提示")
        self.message.setWordWrap(True)
        self.button = named(QPushButton("注册"), "first_run_button", "注册")
        self.button.setDefault(True)
        self.button.clicked.connect(self._submit)
        form = QFormLayout()
        if not admin_only:
            form.addRow("平台地址", self.platform)
            form.addRow("注册码", self.code)
        form.addRow("管理员用户名", self.admin_user)
        form.addRow("管理员姓名", self.admin_name)
        form.addRow("管理员密码", self.password)
        form.addRow("再次输入密码", self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        (self.password if admin_only else self.code).setFocus()

    def _submit(self) -> None:
        if self.password.text() != self.again.text():
            show_message(self.message, "两次输入的密码不一致。", "error")
            return
        self.button.setEnabled(False)
        show_message(self.message, "正在向平台注册…", "ok")
        url, code = self.platform.text().strip(), self.code.text().strip()
        admin = FirstAdmin(self.admin_user.text().strip(), self.admin_name.text().strip(), self.password.text())
        if self.admin_only:
            self.ops.run_write(lambda: create_first_admin(self.ctx, SYSTEM, admin), self._admin_ok, self._fail,
                               initiator=self)
            return
        self.ops.run_write(lambda: OpResult(enrol(self.ctx, SYSTEM, url, code, admin)), self._ok, self._fail,
                           initiator=self)

    def _ok(self, identity: AssignedIdentity) -> None:
        self.identity = identity
        self.accept()

    def _admin_ok(self, username: str) -> None:
        self.admin_created = username
        self.accept()

    def _fail(self, exc: Exception) -> None:
        self.button.setEnabled(True)
        text = error_text(exc)
        if getattr(exc, "code", "") in ("PLATFORM_UNREACHABLE", "PLATFORM_MAINTENANCE", "PLATFORM_ERROR"):
            # The request is kept on disk (app/usecases/enrolment.py): the same code fetches the answer.
            text += "\n注册请求已保存，网络恢复后再次点击注册即可（用同一注册码，注册码不会作废）。"
        show_message(self.message, text, "error")

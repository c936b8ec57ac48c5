"""锁定 / 切换用户: the window hides every personal detail behind this screen (Ctrl+L, or after
the idle time); the same clerk unlocks with her password, or another clerk takes over the window
(切换用户) without restarting the app."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.actor import Actor
from app.context import AppContext
from sync.login import SLOW_PLATFORM_NOTICE, LoginOutcome, login
from ui.operations import Operations, error_text
from ui.widgets import DelayedNotice, named, show_message


class LockScreen(QWidget):
    unlocked = Signal(object)  # LoginOutcome: the same clerk, or another one taking the window

    def __init__(self, ctx: AppContext, ops: Operations, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.ops = ctx, ops
        self.current: Actor | None = None
        self.setObjectName("lock_screen")
        self.title = QLabel("")
        self.title.setObjectName("section_title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = named(QLabel(""), "lock_who", "锁定的经办人")
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = named(QLineEdit(), "lock_username", "用户名")
        self.password = named(QLineEdit(), "lock_password", "密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = named(QLabel(""), "lock_message", "解锁提示")
        self.slow = DelayedNotice(self.message)  # the platform slow to answer: say so, and what comes next
        self.message.setWordWrap(True)
        self.message.hide()
        self.unlock_button = named(QPushButton("解锁 (Enter)"), "lock_unlock", "解锁")
        self.unlock_button.setDefault(True)
        self.switch_button = named(QPushButton("切换用户"), "lock_switch", "由其他经办人登录")
        # 切换用户 pressed by mistake, or the colleague walked away: back to this clerk's unlock.
        self.back_button = named(QPushButton("返回 (Esc)"), "lock_back", "返回解锁")
        form = QFormLayout()
        self.username_label = QLabel("用户名")
        form.addRow(self.username_label, self.username)
        form.addRow("密码", self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.switch_button)
        buttons.addWidget(self.back_button)
        box = QWidget()
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.who)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.switch_button.clicked.connect(self.switch_user)
        self.back_button.clicked.connect(self.back_to_unlock)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_to_unlock)

    def lock(self, current: Actor, reason: str = "") -> None:
        """Show the lock for `current`: only her name and window, nothing of any applicant."""
        self.current = current
        self.title.setText(f"{self.ctx.settings.get('hall_name')}\n窗口受理台 · 已锁定")
        self.who.setText(f"{current.display_name}（{current.username}）{current.window_no}")
        self._same_user_mode()
        if reason:
            show_message(self.message, reason, "warn")
        else:
            self.message.hide()
        self.password.clear()
        self.password.setFocus()

    def switch_user(self) -> None:
        """Another clerk takes the window: user name and password."""
        self.username.clear()
        self.username.setReadOnly(False)
        self.username_label.show()
        self.username.show()
        self.switch_button.hide()
        self.back_button.show()
        self.unlock_button.setText("登录 (Enter)")
        self.password.clear()
        self.username.setFocus()

    def back_to_unlock(self) -> None:
        if self.back_button.isHidden():
            return  # already the unlock form
        self._same_user_mode()
        self.message.hide()
        self.password.clear()
        self.password.setFocus()

    def _same_user_mode(self) -> None:
        self.username.setText(self.current.username if self.current else "")
        self.username_label.hide()
        self.username.hide()
        self.switch_button.show()
        self.back_button.hide()
        self.unlock_button.setText("解锁 (Enter)")
        self.unlock_button.setEnabled(True)

    def _submit(self) -> None:
        user, pw = self.username.text().strip(), self.password.text()
        if not user or not pw:
            show_message(self.message, "请输入密码。" if user else "请输入用户名和密码。", "warn")
            return
        self.unlock_button.setEnabled(False)
        self.slow.start("正在验证…", SLOW_PLATFORM_NOTICE)
        self.ops.run_read(lambda: login(self.ctx, user, pw), self._ok, self._fail)

    def _ok(self, outcome: LoginOutcome) -> None:
        self.slow.stop()
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.message.hide()
        self.unlocked.emit(outcome)

    def _fail(self, exc: Exception) -> None:
        self.slow.stop()
        self.unlock_button.setEnabled(True)
        show_message(self.message, error_text(exc), "error")
        self.password.selectAll()
        self.password.setFocus()

"""The main window: intake and case tabs, and a status bar that tells the clerk who she is,
where she sits, whether the platform is reachable, and what waits to be sent."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from app.actor import Actor
from app.changes import Changes
from app.context import AppContext
from app.permissions import ROLE_LABELS, Perm, can
from app.usecases.auth import unlock_account
from app.usecases.backups import daily_backup
from app.usecases.decisions import sweep_deemed_acceptances
from app.usecases.queries import StatusSummary, status_summary
from sync.login import LoginOutcome
from sync.scheduler import SyncStatus
from ui.cases_view import CasesView
from ui.devices.settings_dialog import DeviceSettingsDialog
from ui.devices.setup import open_devices
from ui.devices.status_widget import DeviceStatusWidget
from ui.idle import IdleWatcher
from ui.intake.view import IntakeView
from ui.lock_screen import LockScreen
from ui.operations import Operations, error_text
from ui.pauses import freeze_startup_objects, hand_over_gil_quickly
from ui.pickup.view import PickupView
from ui.sync.attention_dialog import AttentionDialog
from ui.sync.bridge import SyncBridge
from ui.sync.status_widget import SyncStatusWidget
from ui.widgets import named, training_banner

if TYPE_CHECKING:
    from ui.printing.preview_dialog import PreviewDialog

log = logging.getLogger("clerkdesk.ui")
SWEEP_INTERVAL_MS = 5 * 60 * 1000  # deemed acceptances fall due at midnight; a few minutes late is fine


class MainWindow(QMainWindow):
    # The day's backup exports the whole database. Not in the first minute: that is when the
    # first sync pushes what queued overnight and the clerk starts work, and the export beside
    # them stretched the window's largest pause during a 10,000-event push by 20–30 ms.
    BACKUP_AFTER_OPEN_MS = 60_000
    # The sync thread's first cycle (the night's queue) waits until the window has painted and
    # loaded its first lists. On one loaded core, with 2,000 events queued, the largest pause from
    # show() on was 42–86 ms (median 61) when the push started at once, 21–88 ms (median 36) when
    # it waited (five interleaved pairs, issue 15, slow profile; the machine was noisy).
    SYNC_AFTER_SHOW_MS = 1000

    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor, sync: SyncBridge | None = None):
        super().__init__()
        self.ctx, self.ops, self.actor = ctx, ops, actor
        self.sync = sync if sync is not None else SyncBridge(ctx, self)
        self.devices = open_devices(ctx, self)
        self.attention_dialog: AttentionDialog | None = None
        self.device_dialog: DeviceSettingsDialog | None = None
        self.previews: list[PreviewDialog] = []
        self.setObjectName("main_window")
        self.setWindowTitle(f"ClerkDesk 窗口受理台 — {ctx.settings.get('hall_name')}")
        self.tabs = named(QTabWidget(), "main_tabs", "功能页")
        self.lock_screen = LockScreen(ctx, ops)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.lock_screen)
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        self.training_banner = training_banner(ctx)
        if self.training_banner is not None:  # every screen of the training room says so
            cl.addWidget(self.training_banner)
            self.setWindowTitle("【培训】" + self.windowTitle())
        cl.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.intake: IntakeView | None = None
        self.cases: CasesView
        self._build_views()
        self._build_status_bar()
        ops.changed.connect(self.on_changed)
        QShortcut(QKeySequence("F2"), self).activated.connect(lambda: self.intake and self._show_tab(self.intake))
        QShortcut(QKeySequence("F3"), self).activated.connect(lambda: self._show_tab(self.cases))
        QShortcut(QKeySequence("F5"), self).activated.connect(lambda: self.pickup and self._show_tab(self.pickup))
        QShortcut(QKeySequence("F12"), self).activated.connect(self.sync.sync_now)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(lambda: self.lock())
        QShortcut(QKeySequence("Ctrl+Shift+U"), self).activated.connect(lambda: self.unlock_account())
        QShortcut(QKeySequence("Ctrl+Shift+D"), self).activated.connect(lambda: self.open_device_settings())
        self.sync.status_changed.connect(self._show_sync_status)
        self.sync.changes_arrived.connect(self._platform_changes)
        self._show_sync_status(self.sync.status)
        hand_over_gil_quickly()  # before the sync thread starts sharing the GIL with the window
        self.sync_start = QTimer(self)  # started by the first showEvent
        self.sync_start.setSingleShot(True)
        self.sync_start.timeout.connect(self.sync.start)
        self._shown_once = False
        freeze_startup_objects()
        self.sweeper = QTimer(self)
        self.sweeper.setInterval(SWEEP_INTERVAL_MS)
        self.sweeper.timeout.connect(self.sweep)
        self.sweeper.start()
        self.first_backup = QTimer(self)
        self.first_backup.setSingleShot(True)
        self.first_backup.timeout.connect(self.backup_daily)
        self.first_backup.start(self.BACKUP_AFTER_OPEN_MS)
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self._idle_lock)
        self.refresh_status()
        self._show_tab(self.intake or self.pickup or self.cases)

    # --- who is at the window ---------------------------------------------------------
    def _build_views(self) -> None:
        """The tabs for the clerk logged in now: each view acts as her (rebuilt on 切换用户)."""
        while self.tabs.count():
            old = self.tabs.widget(0)
            self.tabs.removeTab(0)
            old.deleteLater()
        actor = self.actor
        self.intake = None
        if can(actor.role, Perm.CASE_INTAKE):
            self.intake = IntakeView(self.ctx, self.ops, actor, devices=self.devices)
            self.tabs.addTab(self.intake, "窗口收件 (F2)")
            self.intake.documents_issued.connect(self.show_documents)
        self.pickup = None
        if can(actor.role, Perm.CASE_HANDOVER):
            self.pickup = PickupView(self.ctx, self.ops, actor, devices=self.devices)
            self.tabs.addTab(self.pickup, "发证窗口 (F5)")
            self.pickup.documents_issued.connect(self.show_documents)
        self.cases = CasesView(self.ctx, self.ops, actor)
        self.tabs.addTab(self.cases, "办件查询 (F3)")
        self.cases.documents_issued.connect(self.show_documents)

    # The size the screens are laid out for; a smaller screen (1366×768, the oldest halls'
    # 1024×768) gets the window maximised instead, so nothing lies below the taskbar.
    PREFERRED_SIZE = (1366, 800)

    def show_fitted(self) -> None:
        room = self.screen().availableGeometry()
        width, height = self.PREFERRED_SIZE
        if room.width() < width or room.height() < height:
            self.setGeometry(room)  # the whole room even where nothing manages windows
            self.showMaximized()
            return
        self.resize(width, height)
        self.move(room.center() - self.rect().center())
        self.show()

    @property
    def locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_screen

    def lock(self, reason: str = "") -> None:
        """Hide every personal detail (the tabs, open documents, the attention list) until the
        clerk unlocks or another clerk takes the window."""
        for dlg in [*self.previews, self.attention_dialog, self.device_dialog]:  # a test read shows a name
            if dlg is not None:
                dlg.hide()
        self.lock_screen.lock(self.actor, reason)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_button.setEnabled(False)

    def _idle_lock(self, minutes: int) -> None:
        if not self.locked:
            self.lock(f"超过 {minutes} 分钟无操作，已自动锁定以保护申请人信息。")

    def _unlocked(self, outcome: LoginOutcome) -> None:
        if outcome.actor.username != self.actor.username:  # 切换用户: the window is hers now
            for dlg in list(self.previews):
                dlg.close()
            if self.attention_dialog is not None:
                self.attention_dialog.deleteLater()
                self.attention_dialog = None
            if self.device_dialog is not None:
                self.device_dialog.deleteLater()
                self.device_dialog = None
            self.actor = outcome.actor
            self._build_views()
            self._show_actor()
            self.refresh_status()
        else:
            for dlg in self.previews:
                dlg.show()
        self.stack.setCurrentWidget(self.tabs)
        self.lock_button.setEnabled(True)
        self.idle.touch()
        self._show_tab(self.intake or self.pickup or self.cases)

    def _show_tab(self, widget) -> None:  # noqa: ANN001
        if self.locked:
            return
        self.tabs.setCurrentWidget(widget)
        if widget is self.intake:
            self.intake.finder.focus_search()
        elif widget is self.pickup:
            self.pickup.scan.setFocus()
        else:
            self.cases.search.setFocus()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.clerk_label = named(QLabel(""), "status_clerk", "当前经办人")
        self.window_label = named(QLabel(""), "status_window", "窗口")
        self.lock_button = named(QPushButton("锁定"), "status_lock", "锁定或切换用户")
        self.lock_button.setToolTip("锁定窗口，隐藏申请人信息；解锁或切换用户（Ctrl+L）")
        self.lock_button.setFlat(True)
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.clicked.connect(lambda: self.lock())
        self._show_actor()
        # Short words in a crowded bar (1366 px): what each label is, the tooltip says.
        self.terminal_label = named(QLabel(self.ctx.settings.get("terminal_id")), "status_terminal", "终端编号")
        self.terminal_label.setToolTip("本终端编号")
        self.device_status = DeviceStatusWidget(self.devices)
        self.sync_status = SyncStatusWidget()
        self.sync_status.sync_requested.connect(self.sync.sync_now)
        self.sync_status.attention_requested.connect(self.open_attention)
        self.network_label, self.queue_label = self.sync_status.text, self.sync_status.queue
        self.warn_label = named(QLabel(""), "status_warnings", "期限预警")
        self.numbers_label = named(QLabel(""), "status_numbers", "本机可用办件编号")
        for w in (self.clerk_label, self.window_label, self.terminal_label, self.lock_button):
            bar.addWidget(w)
        bar.addPermanentWidget(self.device_status)
        bar.addPermanentWidget(self.warn_label)
        bar.addPermanentWidget(self.numbers_label)
        bar.addPermanentWidget(self.sync_status)
        self._fit_status_bar()

    def _show_actor(self) -> None:
        a = self.actor
        self.clerk_label.setText(a.display_name)
        # The tooltip says all of it: on a narrow screen the window and terminal labels make room.
        self.clerk_label.setToolTip(f"{a.display_name}（{a.username}）· {ROLE_LABELS[a.role]} · {a.window_no or '—'}"
                                    f" · 终端 {self.ctx.settings.get('terminal_id')}")
        self.window_label.setText(a.window_no or "—")
        self.window_label.setToolTip("窗口")
        self._fit_status_bar()

    def _fit_status_bar(self) -> None:
        """On a 1024-px screen the bar holds more than fits, and Qt lets its widgets overlap
        (the network state became "在纟"). What a glance needs stays (who, devices, numbers,
        the link, the queue); the terminal's id, then the window's name, give way first."""
        if not hasattr(self, "sync_status"):
            return  # the bar is still being built (the first resize, the first actor)
        bar = self.statusBar()
        if bar.currentMessage():
            return  # a passing message hides these labels itself; showing them would cover it
        for w in (self.terminal_label, self.window_label):
            w.show()
        for w in (self.terminal_label, self.window_label):
            if bar.sizeHint().width() <= self.width():
                break
            w.hide()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 — Qt API
        super().resizeEvent(event)
        self._fit_status_bar()

    def refresh_status(self) -> None:
        self.ops.run_read(lambda: status_summary(self.ctx), self._show_status)

    def _show_status(self, s: StatusSummary) -> None:
        low = s.numbers_left < 50  # a station offline for days must see this coming
        self.numbers_label.setText(f"可用编号：{s.numbers_left}")
        self.numbers_label.setStyleSheet("color:#a12a2a;font-weight:bold;" if low else "")
        parts = []
        if s.overdue:
            parts.append(f"<span style='color:#a12a2a'>超期 {s.overdue}</span>")
        if s.near_deadline - s.overdue > 0:
            parts.append(f"<span style='color:#8a6d00'>临期 {s.near_deadline - s.overdue}</span>")
        if s.awaiting_supplement:
            parts.append(f"待补正 {s.awaiting_supplement}")
        self.warn_label.setText("　".join(parts))
        self.warn_label.setVisible(bool(parts))  # an empty label still takes its spacing in a full bar
        self._fit_status_bar()  # deadline warnings widen the bar

    def on_changed(self, changes: Changes, initiator: object = None) -> None:
        self.cases.on_changed(changes, initiator)
        if self.pickup is not None:
            self.pickup.on_changed(changes, initiator)
        if changes.catalog and self.intake is not None:
            self.intake.reload_catalog()
        self.refresh_status()
        if initiator is self.sync:  # the platform's own news: no sync back for it
            return
        self.ops.run_read(self.sync.refresh_counts, lambda _none: None)
        if changes.cases or changes.outbox:
            self.sync.sync_now()  # a decision taken here reaches the platform within seconds when online

    def _platform_changes(self, changes: Changes) -> None:
        """What a sync brought (catalog, progress) refreshes the views like a local change; the
        sync is its initiator, so it does not ask for yet another sync."""
        self.ops.changed.emit(changes, self.sync)

    def _show_sync_status(self, status: SyncStatus) -> None:
        self.sync_status.show_status(status, self.ctx.now())

    def open_attention(self) -> None:
        if self.attention_dialog is None:
            self.attention_dialog = AttentionDialog(self.ctx, self.ops, self.actor, on_resolved=self.sync.sync_now)
            self.attention_dialog.setParent(self, self.attention_dialog.windowFlags())
            self.attention_dialog.open_case.connect(self._open_case)
        self.attention_dialog.reload()
        self.attention_dialog.show()
        self.attention_dialog.raise_()
        self.attention_dialog.activateWindow()

    def show_documents(self, document_ids: list[int]) -> PreviewDialog:
        """The decision's paper at once: preview, then print (a window, so the queue can go on)."""
        from ui.printing.preview_dialog import PreviewDialog  # the printing stack loads on first print

        dlg = PreviewDialog(self.ctx, self.ops, self.actor, document_ids, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.finished.connect(lambda _r, d=dlg: self._preview_closed(d))
        self.previews.append(dlg)
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()
        return dlg

    def _preview_closed(self, dlg: PreviewDialog) -> None:
        if dlg in self.previews:
            self.previews.remove(dlg)
        if self.tabs.currentWidget() is self.intake and self.intake is not None:
            self.activateWindow()
            self.intake.finder.focus_search()  # ready for the next applicant
        elif self.tabs.currentWidget() is self.pickup and self.pickup is not None:
            self.activateWindow()
            self.pickup.scan.setFocus()  # ready for the next scan

    def _open_case(self, number: str) -> None:
        self._show_tab(self.cases)
        self.cases.open_case(number)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 — Qt API
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.sync_start.start(self.SYNC_AFTER_SHOW_MS)
        # Focus set before the window is on screen does not stick: give it to the first field now.
        QTimer.singleShot(0, lambda: self.locked or self._show_tab(self.tabs.currentWidget()))

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 — Qt API
        self.sync_start.stop()
        self.first_backup.stop()
        self.sweeper.stop()
        self.idle.stop()
        self.devices.shutdown()
        self.sync.stop()
        self.ops.shutdown()
        super().closeEvent(event)

    def sweep(self) -> None:
        self.ops.run_write(lambda: sweep_deemed_acceptances(self.ctx))
        self.backup_daily()

    def unlock_account(self, username: str | None = None) -> None:
        """值班主任 unlocks a clerk locked out by wrong passwords (Ctrl+Shift+U)."""
        if not can(self.actor.role, Perm.ACCOUNT_UNLOCK):
            self.statusBar().showMessage("只有值班主任或系统管理员可以解锁账号。", 5000)
            return
        if username is None:
            from PySide6.QtWidgets import QInputDialog

            username, ok = QInputDialog.getText(self, "解锁账号", "要解锁的用户名：")
            if not ok or not username.strip():
                return
        self.ops.run_write(lambda: unlock_account(self.ctx, self.actor, username),
                           lambda name: self.statusBar().showMessage(f"账号 {name} 已解锁。", 8000),
                           lambda exc: self.statusBar().showMessage(error_text(exc), 8000))

    def open_device_settings(self) -> DeviceSettingsDialog | None:
        """设备设置 (Ctrl+Shift+D): the system administrator sets this window's devices and tests them."""
        if self.locked:
            return None
        if not can(self.actor.role, Perm.SYNC_CONFIGURE):
            self.statusBar().showMessage("只有系统管理员可以设置本窗口的设备。", 5000)
            return None
        if self.device_dialog is None:
            self.device_dialog = DeviceSettingsDialog(self.ctx, self.ops, self.actor, self.devices, self)
        self.device_dialog.show()
        self.device_dialog.raise_()
        self.device_dialog.activateWindow()
        return self.device_dialog

    def backup_daily(self) -> None:
        """The day's encrypted backup (the first start or sweep of the day; two weeks kept)."""
        paths, now = self.ctx.paths, self.ctx.now()
        self.ops.run_read(lambda: daily_backup(paths, now), lambda _check: None,
                          lambda exc: log.warning("daily backup failed: %s", getattr(exc, "code", exc)))

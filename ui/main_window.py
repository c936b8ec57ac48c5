"""The main window: intake and case tabs, and a status bar that tells the clerk who she is,
where she sits, whether the platform is reachable, and what waits to be sent."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from app.actor import Actor
from app.changes import Changes
from app.context import AppContext
from app.permissions import ROLE_LABELS, Perm, can
from app.usecases.decisions import sweep_deemed_acceptances
from app.usecases.queries import StatusSummary, status_summary
from ui.cases_view import CasesView
from ui.intake.view import IntakeView
from ui.operations import Operations
from ui.widgets import named

SWEEP_INTERVAL_MS = 5 * 60 * 1000  # deemed acceptances fall due at midnight; a few minutes late is fine


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor):
        super().__init__()
        self.ctx, self.ops, self.actor = ctx, ops, actor
        self.setObjectName("main_window")
        self.setWindowTitle(f"ClerkDesk 窗口受理台 — {ctx.setting('hall_name')}")
        self.tabs = named(QTabWidget(), "main_tabs", "功能页")
        self.intake: IntakeView | None = None
        if can(actor.role, Perm.CASE_INTAKE):
            self.intake = IntakeView(ctx, ops, actor)
            self.tabs.addTab(self.intake, "窗口收件 (F2)")
        self.cases = CasesView(ctx, ops, actor)
        self.tabs.addTab(self.cases, "办件查询 (F3)")
        self.setCentralWidget(self.tabs)
        self._build_status_bar()
        ops.changed.connect(self.on_changed)
        for key, widget in (("F2", self.intake), ("F3", self.cases)):
            if widget is not None:
                sc = QShortcut(QKeySequence(key), self)
                sc.activated.connect(lambda w=widget: self._show_tab(w))
        self.sweeper = QTimer(self)
        self.sweeper.setInterval(SWEEP_INTERVAL_MS)
        self.sweeper.timeout.connect(self.sweep)
        self.sweeper.start()
        self.refresh_status()
        if self.intake is not None:
            self.intake.finder.focus_search()

    def _show_tab(self, widget) -> None:  # noqa: ANN001
        self.tabs.setCurrentWidget(widget)
        if widget is self.intake:
            self.intake.finder.focus_search()
        else:
            self.cases.search.setFocus()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        a = self.actor
        self.clerk_label = named(QLabel(f"经办人：{a.display_name}（{ROLE_LABELS[a.role]}）"), "status_clerk", "当前经办人")
        self.window_label = named(QLabel(f"窗口：{a.window_no or '—'}"), "status_window", "窗口")
        self.terminal_label = named(QLabel(f"终端：{self.ctx.setting('terminal_id')}"), "status_terminal", "终端编号")
        # No platform link yet (the sync issue adds it): the terminal works offline.
        self.network_label = named(QLabel("● 离线（本机保存，联网后上传）"), "status_network", "网络状态")
        self.network_label.setStyleSheet("color:#8a6d00;")
        self.queue_label = named(QLabel(""), "status_queue", "待上传事件数")
        self.warn_label = named(QLabel(""), "status_warnings", "期限预警")
        self.numbers_label = named(QLabel(""), "status_numbers", "本机可用办件编号")
        for w in (self.clerk_label, self.window_label, self.terminal_label, self.network_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.warn_label)
        bar.addPermanentWidget(self.numbers_label)
        bar.addPermanentWidget(self.queue_label)

    def refresh_status(self) -> None:
        self.ops.run_read(lambda: status_summary(self.ctx), self._show_status)

    def _show_status(self, s: StatusSummary) -> None:
        self.queue_label.setText(f"待上传：{s.queued_events} 条")
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

    def on_changed(self, changes: Changes) -> None:
        self.cases.on_changed(changes)
        if changes.catalog and self.intake is not None:
            self.intake.reload_catalog()
        self.refresh_status()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 — Qt API
        self.sweeper.stop()
        self.ops.shutdown()
        super().closeEvent(event)

    def sweep(self) -> None:
        self.ops.run_write(lambda: sweep_deemed_acceptances(self.ctx))

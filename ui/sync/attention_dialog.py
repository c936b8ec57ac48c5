"""需人工处理: events the platform sent back, each with its reason, settled by a supervisor —
send again once the cause is fixed, or mark as known and settled outside the sync. A clerk
sees the list (she may be asked about a case) but cannot settle it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.actor import Actor
from app.case_states import ACTION_LABELS, Action
from app.changes import Changes
from app.context import AppContext
from app.permissions import Perm, can
from app.rules.case_number import display_case_number
from app.rules.text import mask_personal_data
from app.usecases.sync_state import AttentionView, list_attention, resolve_attention
from ui.operations import Operations, error_text
from ui.widgets import named, resize_within_screen, show_message

COLUMNS = ["办件编号", "操作", "平台退回原因", "发生时间", "其后等待"]


def event_label(kind: str) -> str:
    """case.accept → 受理; the receive event is not a state action."""
    name = kind.removeprefix("case.")
    if name == "receive":
        return "收件"
    try:
        return ACTION_LABELS[Action(name)]
    except ValueError:
        return kind


class AttentionDialog(QDialog):
    open_case = Signal(str)

    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor, on_resolved: Callable[[], None] | None = None):
        super().__init__()
        self.ctx, self.ops, self.actor = ctx, ops, actor
        self._on_resolved = on_resolved
        self.items: list[AttentionView] = []
        self.setObjectName("attention_dialog")
        self.setWindowTitle("平台退回 — 需人工处理")
        resize_within_screen(self, 1100, 520)
        self._build()
        ops.changed.connect(self._on_changed)
        self.reload()

    def _build(self) -> None:
        may = can(self.actor.role, Perm.SYNC_RESOLVE)
        intro = QLabel("以下操作已在本机保存，但政务服务平台拒绝接收。同一办件的后续操作暂停上传，其他办件不受影响。"
                       + ("" if may else "\n请报告科长或系统管理员处理。"))
        intro.setWordWrap(True)
        self.table = named(QTableWidget(0, len(COLUMNS)), "attention_table", "需处理的退回事件")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _i: self._open_selected())
        self.note = named(QLineEdit(), "attention_note", "处理说明")
        self.note.setPlaceholderText("处理说明（选择“已知悉，不再发送”时必填，例如：已电话告知市场监管局）")
        self.message = named(QLabel(""), "attention_message", "处理结果")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.requeue_button = named(QPushButton("原因已排除，重新发送"), "attention_requeue", "重新发送")
        self.ack_button = named(QPushButton("已知悉，不再发送"), "attention_acknowledge", "已知悉不再发送")
        self.open_button = named(QPushButton("查看办件"), "attention_open_case", "查看办件")
        close = named(QPushButton("关闭 (Esc)"), "attention_close", "关闭")
        self.requeue_button.clicked.connect(lambda: self._resolve("requeue"))
        self.ack_button.clicked.connect(lambda: self._resolve("acknowledge"))
        self.open_button.clicked.connect(self._open_selected)
        close.clicked.connect(self.reject)
        for b in (self.requeue_button, self.ack_button):
            b.setEnabled(may)
        self.note.setEnabled(may)
        buttons = QHBoxLayout()
        for b in (self.requeue_button, self.ack_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def reload(self, keep_message: bool = False) -> None:
        self.ops.run_read(lambda: list_attention(self.ctx), lambda items: self._show(items, keep_message))

    def _show(self, items: list[AttentionView], keep_message: bool = False) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, it in enumerate(items):
            cells = [display_case_number(it.case_number) if it.case_number else "—", event_label(it.event_kind),
                     # the platform's reason may quote the event (an ID number, a phone): masked in a list
                     f"{mask_personal_data(it.reason)}（{it.code}）", it.occurred_at[:16].replace("T", " "),
                     f"{it.held_events} 条" if it.held_events else "—"]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()
        if items:
            self.table.selectRow(0)
        elif not keep_message:  # after our own resolution the clerk reads what was done
            show_message(self.message, "没有需要处理的退回事件。", "ok")
        has = bool(items)
        for b in (self.requeue_button, self.ack_button):
            b.setEnabled(has and can(self.actor.role, Perm.SYNC_RESOLVE))
        self.open_button.setEnabled(has)

    def _selected(self) -> AttentionView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _resolve(self, resolution: str) -> None:
        item = self._selected()
        if item is None:
            show_message(self.message, "请先在列表中选中一条。", "warn")
            return
        note = self.note.text()
        self.ops.run_write(lambda: resolve_attention(self.ctx, self.actor, item.item_id, resolution, note),
                           lambda _v: self._resolved(item), self._failed, initiator=self)

    def _resolved(self, item: AttentionView) -> None:
        self.note.clear()
        show_message(self.message, f"办件 {display_case_number(item.case_number)} 的“{event_label(item.event_kind)}”已处理。",
                     "ok")
        self.reload(keep_message=True)
        if self._on_resolved is not None:
            self._on_resolved()

    def _failed(self, exc: Exception) -> None:
        show_message(self.message, error_text(exc), "error")
        if any(p.field == "note" for p in getattr(exc, "problems", [])):
            self.note.setFocus()

    def _open_selected(self) -> None:
        item = self._selected()
        if item is not None and item.case_number:
            self.open_case.emit(item.case_number)

    def _on_changed(self, changes: Changes, initiator: object = None) -> None:
        if changes.outbox and initiator is not self:
            self.reload()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802 — Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)

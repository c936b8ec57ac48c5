"""办件查询: today's, mine, awaiting supplementation, near/past deadline, or search by number,
ID or name; open a case, see its timeline, and take the next step it allows."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.actor import Actor
from app.case_states import Action
from app.changes import Changes
from app.context import AppContext
from app.permissions import Perm, can
from app.usecases.catalog import ItemGuide, item_guide
from app.usecases.decisions import (
    correct_on_spot,
    decide_case,
    preview_case_supplement,
    remedy_preview,
    resubmit_materials,
    withdraw_case,
)
from app.usecases.documents import certificate_defaults, documents_for_case, issue_certificate
from app.usecases.procedures import end_special_procedure, procedures_for, start_special_procedure
from app.usecases.queries import FILTER_LABELS, CaseDetail, CaseFilter, case_detail, list_cases
from ui.case_detail_view import detail_html
from ui.case_table import CaseTableModel
from ui.intake.decision_dialogs import CorrectionDialog, ask_decision, assemble, dialog_buttons
from ui.intake.materials_panel import MaterialsPanel
from ui.operations import Operations, error_text
from ui.widgets import named, show_message


class ResubmitDialog(QDialog):
    """补正材料送达: tick the materials as they come back (same case, new round)."""

    def __init__(self, guide: ItemGuide, detail: CaseDetail, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resubmit_dialog")
        self.setWindowTitle(f"补正材料送达 — {detail.item_name}")
        self.setMinimumWidth(900)
        self.panel = MaterialsPanel(self)
        self.panel.set_materials(guide.materials, today)
        # What the last round received is already ticked: the clerk changes only what came back.
        self.panel.preset([m for m in detail.submissions if m.round == detail.round])
        assemble(self, [QLabel("上一轮已收的材料已按原样勾选，请登记本次补齐补正送达的材料："), self.panel],
                 dialog_buttons("登记补正材料", "resubmit_confirm", "取消", "resubmit_cancel"))


class CasesView(QWidget):
    documents_issued = Signal(object)  # list of document ids to preview and print

    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.ops, self.actor = ctx, ops, actor
        self.detail: CaseDetail | None = None
        self._asked = self._opened = 0  # the latest list / detail request; earlier answers are dropped
        self.filters = named(QListWidget(), "case_filters", "办件分类")
        for f in CaseFilter:
            self.filters.addItem(FILTER_LABELS[f])
            self.filters.item(self.filters.count() - 1).setData(Qt.ItemDataRole.UserRole, f.value)
        self.filters.setCurrentRow(0)
        self.filters.setMaximumWidth(180)
        self.search = named(QLineEdit(), "case_search", "按办件编号、身份证号或姓名查找")
        self.search.setPlaceholderText("办件编号 / 证件号码 / 申请人姓名，回车查找")
        self.search.setClearButtonEnabled(True)
        self.model = CaseTableModel()
        self.table = named(QTableView(), "case_table", "办件列表")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the item name takes what is left
        self.table.installEventFilter(self)  # a narrow list lets its least needed columns go (_fit_columns)
        # New rows can widen a column (a longer 期限, a clerk's name) as much as a resize narrows the list.
        self.model.modelReset.connect(lambda: QTimer.singleShot(0, self, self._fit_columns))
        self.table.setAlternatingRowColors(False)
        self.count = QLabel("")
        self.browser = named(QTextBrowser(), "case_detail", "办件详情")
        self.message = named(QLabel(""), "case_message", "办件操作提示")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = {
            "accept": named(QPushButton("受理"), "case_accept", "受理"),
            "request_supplement": named(QPushButton("一次性告知"), "case_supplement", "一次性告知补齐补正"),
            "reject": named(QPushButton("不予受理"), "case_reject", "不予受理"),
            "correct_on_spot": named(QPushButton("当场更正"), "case_correct", "当场更正"),
            "resubmit": named(QPushButton("补正材料送达"), "case_resubmit", "补正材料送达"),
            "suspend_clock": named(QPushButton("进入特别程序"), "case_suspend", "进入特别程序"),
            "resume_clock": named(QPushButton("特别程序结束"), "case_resume", "特别程序结束"),
            "withdraw": named(QPushButton("撤回申请"), "case_withdraw", "撤回申请"),
        }
        self.documents_button = named(QPushButton("文书 / 补打"), "case_documents", "查看和补打文书")
        self.certificate_button = named(QPushButton("打印证照"), "case_certificate", "打印证照")
        self._build()
        self._wire()
        self.refresh()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        mid = QWidget()
        ml = QVBoxLayout(mid)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addLayout(top)
        ml.addWidget(self.table, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.message)
        rl.addWidget(self.browser, 1)
        # Two rows: the case's next steps, then withdrawal and the papers. In one row, the six
        # buttons of a case awaiting its decision made the pane 620 px wide at least, and on a
        # 1366-px screen the list's 事项 column shrank to "…".
        steps, papers = QHBoxLayout(), QHBoxLayout()
        for key, b in self.buttons.items():
            (papers if key == "withdraw" else steps).addWidget(b)
        for b in (self.documents_button, self.certificate_button):
            papers.addWidget(b)
        for row in (steps, papers):
            row.addStretch(1)
            rl.addLayout(row)
        for b in (*self.buttons.values(), self.documents_button, self.certificate_button):
            b.hide()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.filters)
        split.addWidget(mid)
        split.addWidget(right)
        split.setSizes([150, 760, 460])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    # On a 1024-px screen, with a case open, the list had 500 px: 事项 shrank to "个…" and 期限
    # and 经办人 went behind a sideways scroll. These give way first, in this order: 经办人, 收件时间.
    OPTIONAL_COLUMNS = (6, 4)
    ITEM_COLUMN_MIN = 60  # "个体工…": at 1024 px with a case open that is all there is (its detail names it in full)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt API
        if obj is self.table and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            QTimer.singleShot(0, self, self._fit_columns)
        return super().eventFilter(obj, event)

    def _fit_columns(self) -> None:
        if not self.table.isVisible():
            return  # another tab is in front: the viewport's size is stale; showing the list fits it
        header, room = self.table.horizontalHeader(), self.table.viewport().width()

        def others() -> int:  # what every shown column but 事项 needs
            return sum(header.sectionSize(c) for c in range(self.model.columnCount())
                       if c != 1 and not self.table.isColumnHidden(c))  # sized to their contents

        for c in self.OPTIONAL_COLUMNS:
            self.table.setColumnHidden(c, False)
        for c in self.OPTIONAL_COLUMNS:
            if others() + self.ITEM_COLUMN_MIN <= room:
                break
            self.table.setColumnHidden(c, True)

    def _wire(self) -> None:
        self.filters.currentRowChanged.connect(lambda _r: self.refresh())
        self.search.returnPressed.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._open_row(cur.row()))
        self.table.activated.connect(lambda idx: self._open_row(idx.row()))
        self.documents_button.clicked.connect(self._documents)
        self.certificate_button.clicked.connect(self._certificate)
        self.buttons["accept"].clicked.connect(lambda: self._decide(Action.ACCEPT))
        self.buttons["request_supplement"].clicked.connect(lambda: self._decide(Action.REQUEST_SUPPLEMENT))
        self.buttons["reject"].clicked.connect(lambda: self._decide(Action.REJECT))
        self.buttons["resubmit"].clicked.connect(self._resubmit)
        self.buttons["correct_on_spot"].clicked.connect(self._correct)
        self.buttons["suspend_clock"].clicked.connect(self._suspend)
        self.buttons["resume_clock"].clicked.connect(self._resume)
        self.buttons["withdraw"].clicked.connect(self._withdraw)
        sc = QShortcut(QKeySequence("Ctrl+F"), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(lambda: (self.search.setFocus(), self.search.selectAll()))

    # --- data ---------------------------------------------------------------------
    def current_filter(self) -> CaseFilter:
        item = self.filters.currentItem()
        return CaseFilter(item.data(Qt.ItemDataRole.UserRole)) if item else CaseFilter.TODAY

    def refresh(self) -> None:
        # A search looks within the filter the clerk chose (choose 全部 to search everything):
        # the list never shows a case the chosen filter excludes.
        which, text = self.current_filter(), self.search.text()
        # Reads run in parallel: an older answer arriving late must not replace a newer one.
        self._asked += 1
        asked = self._asked
        self.ops.run_read(lambda: list_cases(self.ctx, self.actor, which, text),
                          lambda rows: asked == self._asked and self._rows_loaded(rows, which, text), self._error)

    def on_changed(self, changes: Changes, initiator: object = None) -> None:
        if initiator is self:  # our own step: `_after_write` has refreshed already
            return
        if changes.cases:
            self.refresh()
            if self.detail and self.detail.number in changes.cases:
                self.open_case(self.detail.number)

    def _rows_loaded(self, rows: list, which: CaseFilter = CaseFilter.ALL, text: str = "") -> None:
        keep = self.detail.number if self.detail else None
        self.model.set_rows(rows)
        where = f"「{FILTER_LABELS[which]}」中" if text.strip() and which != CaseFilter.ALL else ""
        self.count.setText(f"{where}{len(rows)} 件")
        if keep and any(r.number == keep for r in rows):
            self.table.selectRow(next(i for i, r in enumerate(rows) if r.number == keep))
        else:
            if keep:
                self.clear_detail()  # the case in the pane is no longer in the list
            if len(rows) == 1:
                self.table.selectRow(0)

    def clear_detail(self) -> None:
        self.detail = None
        self.browser.setHtml("<p style='color:#666'>在左侧列表中选择一件办件查看详情。</p>")
        for b in (*self.buttons.values(), self.documents_button, self.certificate_button):
            b.hide()

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.open_case(self.model.rows[row].number)

    def open_case(self, number: str) -> None:
        self._opened += 1
        opened = self._opened
        self.ops.run_read(lambda: case_detail(self.ctx, self.actor, number),
                          lambda d: opened == self._opened and self._show_detail(d), self._error)

    def _show_detail(self, d: CaseDetail) -> None:
        self.detail = d
        self.browser.setHtml(detail_html(d))
        # The workflow decides what this clerk may do next (CaseDetail.next_actions); the screen shows it.
        offered = set(d.next_actions)
        for key, b in self.buttons.items():
            b.setVisible(key in offered)
        # Seeing a document is printing it (the preview is the print job): only for those who print.
        self.documents_button.setVisible(can(self.actor.role, Perm.DOCUMENT_PRINT))
        self.certificate_button.setVisible("print_certificate" in offered and bool(_certificate_type(d.item_code)))

    # --- documents -------------------------------------------------------------------
    def _documents(self) -> None:
        d = self.detail
        if d is None:
            return
        number = d.number

        def show(docs: list) -> None:
            if docs:
                self.documents_issued.emit([doc.id for doc in docs])
            else:
                show_message(self.message, "这个办件还没有出具文书。", "warn")

        self.ops.run_read(lambda: documents_for_case(self.ctx, number), show, self._error)

    def _certificate(self) -> None:
        d = self.detail
        if d is None:
            return
        from printing import certificate_form  # the printing stack loads on first print, not at start

        number, kind = d.number, _certificate_type(d.item_code) or ""

        def load() -> tuple:
            return certificate_form(kind), certificate_defaults(self.ctx, self.actor, number)

        self.ops.run_read(load, lambda got: self._ask_certificate(number, kind, *got), self._error)

    def _ask_certificate(self, number: str, kind: str, specs: tuple, defaults: dict[str, str]) -> None:
        from ui.printing.certificate_dialog import CertificateDialog

        dlg = CertificateDialog(self.detail.item_name if self.detail else kind, specs, defaults, self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        values = dlg.values()
        self.ops.run_write(lambda: issue_certificate(self.ctx, self.actor, number, kind, specs, values),
                           lambda doc: self.documents_issued.emit([doc.id]), self._error)

    # --- actions -------------------------------------------------------------------
    def _write(self, fn, done_text: str) -> None:  # noqa: ANN001
        def done(_value: object) -> None:
            show_message(self.message, done_text, "ok")
            self._after_write()

        self.ops.run_write(fn, done, self._error, initiator=self)

    def _after_write(self) -> None:
        self.refresh()
        if self.detail is not None:
            self.open_case(self.detail.number)

    def _decide(self, action: Action) -> None:
        d = self.detail
        if d is None:
            return
        if action == Action.REQUEST_SUPPLEMENT:  # the list to confirm is read off the UI thread first
            self.ops.run_read(lambda: preview_case_supplement(self.ctx, d.number),
                              lambda lines: self._ask_and_decide(d, action, lines), self._error)
        else:
            self._ask_and_decide(d, action, [])

    def _ask_and_decide(self, d: CaseDetail, action: Action, lines: list[dict]) -> None:
        decision = ask_decision(self, action, lambda: lines, remedy_preview(self.ctx))
        if decision is None:
            return
        self.ops.run_write(lambda: decide_case(self.ctx, self.actor, d.number, decision), self._decided, self._error,
                           initiator=self)

    def _decided(self, outcome) -> None:  # noqa: ANN001 — a DecisionOutcome
        show_message(self.message, "已作出决定，请打印并交给申请人。", "ok")
        self._after_write()
        if outcome.documents:
            self.documents_issued.emit([doc.id for doc in outcome.documents])

    def _correct(self) -> None:
        d = self.detail
        if d is None:
            return
        dlg = CorrectionDialog(self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        corrections = dlg.values()
        self._write(lambda: correct_on_spot(self.ctx, self.actor, d.number, corrections), "当场更正已登记。")

    def _resubmit(self) -> None:
        d = self.detail
        if d is None:
            return
        self.ops.run_read(lambda: item_guide(self.ctx, d.item_id), lambda g: self._ask_resubmit(d, g), self._error)

    def _ask_resubmit(self, d: CaseDetail, guide: ItemGuide) -> None:
        dlg = ResubmitDialog(guide, d, self.ctx.today(), self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        ticks = dlg.panel.ticks()
        self._write(lambda: resubmit_materials(self.ctx, self.actor, d.number, ticks), "补正材料已登记，办件回到审查（新一轮）。")

    def _suspend(self) -> None:
        d = self.detail
        if d is None:
            return
        self.ops.run_read(lambda: procedures_for(self.ctx, d.number), lambda limits: self._ask_procedure(d, limits),
                          self._error)

    def _ask_procedure(self, d: CaseDetail, limits: dict[str, int]) -> None:
        choices = [f"{name}（{days}个工作日）" for name, days in limits.items()]
        picked, ok = QInputDialog.getItem(self, "进入特别程序", "特别程序（计时暂停）：", choices, 0, False)
        if not ok:
            return
        name = list(limits)[choices.index(picked)]
        self._write(lambda: start_special_procedure(self.ctx, self.actor, d.number, name), f"已进入特别程序：{name}，办理时限暂停计算。")

    def _resume(self) -> None:
        d = self.detail
        if d is not None:
            self._write(lambda: end_special_procedure(self.ctx, self.actor, d.number), "特别程序结束，恢复计时。")

    def _withdraw(self) -> None:
        d = self.detail
        if d is None:
            return
        reason, ok = QInputDialog.getText(self, "撤回申请", "申请人撤回的原因：")
        if ok:
            self._write(lambda: withdraw_case(self.ctx, self.actor, d.number, reason), "已登记撤回。")

    def _error(self, exc: Exception) -> None:
        show_message(self.message, error_text(exc), "error")


def _certificate_type(item_code: str) -> str | None:
    """The certificate an item prints on (the printing stack, reportlab included, is loaded
    here the first time a case is shown, not while the terminal starts)."""
    from printing import certificate_type_for_item

    return certificate_type_for_item(item_code)

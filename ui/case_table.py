"""Qt item model over app.usecases.queries.CaseRow: yellow near the deadline, red overdue."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.rules.case_number import display_case_number
from app.rules.deadlines import DeadlineLevel
from app.rules.text import mask_id_number
from app.usecases.queries import CaseRow
from ui.styles import RED, YELLOW

COLUMNS = ["办件编号", "事项", "申请人", "状态", "收件时间", "期限", "经办人"]
LEVEL_TEXT = {DeadlineLevel.RED: "已超期", DeadlineLevel.YELLOW: "临期"}


class CaseTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CaseRow] = []

    def set_rows(self, rows: list[CaseRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2 and r.applicant_id_masked:
            # Masked by the query already; masking again is idempotent and keeps the list safe whatever
            # row it is given. The whole number only in the case detail.
            return f"{r.applicant_name}　证件号码 {mask_id_number(r.applicant_id_masked)}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return r.item_name  # the column may be narrow (a 1024-px screen)
        if role == Qt.ItemDataRole.BackgroundRole and r.level != DeadlineLevel.NONE:
            return QColor(RED if r.level == DeadlineLevel.RED else YELLOW)
        if role == Qt.ItemDataRole.UserRole:
            return r.number
        return None

    @staticmethod
    def _text(r: CaseRow, col: int) -> str:
        if col == 0:
            return display_case_number(r.number)
        if col == 1:
            return r.item_name
        if col == 2:
            return r.applicant_name
        if col == 3:
            return r.state_label
        if col == 4:
            return f"{r.received_at:%m-%d %H:%M}"
        if col == 5:
            if r.state == "awaiting_supplement" and r.supplement_due:
                return f"待申请人补正（告知 {r.supplement_due:%Y-%m-%d} 前）"
            if r.watch_due is None:
                return ""
            mark = LEVEL_TEXT.get(r.level, "")
            unconfirmed = "" if r.due_confirmed else "（未确认）"
            return f"{r.watch_due:%Y-%m-%d}{unconfirmed} {mark}".strip()
        return r.clerk_name

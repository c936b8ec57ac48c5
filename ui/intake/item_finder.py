"""Search box + result list: type a name, code, department or pinyin; Enter picks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.catalog_search import CatalogIndex
from ui.widgets import named

STATUS_MARK = {"suspended": "【暂停】", "terminated": "【终止】"}


class ItemFinder(QWidget):
    picked = Signal(int)  # item id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.index: CatalogIndex | None = None
        self.search = named(QLineEdit(), "item_search", "事项查找")
        self.search.setPlaceholderText("输入事项名称、编码、部门或拼音首字母（如 gtgs）")
        self.search.setClearButtonEnabled(True)
        self.results = named(QListWidget(), "item_results", "查找结果")
        # Two lines a row, the middle of a long line elided (the code's distinguishing end stays):
        # wrapped, the department and the 30-character code took three lines, and a search with
        # three results showed two and a half. The whole text is in each row's tooltip.
        self.results.setWordWrap(False)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.count = QLabel("")
        self.count.setStyleSheet("color:#555; font-size:11pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        self.search.textChanged.connect(self._run_search)
        self.search.returnPressed.connect(self._pick_current)
        self.results.itemActivated.connect(lambda _i: self._pick_current())
        self.search.installEventFilter(self)

    def set_index(self, index: CatalogIndex) -> None:
        self.index = index
        self._run_search(self.search.text())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt API
        # Up/Down from the search box move the selection without leaving the box.
        if obj is self.search and event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return True
        return super().eventFilter(obj, event)

    def _run_search(self, text: str) -> None:
        if self.index is None:
            return
        found = self.index.search(text, limit=60)
        self.results.clear()
        for item in found:
            mark = STATUS_MARK.get(item.status, "")
            row = QListWidgetItem(f"{mark}{item.name}\n    {item.department} · {item.implementation_code}")
            row.setToolTip(f"{mark}{item.name}\n{item.department}\n事项编码 {item.implementation_code}")
            row.setData(Qt.ItemDataRole.UserRole, item.item_id)
            if mark:
                row.setForeground(QColor("#a12a2a"))
            self.results.addItem(row)
        if found:
            self.results.setCurrentRow(0)
        shown = f"共 {len(self.index)} 项事项" if not text.strip() else f"找到 {len(found)} 项" + ("（仅显示前60项，请继续输入）" if len(found) >= 60 else "")
        self.count.setText(shown)

    def _pick_current(self) -> None:
        row = self.results.currentItem()
        if row is not None:
            self.picked.emit(int(row.data(Qt.ItemDataRole.UserRole)))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

"""The pages an agent (or an organisation's 经办人) brings to the pick-up desk, captured with the
document camera (F6): the 授权委托书 or the unit's letter, and the applicant's ID copy. One
line per kind with its thumbnails; F6 captures for the first kind still missing a page, or
for the kind chosen with the radio buttons (Alt+1 / Alt+2)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QPushButton, QRadioButton, QWidget

from ui.widgets import named

THUMB_HEIGHT = 56
KINDS = ("authorisation", "applicant_id_copy")


def _labels(mode: str) -> dict[str, str]:
    first = "单位介绍信 / 授权委托书" if mode == "organisation" else "授权委托书"
    return {"authorisation": first, "applicant_id_copy": "申请人身份证复印件"}


class CapturedPages(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pickup_pages")
        self.mode = "agent"
        self.pages: dict[str, list[str]] = {k: [] for k in KINDS}
        self._group = QButtonGroup(self)
        self.target: dict[str, QRadioButton] = {}
        self.state: dict[str, QLabel] = {}
        self.thumbs: dict[str, QHBoxLayout] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        for row, kind in enumerate(KINDS):
            radio = named(QRadioButton(f"&{row + 1} "), f"pickup_pages_{kind}_target", "F6 拍摄到此项")
            self._group.addButton(radio)
            state = named(QLabel(""), f"pickup_pages_{kind}", "拍摄情况")
            thumbs = QHBoxLayout()
            thumbs.setSpacing(4)
            thumbs.addStretch(1)
            self.target[kind], self.state[kind], self.thumbs[kind] = radio, state, thumbs
            grid.addWidget(radio, row, 0)
            grid.addWidget(state, row, 1)
            grid.addLayout(thumbs, row, 2)
        self.clear_button = named(QPushButton("重拍"), "pickup_pages_clear", "清除已拍的页，重新拍摄")
        self.clear_button.setToolTip("清除所有已拍的页，重新拍摄")
        self.clear_button.clicked.connect(self.clear)
        grid.addWidget(self.clear_button, 0, 3, 2, 1, Qt.AlignmentFlag.AlignVCenter)
        grid.setColumnStretch(2, 1)
        self.set_mode("agent")

    def set_mode(self, mode: str) -> None:
        """Agent: the authorisation and the applicant's ID copy; organisation: the unit's letter."""
        self.mode = mode
        labels = _labels(mode)
        self.target["applicant_id_copy"].setVisible(mode == "agent")
        self.state["applicant_id_copy"].setVisible(mode == "agent")
        for kind in KINDS:
            self.target[kind].setText(f"&{KINDS.index(kind) + 1} {labels[kind]}")
        self._show()

    def needed(self) -> list[str]:
        return ["authorisation", "applicant_id_copy"] if self.mode == "agent" else ["authorisation"]

    def next_kind(self) -> str:
        """Where F6 puts the next page: the chosen kind, else the first one still missing."""
        for kind in self.needed():
            if self.target[kind].isChecked():
                return kind
        return next((k for k in self.needed() if not self.pages[k]), self.needed()[0])

    def label(self, kind: str) -> str:
        return _labels(self.mode)[kind]

    def add(self, kind: str, sha256: str, jpeg: bytes) -> None:
        self.pages[kind].append(sha256)
        image = QImage.fromData(jpeg)
        thumb = QLabel()
        thumb.setObjectName("pickup_page_thumb")
        thumb.setFrameShape(QLabel.Shape.Box)
        if not image.isNull():
            thumb.setPixmap(QPixmap.fromImage(image.scaledToHeight(THUMB_HEIGHT, Qt.TransformationMode.SmoothTransformation)))
        thumb.setToolTip(f"{self.label(kind)} 第 {len(self.pages[kind])} 页")
        layout = self.thumbs[kind]
        layout.insertWidget(layout.count() - 1, thumb)
        self._group.setExclusive(False)  # the next F6 goes where the rule says, unless chosen again
        for radio in self.target.values():
            radio.setChecked(False)
        self._group.setExclusive(True)
        self._show()

    def clear(self) -> None:
        for kind in KINDS:
            self.pages[kind].clear()
            layout = self.thumbs[kind]
            while layout.count() > 1:
                item = layout.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
        self._show()

    def hashes(self, kind: str) -> tuple[str, ...]:
        return tuple(self.pages[kind]) if kind in self.needed() else ()

    def _show(self) -> None:
        for kind in KINDS:
            n = len(self.pages[kind])
            label = self.state[kind]
            label.setText(f"✓ 已拍 {n} 页" if n else "未拍摄 — 放在高拍仪下按 F6")
            label.setStyleSheet("color:#1f6f3a;" if n else "color:#8a5a00;")
        self.clear_button.setEnabled(any(self.pages.values()))

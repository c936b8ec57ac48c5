"""Applicant (and optional agent) entry, in the order of the paper application form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGridLayout, QLabel, QLineEdit, QWidget

from app.rules.party import CREDIT_CODE, PERSON_ID_TYPES, PartyInput
from app.usecases.intake import check_id_entry
from ui.widgets import named

KINDS = [("person", "自然人"), ("organisation", "法人/其他组织")]


class PartyFields(QWidget):
    """One party: natural person or organisation."""

    id_entered = Signal(str)

    def __init__(self, prefix: str, who: str, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today):
        super().__init__(parent)
        self.prefix, self.who = prefix, who
        self.today = today  # the terminal's clock (AppContext.today), not the PC's date
        self.kind = named(QComboBox(), f"{prefix}_kind", f"{who}类型")
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.name = named(QLineEdit(), f"{prefix}_name", f"{who}姓名或名称")
        self.id_type = named(QComboBox(), f"{prefix}_id_type", f"{who}证件类型")
        # Out of the Tab chain: almost every applicant shows a 居民身份证, and a Space on a focused
        # drop-down opened it and ate the digits typed next. Change it with the mouse or Alt+↓.
        self.id_type.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.id_number = named(QLineEdit(), f"{prefix}_id_number", f"{who}证件号码")
        self.id_number.setPlaceholderText("可直接输入，全角、空格、小写x会自动更正")
        self.id_status = named(QLabel(""), f"{prefix}_id_status", f"{who}证件号码核验结果")
        self.id_status.setWordWrap(True)
        self.legal_rep = named(QLineEdit(), f"{prefix}_legal_rep", f"{who}法定代表人")
        self.phone = named(QLineEdit(), f"{prefix}_phone", f"{who}联系电话")
        self.address = named(QLineEdit(), f"{prefix}_address", f"{who}地址")
        # Two columns, in the order of the paper form: the materials below stay in sight at 1366×800.
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        self.id_label = QLabel("证件号码")
        self.legal_rep_label = QLabel("法定代表人")
        rows = [
            (QLabel(f"{who}类型"), self.kind, QLabel("证件类型"), self.id_type),
            (QLabel("姓名/名称"), self.name, self.id_label, self.id_number),
            (None, None, None, self.id_status),
            (QLabel("联系电话"), self.phone, self.legal_rep_label, self.legal_rep),
        ]
        for r, cells in enumerate(rows):
            for c, w in enumerate(cells):
                if w is not None:
                    grid.addWidget(w, r, c)
        grid.addWidget(QLabel("地址"), len(rows), 0)
        grid.addWidget(self.address, len(rows), 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.id_number.editingFinished.connect(self._id_left)
        self._kind_changed()

    def _id_left(self) -> None:
        """On leaving the field: the number as it will be saved, and ✓ or what is wrong — now,
        not when the clerk presses save."""
        got = check_id_entry(self.kind.currentData(), self.id_type.currentText(), self.id_number.text(), self.today())
        if got.value != self.id_number.text():
            self.id_number.setText(got.value)
        self.id_status.setText(got.message)
        self.id_status.setStyleSheet("color:#1f6f3a;" if got.ok else "color:#a12a2a;")
        self.id_status.setVisible(bool(got.message))
        self.id_number.setProperty("invalid", not got.ok)
        self.id_number.style().polish(self.id_number)
        self.id_entered.emit(got.value)

    def _kind_changed(self) -> None:
        person = self.kind.currentData() == "person"
        self.id_type.clear()
        for t in PERSON_ID_TYPES if person else (CREDIT_CODE,):
            self.id_type.addItem(t)
        self.legal_rep.setVisible(not person)
        self.legal_rep_label.setVisible(not person)
        self.id_label.setText("证件号码" if person else "统一社会信用代码")

    def value(self) -> PartyInput:
        return PartyInput(
            kind=self.kind.currentData(), name=self.name.text(), id_type=self.id_type.currentText(),
            id_number=self.id_number.text(), phone=self.phone.text(), address=self.address.text(),
            legal_rep=self.legal_rep.text(),
        )

    def widgets_by_field(self) -> dict[str, QWidget]:
        p = self.prefix
        return {f"{p}.name": self.name, f"{p}.id_number": self.id_number, f"{p}.credit_code": self.id_number,
                f"{p}.phone": self.phone, f"{p}.legal_rep": self.legal_rep, f"{p}.id_type": self.id_type}

    def clear(self) -> None:
        self.id_status.clear()
        self.id_status.hide()
        self.kind.setCurrentIndex(0)
        for w in (self.name, self.id_number, self.legal_rep, self.phone, self.address):
            w.clear()


class PartyForm(QWidget):
    """Applicant, and an agent with the authorisation when someone applies on their behalf."""

    def __init__(self, parent: QWidget | None = None, today: Callable[[], date] = date.today):
        super().__init__(parent)
        self.applicant = PartyFields("applicant", "申请人", self, today)
        self.has_agent = named(QCheckBox("由代理人代为办理（需授权委托书）"), "has_agent", "由代理人代为办理")
        self.agent = PartyFields("agent", "代理人", self, today)
        self.agent.kind.setCurrentIndex(0)
        self.agent.kind.setEnabled(False)  # an agent is a natural person
        self.authorisation = named(QLineEdit(), "authorisation", "授权委托书内容")
        self.authorisation.setPlaceholderText("委托事项、委托日期，如：代为办理设立登记，2026年11月20日签署")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow(self.applicant)
        layout.addRow(self.has_agent)
        layout.addRow(self.agent)
        layout.addRow("授权委托书", self.authorisation)
        self._layout = layout
        self.has_agent.toggled.connect(self._agent_toggled)
        self._agent_toggled(False)

    def _agent_toggled(self, on: bool) -> None:
        self.agent.setVisible(on)
        self._layout.setRowVisible(self.authorisation, on)

    def applicant_value(self) -> PartyInput:
        return self.applicant.value()

    def agent_value(self) -> PartyInput | None:
        return self.agent.value() if self.has_agent.isChecked() else None

    def widgets_by_field(self) -> dict[str, QWidget]:
        return self.applicant.widgets_by_field() | self.agent.widgets_by_field() | {"authorisation": self.authorisation}

    def clear(self) -> None:
        self.applicant.clear()
        self.agent.clear()
        self.authorisation.clear()
        self.has_agent.setChecked(False)

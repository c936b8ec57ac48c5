"""The two decisions that need more than a keystroke: the one-time supplementation notice
(confirm the complete list) and the rejection (reason, competent agency, remedy)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.case_states import Action
from app.rules.decisions import REJECT_GROUND_LABELS, RejectGround
from app.usecases.decisions import Decision
from ui.widgets import named

KIND_LABELS = {"missing": "缺少", "incorrect": "需补正"}


def dialog_buttons(ok_text: str, ok_name: str, cancel_text: str, cancel_name: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    named(ok, ok_name, ok_text).setText(ok_text)
    named(cancel, cancel_name, cancel_text).setText(cancel_text)
    return buttons


def assemble(dialog: QDialog, parts: list[QWidget | QLayout], buttons: QDialogButtonBox) -> None:
    """Stack the parts above the OK/Cancel row; Enter confirms, Esc steps back."""
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addWidget(buttons)


class SupplementDialog(QDialog):
    """Shows every line the notice will carry: the law wants it told once, completely."""

    def __init__(self, lines: list[dict], parent: QDialog | None = None):
        super().__init__(parent)
        self.setObjectName("supplement_dialog")
        self.setWindowTitle("一次性告知补齐补正 — 请核对")
        self.setMinimumWidth(620)
        items = "".join(
            f"<li><b>{escape(line['name'])}</b>（{KIND_LABELS.get(line['kind'], line['kind'])}）：{escape(line['note'])}</li>"
            for line in lines
        )
        text = QLabel(f"<p>将一次性告知申请人补齐补正以下 <b>{len(lines)}</b> 项材料，告知后不得再要求其他材料：</p><ol>{items}</ol>")
        text.setObjectName("supplement_lines")
        text.setWordWrap(True)
        assemble(self, [text], dialog_buttons("确认告知 (Enter)", "supplement_confirm", "返回修改 (Esc)", "supplement_cancel"))


class RejectDialog(QDialog):
    def __init__(self, remedy: str, parent: QDialog | None = None):
        super().__init__(parent)
        self.setObjectName("reject_dialog")
        self.setWindowTitle("不予受理")
        self.setMinimumWidth(640)
        self.ground = named(QComboBox(), "reject_ground", "不予受理理由类别")
        for g in RejectGround:
            self.ground.addItem(REJECT_GROUND_LABELS[g], g.value)
        self.reason = named(QPlainTextEdit(), "reject_reason", "不予受理具体理由")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("写明具体理由和依据，将印在不予受理通知书上")
        self.reason.setFixedHeight(90)
        self.agency = named(QLineEdit(), "reject_agency", "有权受理的行政机关")
        self.agency.setPlaceholderText("不属于本机关职权范围时必填，如：金昌市生态环境局永昌分局")
        remedy_label = QLabel(remedy)
        remedy_label.setObjectName("reject_remedy")
        remedy_label.setWordWrap(True)
        remedy_label.setStyleSheet("color:#444;")
        self.error = named(QLabel(""), "reject_error", "不予受理提示")
        self.error.setStyleSheet("color:#a12a2a;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("理由类别", self.ground)
        form.addRow("具体理由", self.reason)
        form.addRow("告知向何机关申请", self.agency)
        form.addRow("救济途径", remedy_label)
        assemble(self, [form, self.error], dialog_buttons("确认不予受理", "reject_confirm", "取消 (Esc)", "reject_cancel"))
        self.ground.currentIndexChanged.connect(self._ground_changed)
        self._ground_changed()
        self.reason.setFocus()

    def _ground_changed(self) -> None:
        self.agency.setEnabled(self.ground.currentData() == RejectGround.NOT_COMPETENT.value)

    def values(self) -> tuple[str, str, str]:
        return self.ground.currentData(), self.reason.toPlainText(), self.agency.text() if self.agency.isEnabled() else ""


class CorrectionDialog(QDialog):
    """当场更正: the applicant fixes an error at the counter; what and how is recorded."""

    def __init__(self, parent: QDialog | None = None):
        super().__init__(parent)
        self.setObjectName("correction_dialog")
        self.setWindowTitle("当场更正")
        self.setMinimumWidth(560)
        self.what = named(QLineEdit(), "correction_field", "更正项目")
        self.what.setPlaceholderText("如：申请书·经营场所地址")
        self.before = named(QLineEdit(), "correction_before", "更正前内容")
        self.after = named(QLineEdit(), "correction_after", "更正后内容")
        form = QFormLayout()
        form.addRow("更正项目", self.what)
        form.addRow("更正前", self.before)
        form.addRow("更正后", self.after)
        hint = QLabel("申请人已在材料上当场更正并签字（或捺印）确认。")
        hint.setStyleSheet("color:#555;")
        assemble(self, [form, hint], dialog_buttons("登记更正", "correction_confirm", "取消 (Esc)", "correction_cancel"))
        self.what.setFocus()

    def values(self) -> list[tuple[str, str, str]]:
        return [(self.what.text().strip(), self.before.text().strip(), self.after.text().strip())]


def ask_decision(parent: QDialog | None, action: Action, supplement_lines: Callable[[], list[dict]],
                 remedy: str) -> Decision | None:
    """What the clerk must confirm or add before a decision: the complete supplementation
    list, or the reason, agency and remedy of a rejection. None when she steps back."""
    if action == Action.REQUEST_SUPPLEMENT:
        lines = supplement_lines()
        if lines and SupplementDialog(lines, parent).exec() != QDialog.DialogCode.Accepted:
            return None
        return Decision(action)
    if action == Action.REJECT:
        dlg = RejectDialog(remedy, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        ground, reason, agency = dlg.values()
        return Decision(action, reject_ground=ground, reason=reason, competent_agency=agency)
    return Decision(action)

"""The pick-up desk's two dialogs: mailing a certificate (courier, tracking number checked
before it closes) and a supervisor's override of an identity check (her password, a reason)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from app.rules.handover import Mailing
from app.rules.tracking import COURIERS
from app.usecases.mailing import check_mailing
from app.usecases.queries import CaseDetail
from ui.intake.decision_dialogs import assemble, dialog_buttons
from ui.widgets import named, show_message


class MailDialog(QDialog):
    def __init__(self, detail: CaseDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mail_dialog")
        self.setWindowTitle("邮寄送达")
        self.setMinimumWidth(620)
        self.courier = named(QComboBox(), "mail_courier", "快递公司")
        for key, label in COURIERS.items():
            self.courier.addItem(label, key)
        self.tracking = named(QLineEdit(), "mail_tracking", "快递单号")
        self.tracking.setPlaceholderText("扫描或输入快递单号（EMS 校验位自动核对）")
        self.addressee = named(QLineEdit(detail.applicant.name), "mail_addressee", "收件人")
        self.address = named(QLineEdit(detail.applicant.address), "mail_address", "邮寄地址")
        self.phone = named(QLineEdit(detail.applicant.phone), "mail_phone", "收件人电话")
        form = QFormLayout()
        for label, w in (("快递公司", self.courier), ("快递单号", self.tracking), ("收件人", self.addressee),
                         ("邮寄地址", self.address), ("电话", self.phone)):
            form.addRow(label, w)
        self.message = named(QLabel(""), "mail_message", "邮寄提示")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = dialog_buttons("确认寄出 (Enter)", "mail_confirm", "取消 (Esc)", "mail_cancel")
        assemble(self, [form, self.message], buttons)
        buttons.accepted.disconnect()
        buttons.accepted.connect(self._check_then_accept)
        self.tracking.setFocus()

    def _check_then_accept(self) -> None:
        """A misread tracking number is caught here, with the dialog still open to fix it."""
        problems = check_mailing(self.mailing())
        if not problems:
            self.accept()
            return
        show_message(self.message, "\n".join(f"· {p.message}（{p.code}）" for p in problems), "error")
        field = {"tracking_no": self.tracking, "address": self.address, "phone": self.phone}.get(problems[0].field)
        (field or self.tracking).setFocus()
        if field is self.tracking:
            self.tracking.selectAll()

    def mailing(self) -> Mailing:
        return Mailing(self.courier.currentData(), self.tracking.text(), self.address.text(), self.phone.text(),
                       self.addressee.text())


class OverrideDialog(QDialog):
    """主管核准: a supervisor at the desk types her own password and the reason."""

    def __init__(self, problems: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("override_dialog")
        self.setWindowTitle("身份核验不一致 — 主管核准")
        self.setMinimumWidth(600)
        why = QLabel(problems)
        why.setWordWrap(True)
        why.setStyleSheet("color:#8a0000;")
        self.username = named(QLineEdit(), "override_username", "主管用户名")
        self.password = named(QLineEdit(), "override_password", "主管密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = named(QLineEdit(), "override_reason", "核准理由")
        form = QFormLayout()
        form.addRow("主管用户名", self.username)
        form.addRow("密码", self.password)
        form.addRow("核准理由", self.reason)
        assemble(self, [why, form], dialog_buttons("核准并继续", "override_confirm", "取消 (Esc)", "override_cancel"))
        self.username.setFocus()

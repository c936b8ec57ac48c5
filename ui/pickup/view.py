"""发证窗口: the pick-up desk's own screen, keyboard first. The scan field always has the focus:
a barcode scanner types the notice's case number and Enter; F4 reads the collector's ID card
(and, with no case chosen, lists all that person's certificates); for an agent or a unit's
经办人, F6 captures the 授权委托书 / letter and the applicant's ID copy with the document camera;
the collector signs on the pad; F9 hands over and prints the 领取回执, F10 mails instead.
Waiting certificates are listed oldest first, those past the 10 days of 行政许可法 第四十四条 in
red; the 已寄出 list shows which mailed certificates the courier has delivered, and when, and
marks those not served within the 10 days."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.actor import Actor
from app.changes import Changes
from app.context import AppContext
from app.rules.case_number import display_case_number
from app.rules.handover import MODES, OVERRIDABLE, CardRead, Collector
from app.rules.problems import RuleError
from app.usecases.mailing import Mailed, issue_mailing_list, mail_certificate, mailed_list
from app.usecases.pickup import (
    CertificateView,
    Override,
    Waiting,
    check_collector,
    find_waiting,
    hand_over,
    platform_certificate,
    spoil_blank,
    store_handover_page,
    waiting_list,
)
from app.usecases.queries import CaseDetail, case_detail
from devices.signature.render import render_png
from sync.login import login
from ui.devices.bridge import DeviceBridge
from ui.devices.signature_pad import SignaturePad
from ui.operations import Operations, error_text
from ui.pickup.dialogs import MailDialog, OverrideDialog
from ui.pickup.pages import CapturedPages
from ui.styles import GREEN, RED
from ui.widgets import named, show_message


def _mailed_text(m: Mailed) -> str:
    head = (f"{display_case_number(m.number)}  {m.addressee}\n"
            f"    {m.courier} {m.tracking_no} · {m.mailed_at.month}月{m.mailed_at.day}日寄出\n    ")
    if m.delivered_at is not None:
        who = f" · 签收：{m.delivered_to}" if m.delivered_to else ""
        return f"{head}✓ 已送达 {m.delivered_at.month}月{m.delivered_at.day}日 {m.delivered_at:%H:%M}{who}"
    due = f"应于{m.serve_by.month}月{m.serve_by.day}日前送达"
    return f"{head}未送达 · {due}" + ("（已超期）" if m.overdue else "")


class PickupView(QWidget):
    documents_issued = Signal(object)

    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor, devices: DeviceBridge | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.ops, self.actor, self.devices = ctx, ops, actor, devices
        self.detail: CaseDetail | None = None
        self._card_in_hand: CardRead | None = None  # what F4 read for this hand-over
        self._pending_card = None
        self.scan = named(QLineEdit(), "pickup_scan", "扫描通知书条码或输入编号、证件号、姓名")
        self.scan.setPlaceholderText("扫描通知书条码 / 读身份证 F4 / 输入办件编号、证件号码或姓名，回车")
        self.waiting = named(QListWidget(), "pickup_waiting", "待领取证照")
        self.mailed = named(QListWidget(), "pickup_mailed", "已寄出证照")
        self.lists = named(QTabWidget(), "pickup_lists", "待领取 / 已寄出")
        self.count = QLabel("")
        self.mailed_count = named(QLabel(""), "pickup_mailed_count", "已寄出统计")
        self.message = named(QLabel(""), "pickup_message", "发证提示")
        self.message.setWordWrap(True)
        self.message.hide()
        self.case_box = named(QLabel("请扫描通知书上的条码，或在左侧选择待领取的证照。"), "pickup_case", "当前办件")
        self.case_box.setWordWrap(True)
        self.mode = named(QComboBox(), "pickup_mode", "领取方式")
        for i, (key, label) in enumerate(MODES.items(), 1):
            self.mode.addItem(f"{i} {label}", key)
        self.collector_name = named(QLineEdit(), "pickup_collector_name", "领取人姓名")
        self.collector_id = named(QLineEdit(), "pickup_collector_id", "领取人证件号码")
        self.collector_id.setPlaceholderText("按 F4 读身份证，或手工录入")
        self.pages = CapturedPages()
        self._capturing = False  # a page asked of the camera by this desk (F6), not by the intake
        self.certificate_no = named(QLineEdit(), "pickup_certificate_no", "证照编号")
        self.blank_serial = named(QLineEdit(), "pickup_blank_serial", "空白证照印制编号")
        self.identity = named(QLabel(""), "pickup_identity", "身份核验结果")
        self.identity.setWordWrap(True)
        self.pad = named(SignaturePad(), "pickup_signature", "领取人签名")
        self.pad.setMinimumHeight(150)
        self.hand_button = named(QPushButton("确认领取并打印回执 F9"), "pickup_hand_over", "确认领取")
        self.mail_button = named(QPushButton("邮寄送达 F10"), "pickup_mail", "邮寄送达")
        self.spoil_button = named(QPushButton("登记作废空白证"), "pickup_spoil", "登记作废空白证")
        self.list_button = named(QPushButton("打印今日交寄清单"), "pickup_mailing_list", "打印交寄清单")
        self._build()
        self._wire()
        self._mode_changed()
        self.refresh()
        self.scan.setFocus()

    def _build(self) -> None:
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.scan)
        waiting_page = QWidget()
        wl = QVBoxLayout(waiting_page)
        wl.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("最早的在前，超过10个工作日标红"))
        row.addStretch(1)
        wl.addLayout(row)
        wl.addWidget(self.waiting, 1)
        for lst in (self.waiting, self.mailed):  # two or three short lines per certificate, never cut off
            lst.setWordWrap(True)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        mailed_page = QWidget()
        ml = QVBoxLayout(mailed_page)
        ml.setContentsMargins(4, 4, 4, 4)
        self.mailed_count.setToolTip("行政许可法第四十四条：自作出决定之日起十日内送达；未送达的在前，超期标红")
        ml.addWidget(self.mailed_count)
        ml.addWidget(self.mailed, 1)
        ml.addWidget(self.list_button)
        self.lists.addTab(waiting_page, "待领取")
        self.lists.addTab(mailed_page, "已寄出 / 已送达")
        ll.addWidget(self.lists, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.message)
        rl.addWidget(self.case_box)
        form = QFormLayout()
        form.addRow("领取方式", self.mode)
        form.addRow("领取人", self.collector_name)
        form.addRow("证件号码", self.collector_id)
        form.addRow("", self.identity)
        form.addRow("授权文书 F6", self.pages)
        form.addRow("证照编号", self.certificate_no)
        self.form = form
        form.setRowVisible(self.identity, False)  # no empty gap until there is a result to show
        form.addRow("空白证印制编号", self.blank_serial)
        rl.addLayout(form)
        rl.addWidget(QLabel("领取人签名（签名板、手写笔或触屏；Ctrl+Z 撤销，Delete 清除）："))
        rl.addWidget(self.pad, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.spoil_button)
        bar.addStretch(1)
        bar.addWidget(self.mail_button)
        bar.addWidget(self.hand_button)
        rl.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([540, 800])  # two lines per certificate fit without cutting the masked ID
        QVBoxLayout(self).addWidget(split)

    def _wire(self) -> None:
        self.scan.returnPressed.connect(self._scanned)
        self.waiting.itemActivated.connect(lambda it: self.open_case(it.data(Qt.ItemDataRole.UserRole)))
        self.waiting.currentItemChanged.connect(
            lambda cur, _prev: cur is not None and self.open_case(cur.data(Qt.ItemDataRole.UserRole)))
        self.hand_button.clicked.connect(self.hand_over)
        self.mail_button.clicked.connect(self.mail)
        self.spoil_button.clicked.connect(self.spoil)
        self.list_button.clicked.connect(self.mailing_list)
        self.collector_id.editingFinished.connect(self._check_identity)
        self.collector_name.editingFinished.connect(self._check_identity)
        self.mode.currentIndexChanged.connect(lambda _i: self._check_identity())
        self.mode.currentIndexChanged.connect(lambda _i: self._mode_changed())
        for keys, slot in (("F4", self.read_card), ("F6", self.capture_page), ("F9", self.hand_over),
                           ("F10", self.mail)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        if self.devices is not None:
            self.devices.card_read.connect(self._card)
            self.devices.page_captured.connect(self._page_captured)
            self.devices.failed.connect(self._device_failed)

    def _device_failed(self, code: str, message: str) -> None:
        self._capturing = False  # a failed capture must not claim the next page the intake takes
        if self.isVisible():
            self._say(f"{message}（{code}）", "warn")

    # --- finding ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ops.run_read(lambda: waiting_list(self.ctx, self.actor), self._show_waiting, self._error)
        self.ops.run_read(lambda: mailed_list(self.ctx, self.actor), self._show_mailed, self._error)

    def on_changed(self, changes: Changes, initiator: object = None) -> None:
        if changes.cases:
            self.refresh()

    def _show_waiting(self, rows: list[Waiting]) -> None:
        self.waiting.clear()
        for w in rows:
            text = (f"{display_case_number(w.number)}  {w.applicant_name}（{w.applicant_id_masked}）\n"
                    f"    {w.item_name} · 已等 {w.days_waiting} 天" + ("（超过10日）" if w.overdue else ""))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, w.number)
            if w.overdue:
                item.setBackground(QColor(RED))
            self.waiting.addItem(item)
        self.count.setText(f"{len(rows)} 件")
        self.lists.setTabText(0, f"待领取 {len(rows)}")
        self._select(self.detail.number if self.detail else "")

    def _show_mailed(self, rows: list[Mailed]) -> None:
        self.mailed.clear()
        for m in rows:
            item = QListWidgetItem(_mailed_text(m))
            item.setData(Qt.ItemDataRole.UserRole, m.number)
            if m.overdue:
                item.setBackground(QColor(RED))
            elif m.delivered:
                item.setBackground(QColor(GREEN))
            self.mailed.addItem(item)
        out = sum(1 for m in rows if not m.delivered)
        late = sum(1 for m in rows if m.overdue)
        self.mailed_count.setText(f"未送达 {out} 件" + (f"，其中超过10日 {late} 件" if late else "") +
                                  f"；已送达 {len(rows) - out} 件")
        self.lists.setTabText(1, f"已寄出 {out}" + (f" · 超期 {late}" if late else ""))

    def _scanned(self) -> None:
        text = self.scan.text()
        self.ops.run_read(lambda: find_waiting(self.ctx, self.actor, text), self._found, self._error)

    def _found(self, rows: list[Waiting]) -> None:
        self.scan.selectAll()  # the next scan replaces this one
        if not rows:
            self._say("没有找到待领取的证照。请核对编号（条码可能误读）或证件号码。", "warn")
            return
        if len(rows) == 1:
            self.open_case(rows[0].number)
        else:
            self._show_waiting(rows)
            self._say(f"此人有 {len(rows)} 件证照待领取，请选择。", "ok")

    def open_case(self, number: str) -> None:
        self.ops.run_read(lambda: (case_detail(self.ctx, self.actor, number),
                                   platform_certificate(self.ctx, self.actor, number)), self._show_case, self._error)

    def _show_case(self, found: tuple[CaseDetail, CertificateView | None]) -> None:
        d, cert = found
        self.detail = d
        issued = (f"<br>证照：{cert.name}　编号 {cert.certificate_no}" +
                  (f"　有效期至 {cert.valid_until:%Y年%m月%d日}" if cert.valid_until else "") +
                  "（平台下发）") if cert else "<br>证照编号：平台尚未下发，请按审批结果填写"
        self.case_box.setText(f"<b>{display_case_number(d.number)}</b>　{d.item_name}<br>申请人：{d.applicant.name}"
                              f"（{d.applicant.id_type}）　状态：{d.state_label}{issued}")
        for w in (self.collector_name, self.collector_id, self.certificate_no, self.blank_serial):
            w.clear()
        if cert:
            self.certificate_no.setText(cert.certificate_no)
        self._select(d.number)
        self.pages.clear()
        self.identity.clear()
        self.form.setRowVisible(self.identity, False)
        self.pad.clear()
        self._card_in_hand = None
        self.mode.setCurrentIndex(0 if d.applicant.kind == "person" else 2)
        self._mode_changed()
        self.scan.setFocus()
        card, self._pending_card = self._pending_card, None
        if card is not None:  # the card that found this case is the collector's
            self._fill_card(card)

    # --- who collects -------------------------------------------------------------------
    def read_card(self) -> None:
        if self.devices is None or self.devices.state("idcard") == "off":
            self._say("本窗口未配置身份证阅读器，请手工录入领取人证件号码。", "warn")
            return
        if self.devices.read_card():
            self._say("正在读卡，请将领取人的身份证放在阅读器上……", "ok")

    def _card(self, card) -> None:  # noqa: ANN001 — devices.idcard.IdCard
        if not self.isVisible():
            return
        if self.detail is None:  # no case yet: the card lists all this person's certificates
            self.scan.setText(card.id_number)
            self._scanned()
            self._pending_card = card
            return
        self._fill_card(card)

    def _fill_card(self, card) -> None:  # noqa: ANN001
        self.collector_name.setText(card.name)
        self.collector_id.setText(card.id_number)
        self._card_in_hand = CardRead(card.name, card.id_number, card.expired(self.ctx.today()))
        # "正在读卡……" must not stay up once the card is read; the check's ✓/✗ follows below.
        notes = card.warnings(self.ctx.today())
        self._say(f"已读卡：{card.name}" + ("\n注意：" + "；".join(notes) if notes else ""), "warn" if notes else "ok")
        self._check_identity()

    def _select(self, number: str) -> None:
        """Mark the case in hand in the ready list, without opening it again."""
        self.waiting.blockSignals(True)
        self.waiting.setCurrentRow(-1)
        for i in range(self.waiting.count()):
            if self.waiting.item(i).data(Qt.ItemDataRole.UserRole) == number:
                self.waiting.setCurrentRow(i)
        self.waiting.blockSignals(False)

    def collector(self) -> Collector:
        return Collector(self.mode.currentData(), self.collector_name.text().strip(), self.collector_id.text().strip(),
                         self._card_in_hand, self.pages.hashes("authorisation"),
                         self.pages.hashes("applicant_id_copy"))

    def _mode_changed(self) -> None:
        mode = self.mode.currentData()
        self.form.setRowVisible(self.pages, mode != "self" and self.detail is not None)
        if mode != "self":
            self.pages.set_mode(mode)

    # --- the document camera (F6): the agent's papers --------------------------------------
    def capture_page(self) -> None:
        if self.detail is None:
            self._say("请先扫描或选择办件。", "warn")
            return
        if self.mode.currentData() == "self":
            self._say("本人领取无需拍摄授权文书；代理人或单位经办人领取时按 F6 拍摄。", "warn")
            return
        if self.devices is None or self.devices.state("camera") == "off":
            self._say("本窗口未配置高拍仪，请在设备设置中选择；无法拍摄时须主管核准。", "warn")
            return
        kind = self.pages.next_kind()
        if self.devices.capture_page():
            self._capturing = True
            self._say(f"正在拍摄“{self.pages.label(kind)}”……", "ok")

    def _page_captured(self, page) -> None:  # noqa: ANN001 — devices.camera.CapturedPage
        if not self._capturing or self.detail is None:
            return  # the intake's capture, not ours
        self._capturing = False
        kind, jpeg = self.pages.next_kind(), page.jpeg

        def stored(sha: str) -> None:
            self.pages.add(kind, sha, jpeg)
            rest = [self.pages.label(k) for k in self.pages.needed() if not self.pages.pages[k]]
            more = f"还需拍摄：{'、'.join(rest)}（F6）。" if rest else "授权文书已齐。"
            self._say(f"“{self.pages.label(kind)}”已拍摄 {len(self.pages.pages[kind])} 页，已保存在本机。{more}", "ok")
            self._check_identity()
            self.scan.setFocus()

        self.ops.run_write(lambda: store_handover_page(self.ctx, self.actor, jpeg), stored, self._error, initiator=self)

    def _check_identity(self) -> None:
        d = self.detail
        if d is None or not self.collector_id.text().strip():
            return
        c, number = self.collector(), d.number
        self.ops.run_read(lambda: check_collector(self.ctx, self.actor, number, c), self._identity_checked, self._error)

    def _identity_checked(self, problems: list) -> None:
        if problems:
            self.identity.setText("✗ " + "；".join(p.message for p in problems))
            self.identity.setStyleSheet("color:#a12a2a;")
        else:
            how = "读卡核验" if self.collector().card_read else "人工核验"
            self.identity.setText(f"✓ 身份核验通过（{how}）")
            self.identity.setStyleSheet("color:#1f6f3a;")
        self.form.setRowVisible(self.identity, True)

    # --- hand over, mail, spoil ---------------------------------------------------------------
    def _signature_png(self) -> bytes:
        sig = self.pad.signature()
        return b"" if sig.is_empty else render_png(sig, background="#ffffff")

    def hand_over(self, override: Override | None = None) -> None:
        d = self.detail
        if d is None:
            self._say("请先扫描或选择办件。", "warn")
            return
        c, png = self.collector(), self._signature_png()
        number, cert_no, serial = d.number, self.certificate_no.text(), self.blank_serial.text()
        self.ops.run_write(lambda: hand_over(self.ctx, self.actor, number, c, png, serial, cert_no, override),
                           self._handed, lambda exc: self._hand_failed(exc, override), initiator=self)

    def _hand_failed(self, exc: Exception, override: Override | None) -> None:
        mismatch = isinstance(exc, RuleError) and override is None and any(p.code in OVERRIDABLE for p in exc.problems)
        if not mismatch:
            self._error(exc)
            return
        self._say(error_text(exc), "error")
        dlg = OverrideDialog(error_text(exc), self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            self.activateWindow()
            self.scan.setFocus()  # declined: back to the desk, F6 / F4 / F9 work again
            return
        user, pw, reason = dlg.username.text(), dlg.password.text(), dlg.reason.text()
        self.ops.run_read(lambda: login(self.ctx, user, pw).actor,
                          lambda sup: self.hand_over(Override(sup, reason)), self._error)

    def _handed(self, receipt) -> None:  # noqa: ANN001
        self._say("已领取，请把证照和回执交给领取人。", "ok")
        self.documents_issued.emit([receipt.id])
        self._after()

    def mail(self) -> None:
        d = self.detail
        if d is None:
            self._say("请先扫描或选择办件。", "warn")
            return
        dlg = MailDialog(d, self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        m, number = dlg.mailing(), d.number
        serial, cert_no = self.blank_serial.text(), self.certificate_no.text()
        self.ops.run_write(lambda: mail_certificate(self.ctx, self.actor, number, m, serial, cert_no),
                           self._mailed, self._error, initiator=self)

    def _mailed(self, receipt) -> None:  # noqa: ANN001
        self._say("已登记邮寄，快递单号已记录；今日交寄清单可随时打印。", "ok")
        self.documents_issued.emit([receipt.id])
        self._after()

    def spoil(self) -> None:
        d = self.detail
        if d is None:
            return
        from PySide6.QtWidgets import QInputDialog

        reason, ok = QInputDialog.getText(self, "登记作废空白证", f"作废原因（空白证编号 {self.blank_serial.text() or '未填'}）：")
        if not ok:
            return
        number, serial = d.number, self.blank_serial.text()
        self.ops.run_write(lambda: spoil_blank(self.ctx, self.actor, number, serial, reason),
                           lambda s: (self._say(f"空白证 {s} 已登记作废。请换一张重新打印。", "ok"), self.blank_serial.clear()),
                           self._error, initiator=self)

    def mailing_list(self) -> None:
        self.ops.run_write(lambda: issue_mailing_list(self.ctx, self.actor),
                           lambda doc: self.documents_issued.emit([doc.id]), self._error, initiator=self)

    def _after(self) -> None:
        self.detail = None
        self.case_box.setText("请扫描下一张通知书的条码。")
        self.pad.clear()
        self.pages.clear()
        self._mode_changed()
        self.refresh()
        self.scan.clear()
        self.scan.setFocus()

    def _say(self, text: str, kind: str) -> None:
        show_message(self.message, text, kind)

    def _error(self, exc: Exception) -> None:
        self._say(error_text(exc), "error")

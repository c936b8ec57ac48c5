"""The intake screen. Keyboard-first: search is focused on open, Enter picks the item,
Tab follows the paper form, F8 收件 / F9 受理 / F10 一次性告知 / F11 不予受理."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.actor import Actor
from app.case_states import Action
from app.changes import OpResult
from app.context import AppContext
from app.rules.case_number import display_case_number
from app.rules.problems import ClerkDeskError, RuleError
from app.usecases.catalog import ItemGuide, build_index, item_guide
from app.usecases.decisions import Decision, intake_and_decide, intake_problems, preview_supplement, remedy_preview
from app.usecases.intake import IntakeInput, receive_case, reusable_materials
from app.usecases.queries import case_detail
from app.usecases.scans import store_scan
from ui.devices.bridge import DeviceBridge
from ui.fonts import characters_without_glyph
from ui.intake.decision_dialogs import ask_decision
from ui.intake.guide_view import GuideView
from ui.intake.item_finder import ItemFinder
from ui.intake.materials_panel import THUMB_HEIGHT, MaterialsPanel, thumbnail
from ui.intake.party_form import PartyForm
from ui.operations import Operations, error_code, error_text
from ui.widgets import FollowingScrollArea, named, section, show_message

RESULT_WORDS = {
    "accepted": "已受理",
    "awaiting_supplement": "已出具一次性告知（待补正）",
    "rejected": "不予受理",
    "received": "已收件（待决定）",
}


CLEAR_CONFIRM_SECONDS = 5.0


class IntakeView(QWidget):
    documents_issued = Signal(object)  # list of document ids to preview and print

    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor, parent: QWidget | None = None,
                 devices: DeviceBridge | None = None):
        super().__init__(parent)
        self.devices = devices
        self.ctx, self.ops, self.actor = ctx, ops, actor
        self.guide: ItemGuide | None = None
        self.finder = ItemFinder()
        self.guide_view = GuideView()
        self.party = PartyForm(today=ctx.today)
        self.materials = MaterialsPanel()
        self.message = named(QLabel(""), "intake_message", "受理提示")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self._banner_on_fields = False  # the banner shows field problems: it goes when they are fixed
        self._clear_asked_at = 0.0
        self._card_for_agent = False  # F4 while the cursor is in the agent's fields
        self._scan_row = None  # the material row F6 captures for
        self.item_title = named(QLabel("请先在左侧查找并选择事项（Enter 选定）"), "intake_item_title", "当前事项")
        self.item_title.setObjectName("section_title")
        self.all_in = named(QPushButton("全部按要求收齐 (Alt+Q)"), "materials_all_in", "全部材料按要求收齐")
        self.receive_btn = named(QPushButton("仅收件 F8"), "receive_button", "仅收件，稍后决定")
        self.accept_btn = named(QPushButton("受理 F9"), "accept_button", "受理")
        self.supplement_btn = named(QPushButton("一次性告知 F10"), "supplement_button", "一次性告知补齐补正")
        self.reject_btn = named(QPushButton("不予受理 F11"), "reject_button", "不予受理")
        self.clear_btn = named(QPushButton("下一位 Ctrl+N"), "next_button", "清空，接待下一位")
        self._build()
        self._wire()
        self._wire_devices()
        self._set_decidable(False)
        self.reload_catalog()

    # --- layout -----------------------------------------------------------------
    def _build(self) -> None:
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.finder)
        left.addWidget(self.guide_view)
        left.setSizes([260, 540])  # the guide is what the clerk reads aloud: give it the room
        form = QWidget()
        fl = QVBoxLayout(form)
        fl.addWidget(section("申请人"))
        fl.addWidget(self.party)
        mh = QHBoxLayout()
        mh.addWidget(section("申请材料"))
        mh.addStretch(1)
        mh.addWidget(self.all_in)
        fl.addLayout(mh)
        fl.addWidget(self.materials)
        fl.addStretch(1)
        scroll = FollowingScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        bar = QHBoxLayout()
        for b in (self.clear_btn, self.receive_btn):
            bar.addWidget(b)
        bar.addStretch(1)
        for b in (self.supplement_btn, self.reject_btn, self.accept_btn):
            bar.addWidget(b)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.item_title)  # pinned above the form: the item never scrolls out of sight
        rl.addWidget(self.message)
        rl.addWidget(scroll, 1)
        rl.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([self.GUIDE_WIDTH, 870])
        self.split, self.form_scroll = split, scroll
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    # The guide and the item list keep at least this much when the form needs the room, and get
    # back up to their first width when the window grows again.
    NARROWEST_GUIDE = 240
    GUIDE_WIDTH = 430

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 — Qt API
        super().resizeEvent(event)
        self._room_for_the_form()

    def _room_for_the_form(self) -> None:
        """On a 1024-px screen the splitter's proportions left the form 650 px of its 790, and
        the materials' 承诺补交日期 and 说明 lay behind a sideways scroll. The guide gives way
        to the form's comfortable width (down to NARROWEST_GUIDE), and takes its width back
        from whatever the form does not need once there is room again (a window maximised)."""
        left, right = self.split.sizes()
        form = self.form_scroll.widget()
        need = (form.sizeHint().width() + self.form_scroll.verticalScrollBar().sizeHint().width()
                + 2 * self.form_scroll.frameWidth())
        if right < need and left > self.NARROWEST_GUIDE:
            move = -min(need - right, left - self.NARROWEST_GUIDE)
        elif right > need and left < self.GUIDE_WIDTH:
            move = min(right - need, self.GUIDE_WIDTH - left)
        else:
            return
        self.split.setSizes([left + move, right - move])

    def _wire(self) -> None:
        self.finder.picked.connect(self.pick_item)
        for w in self.party.widgets_by_field().values():
            if isinstance(w, QLineEdit):
                # The red mark goes as soon as the clerk touches the field it points at.
                w.textEdited.connect(lambda _t, w=w: self._unmark(w))
        for who in (self.party.applicant, self.party.agent):
            who.id_entered.connect(lambda _v, who=who: self._id_checked(who))
        self.party.applicant.id_entered.connect(self._offer_reuse)
        # A number typed over the one the card filled in is no longer the chip's word.
        self.party.applicant.id_number.textEdited.connect(lambda _t: self.materials.forget_card_read())
        self.all_in.clicked.connect(self._all_in)
        self.party.has_agent.toggled.connect(self.materials.follow_agent)
        self.receive_btn.clicked.connect(self.receive_only)
        self.accept_btn.clicked.connect(lambda: self.decide(Action.ACCEPT))
        self.supplement_btn.clicked.connect(lambda: self.decide(Action.REQUEST_SUPPLEMENT))
        self.reject_btn.clicked.connect(lambda: self.decide(Action.REJECT))
        self.clear_btn.clicked.connect(self.ask_next_applicant)
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("F8", self.receive_only),
            ("F9", lambda: self.decide(Action.ACCEPT)),
            ("F10", lambda: self.decide(Action.REQUEST_SUPPLEMENT)),
            ("F11", lambda: self.decide(Action.REJECT)),
            ("Ctrl+N", self.ask_next_applicant),
            ("Ctrl+F", self.finder.focus_search),
            ("Alt+Q", self._all_in),
            ("F4", self.read_card),
            ("F6", self.scan_page),
        ):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(ctx)
            sc.activated.connect(slot)

    # --- catalog and item -----------------------------------------------------------
    def reload_catalog(self) -> None:
        self.ops.run_read(lambda: build_index(self.ctx), self.finder.set_index, self._show_error)

    def pick_item(self, item_id: int) -> None:
        self.ops.run_read(lambda: item_guide(self.ctx, item_id), self._item_loaded, self._show_error)

    def _item_loaded(self, g: ItemGuide) -> None:
        self.guide = g
        self.guide_view.show_guide(g)
        limit = "当场办结" if g.committed_limit_days == 0 else f"承诺{g.committed_limit_days}个工作日办结"
        self.item_title.setText(f"{g.name}（{g.handling_kind}，{limit}）")
        self.materials.set_materials(g.materials, self.ctx.today())
        self.materials.follow_agent(self.party.has_agent.isChecked())
        QTimer.singleShot(0, self, self._room_for_the_form)  # this item's checklist may be wider
        self._fix_tab_order()
        self._set_decidable(g.can_take_in)
        if g.can_take_in:
            show_message(self.message, "", "ok")
            self.party.applicant.name.setFocus()
        else:
            show_message(self.message, g.blocked_message(), "error")
            self.finder.focus_search()

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [self.party.applicant.kind, self.party.applicant.name, self.party.applicant.id_type,
                                self.party.applicant.id_number, self.party.applicant.legal_rep, self.party.applicant.phone,
                                self.party.applicant.address, self.party.has_agent, self.party.agent.name,
                                self.party.agent.id_type, self.party.agent.id_number, self.party.agent.phone,
                                self.party.agent.address, self.party.authorisation, self.all_in]
        for r in self.materials.rows:
            chain += [r.choice, r.pages, r.incorrect, r.promise, r.note]
        chain += [self.accept_btn, self.supplement_btn, self.reject_btn, self.receive_btn]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _set_decidable(self, on: bool) -> None:
        # A suspended or terminated item: nothing to fill in, nothing to decide.
        for b in (self.receive_btn, self.accept_btn, self.supplement_btn, self.reject_btn, self.all_in, self.party,
                  self.materials):
            b.setEnabled(on)

    def _offer_reuse(self, id_number: str) -> None:
        if not self.guide or not id_number.strip():
            return

        def done(found: dict) -> None:
            n = self.materials.offer_reuse(found)
            if n:
                show_message(self.message, f"该申请人此前已提交过 {n} 项相同材料，已标为“复用”，无需重复提交（第十七条）。", "ok")
        self.ops.run_read(lambda: reusable_materials(self.ctx, self.actor, id_number), done, self._show_error)

    # --- decisions --------------------------------------------------------------------
    def _intake_input(self) -> IntakeInput:
        return IntakeInput(self.guide.item_id, self.party.applicant_value(), self.materials.ticks(),
                           self.party.agent_value(), self.party.authorisation.text())

    def receive_only(self) -> None:
        if not self._ready():
            return
        data = self._intake_input()
        self._run(lambda: receive_case(self.ctx, self.actor, data))

    def decide(self, action: Action) -> None:
        if not self._ready():
            return
        data = self._intake_input()
        # Everything is checked before anything is shown to the applicant; a rejection's reason
        # is asked next, so only the form is checked for it.
        probe = None if action == Action.REJECT else Decision(action)

        def check() -> tuple[list, list[dict]]:
            problems = intake_problems(self.ctx, self.actor, data, action, probe)
            lines = (preview_supplement(self.ctx, data.item_id, data.materials)
                     if action == Action.REQUEST_SUPPLEMENT and not problems else [])
            return problems, lines

        self.ops.run_read(check, lambda got: self._checked(data, action, *got), self._show_error)

    def _checked(self, data: IntakeInput, action: Action, problems: list, lines: list[dict]) -> None:
        if problems:
            self._show_error(RuleError(problems))
            return
        self._ask_and_decide(data, action, lines)

    def _ask_and_decide(self, data: IntakeInput, action: Action, lines: list[dict]) -> None:
        decision = ask_decision(self, action, lambda: lines, remedy_preview(self.ctx))
        if decision is None:
            return
        self._run(lambda: intake_and_decide(self.ctx, self.actor, data, decision))

    # --- the ID card reader (F4) ----------------------------------------------------------
    def _wire_devices(self) -> None:
        if self.devices is not None:
            self.devices.card_read.connect(self._card_read)
            self.devices.page_captured.connect(self._page_captured)
            self.devices.failed.connect(self._device_failed)

    def read_card(self) -> None:
        """F4: read the card on the reader into the applicant (or, while the clerk is in the
        agent's fields, into the agent)."""
        if self.devices is None or self.devices.state("idcard") == "off":
            show_message(self.message, "本窗口未配置身份证阅读器，请在设备设置中选择阅读器，或手工录入。", "warn")
            return
        focus = QApplication.focusWidget()
        self._card_for_agent = self.party.has_agent.isChecked() and focus is not None and self.party.agent.isAncestorOf(focus)
        if self.devices.read_card():
            show_message(self.message, "正在读卡，请将身份证平放在阅读器上……", "ok")

    def _card_read(self, card) -> None:  # noqa: ANN001 — devices.idcard.IdCard
        who = self.party.agent if self._card_for_agent else self.party.applicant
        who.kind.setCurrentIndex(0)
        who.name.setText(card.name)
        who.id_number.setText(card.id_number)
        who.address.setText(card.address)
        who.id_number.editingFinished.emit()  # the same check as typing it: ✓ 性别 出生日期
        verified = self.materials.mark_id_card_read() if who is self.party.applicant else ""
        notes = card.warnings(self.ctx.today())
        text = f"已读卡：{card.name}（{card.sex}，{card.birth:%Y-%m-%d}，{card.nation}族）" if card.nation else \
            f"已读卡：{card.name}（{card.sex}，{card.birth:%Y-%m-%d}）"
        if verified:
            text += f"；“{verified}”已按原件读卡核验"
        if notes:
            text += "\n注意：" + "；".join(notes)
        show_message(self.message, text, "warn" if notes else "ok")
        who.phone.setFocus()  # what the card does not hold comes next

    # --- the document camera (F6) -------------------------------------------------------
    def scan_page(self) -> None:
        """F6: capture a page for the material line the clerk is on."""
        row = self.materials.row_of(QApplication.focusWidget())
        if row is None:
            show_message(self.message, "请先把光标移到要扫描的材料那一行（Tab），再按 F6。", "warn")
            return
        if self.devices is None or self.devices.state("camera") == "off":
            show_message(self.message, "本窗口未配置高拍仪，请在设备设置中选择，或收取纸质材料。", "warn")
            return
        self._scan_row = row
        if self.devices.capture_page():
            show_message(self.message, f"正在拍摄“{row.material.name}”……", "ok")

    def _page_captured(self, page) -> None:  # noqa: ANN001 — devices.camera.CapturedPage
        # Taken once: the camera is shared with the pick-up desk, whose pages are not this row's.
        row, self._scan_row = self._scan_row, None
        if row is None or row not in self.materials.rows:
            return
        jpeg = page.jpeg

        def store() -> OpResult:  # on the write thread: the page kept, and its thumbnail made there too
            kept = store_scan(self.ctx, self.actor, jpeg)
            return OpResult((kept.value, thumbnail(jpeg, THUMB_HEIGHT)), kept.changes)

        def stored(value: tuple) -> None:
            sha, image = value
            row.add_scan(sha, image)
            show_message(self.message, f"“{row.material.name}”已扫描 {len(row.scans)} 页（电子材料已保存在本机）。", "ok")
            row.choice.setFocus()

        self.ops.run_write(store, stored, self._show_error, initiator=self)

    def _device_failed(self, code: str, message: str) -> None:
        show_message(self.message, f"{message}（{code}）", "warn")

    def _id_checked(self, who) -> None:  # noqa: ANN001 — PartyFields
        self._banner_if_fixed()

    def _all_in(self) -> None:
        self.materials.mark_all_as_required_form(self.party.has_agent.isChecked())

    def _ready(self) -> bool:
        if self.guide is None:
            show_message(self.message, "请先查找并选择事项。", "error")
            self.finder.focus_search()
            return False
        if not self.guide.can_take_in:
            show_message(self.message, self.guide.blocked_message(), "error")
            return False
        if self.ops.writing:
            show_message(self.message, "正在保存上一件，请稍候再按。", "warn")
            return False
        return True

    def _run(self, fn) -> None:  # noqa: ANN001
        self._set_decidable(False)
        show_message(self.message, "正在保存…", "ok")
        self.ops.run_write(fn, self._saved, self._failed)

    def _saved(self, value: object) -> None:
        number = getattr(value, "number", "")
        warnings = getattr(value, "warnings", ())
        documents = [d.id for d in getattr(value, "documents", ())]
        if documents:
            self.documents_issued.emit(documents)
        self.ops.run_read(lambda: case_detail(self.ctx, self.actor, number), lambda d: self._show_result(d, warnings),
                          self._show_error)

    def _show_result(self, d, warnings) -> None:  # noqa: ANN001
        word = RESULT_WORDS.get(d.state, d.state_label)
        due = ""
        if d.committed_due:
            due = f"；承诺办结日期 {d.committed_due:%Y-%m-%d}" + ("" if d.due_confirmed else "（未确认：该年度节假日尚未公布）")
        elif d.state == "received":
            due = f"；须在 {d.acceptance_due:%Y-%m-%d} 前作出决定，逾期视为受理"
        text = f"✔ {word}　办件编号 {display_case_number(d.number)}　申请人 {d.applicant.name}{due}"
        notes = [w.message for w in warnings]
        names = d.applicant.name + (d.agent.name if d.agent else "")
        blind = characters_without_glyph(names)
        if blind:
            codes = "、".join(f"“{c}”(U+{ord(c):04X})" for c in blind)
            notes.append(f"姓名中的 {codes} 本机字库无法显示，已按输入保存；打印文书前请人工核对")
        if notes:
            text += "\n提示：" + "；".join(notes)
        show_message(self.message, text, "warn" if notes else "ok")
        self.next_applicant(keep_message=True)

    def _failed(self, exc: Exception) -> None:
        self._set_decidable(bool(self.guide and self.guide.can_take_in))
        self._show_error(exc)

    def _show_error(self, exc: Exception) -> None:
        if isinstance(exc, RuleError) and len(exc.problems) > 1:
            # Everything to fix at once, one line each, so the clerk can work down the list.
            lines = "\n".join(f"· {p.message}（{p.code}）" for p in exc.problems)
            text = f"未保存，请修改以下 {len(exc.problems)} 处：\n{lines}"
        elif isinstance(exc, ClerkDeskError):
            text = f"未保存：{error_text(exc)}（{error_code(exc)}）"
        else:
            text = error_text(exc)
        show_message(self.message, text, "error")
        self._highlight(exc)

    def _highlight(self, exc: Exception) -> None:
        fields = self.party.widgets_by_field()
        for w in fields.values():
            w.setProperty("invalid", False)
            w.style().polish(w)
        if not isinstance(exc, RuleError):
            return
        first = None
        for p in exc.problems:
            w = fields.get(p.field)
            if w is not None:
                w.setProperty("invalid", True)
                w.style().polish(w)
                first = first or w
        self._banner_on_fields = first is not None
        if first is None and any(p.code == "MATERIAL_UNANSWERED" for p in exc.problems):
            first = self.materials.first_unanswered()  # straight to the question to answer
        if first is not None:
            first.setFocus()

    def _unmark(self, w: QWidget) -> None:
        if w.property("invalid"):
            w.setProperty("invalid", False)
            w.style().polish(w)
        self._banner_if_fixed()

    def _banner_if_fixed(self) -> None:
        """The error banner goes once every field it pointed at has been corrected."""
        if self._banner_on_fields and not any(x.property("invalid") for x in self.party.widgets_by_field().values()):
            self._banner_on_fields = False
            self.message.hide()

    def is_dirty(self) -> bool:
        """Something typed or ticked that is not saved yet."""
        p = self.party.applicant
        typed = any(w.text().strip() for w in (p.name, p.id_number, p.phone, p.address)) or self.party.has_agent.isChecked()
        ticked = any(r.choice.currentData() in ("original", "copy", "electronic", "tolerated") for r in self.materials.rows)
        return typed or ticked

    def ask_next_applicant(self) -> None:
        """Ctrl+N: a half-filled form is never thrown away by one key — the second Ctrl+N within
        a few seconds clears it; F8 saves it first."""
        now = time.monotonic()
        if self.is_dirty() and now - self._clear_asked_at > CLEAR_CONFIRM_SECONDS:
            self._clear_asked_at = now
            show_message(self.message, "当前表单尚未保存。再按一次 Ctrl+N 清空并接待下一位；按 F8 先保存（仅收件）。", "warn")
            return
        self._clear_asked_at = 0.0
        self.next_applicant()

    def next_applicant(self, keep_message: bool = False) -> None:
        self.party.clear()
        self.materials.reset()
        self._highlight(Exception())
        if not keep_message:
            show_message(self.message, "", "ok")
        self._set_decidable(bool(self.guide and self.guide.can_take_in))
        self.finder.focus_search()

"""A whole intake without the mouse, through the real window, for each decision."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.case_states import State
from app.usecases.queries import CaseFilter, case_detail, list_cases
from tests.conftest import as_user
from tests.helpers import APPLICANT_ID
from tests.ui.keyboard import focused, press, tab_to, type_text, when_dialog_opens


def start_intake(qtbot, w, query: str = "gtgshsl") -> None:
    assert focused() is w.intake.finder.search  # search box focused on open
    type_text(query)
    qtbot.waitUntil(lambda: w.intake.finder.results.count() > 0)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.intake.guide is not None and focused() is w.intake.party.applicant.name)
    # The clerk sees the checklist before she reaches it.
    qtbot.waitUntil(lambda: w.intake.materials.rows and all(r.choice.isVisible() for r in w.intake.materials.rows))
    assert w.intake.guide.name == "个体工商户设立登记"  # initials narrow as the clerk types


def enter_applicant(id_number: str = " ６２０３２１" + APPLICANT_ID[6:-1] + APPLICANT_ID[-1].lower()) -> None:
    type_text("张桂兰")
    tab_to("applicant_id_number")
    type_text(id_number)  # full-width digits and a leading space, as an IME leaves them
    tab_to("applicant_phone")
    type_text("13893512345")
    tab_to("applicant_address")
    type_text("永昌县城关镇北海子路12号")


def answer_questions(w, key: str = "9") -> list[str]:
    """After Alt+Q the "如涉及" materials are still questions: the clerk answers each (9 不涉及)."""
    asked = [r for r in w.intake.materials.rows if r.choice.currentData() == "ask"]
    for r in asked:
        tab_to(r.choice.objectName())
        type_text(key)
    return [r.material.name for r in asked]


def in_sight(widget) -> bool:
    """The whole widget lies inside the visible part of the scrolling form that holds it."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QScrollArea

    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    assert area is not None, "not in a scrolling form"
    port = area.viewport()
    return port.rect().contains(QRect(widget.mapTo(port, QPoint(0, 0)), widget.size()))


def wait_message(qtbot, w, word: str) -> str:
    try:
        qtbot.waitUntil(lambda: word in w.intake.message.text(), timeout=10_000)
    except Exception as exc:  # the screen's own words say why
        raise AssertionError(f"expected {word!r}, screen says {w.intake.message.text()!r}") from exc
    return w.intake.message.text()


def preview_opens_with(qtbot, w, titles: list[str]):  # noqa: ANN201
    """The decision's documents open at once, print button first; Esc closes and hands the
    keyboard back to the search box for the next applicant."""
    qtbot.waitUntil(lambda: bool(w.previews) and w.previews[-1].tabs.count() == len(titles), timeout=20_000)
    dlg = w.previews[-1]
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())] == titles
    qtbot.waitUntil(lambda: focused() is dlg.print_button)
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: focused() is w.intake.finder.search)
    return dlg


def only_case(ctx, user="clerk01"):
    rows = list_cases(ctx, as_user(ctx, user), CaseFilter.TODAY)
    assert len(rows) == 1
    return case_detail(ctx, as_user(ctx, user), rows[0].number)


def test_accept_with_keyboard_only(qtbot, window, ctx) -> None:
    w = window()
    start_intake(qtbot, w)
    enter_applicant()
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)  # 全部按要求收齐
    assert answer_questions(w) == ["参加经营的家庭成员居民身份证", "许可证件或批准文件"]
    press(Qt.Key.Key_F9)
    text = wait_message(qtbot, w, "已受理")
    preview_opens_with(qtbot, w, ["受理通知书", "材料接收凭证"])
    d = only_case(ctx)
    assert d.state == State.ACCEPTED and d.applicant.id_number == APPLICANT_ID
    assert d.number[-1] in text and "承诺办结日期" in text
    # Ready for the next applicant: form cleared, search focused.
    assert w.intake.party.applicant.name.text() == "" and focused() is w.intake.finder.search


def test_one_time_supplementation_with_keyboard_only(qtbot, window, ctx) -> None:
    w = window()
    start_intake(qtbot, w)
    enter_applicant()
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    answer_questions(w)
    rows = w.intake.materials.rows
    target = next(r for r in rows if r.material.required and not r.material.platform_verifiable)
    tab_to(target.choice.objectName())
    type_text("0")  # 0 未提交
    assert target.choice.currentData() == "none"
    seen: list[str] = []

    def confirm(dlg) -> None:  # noqa: ANN001
        seen.append(dlg.findChild(type(w.intake.message), "supplement_lines").text())
        press(Qt.Key.Key_Return)

    driver = when_dialog_opens(confirm)
    press(Qt.Key.Key_F10)
    driver.check(qtbot)
    wait_message(qtbot, w, "一次性告知")
    preview_opens_with(qtbot, w, ["补齐补正告知书", "材料接收凭证"])
    assert target.material.name in seen[0]
    d = only_case(ctx)
    assert d.state == State.AWAITING_SUPPLEMENT
    assert target.material.name in str(d.timeline[-1].detail["supplement"])


def test_reject_with_keyboard_only(qtbot, window, ctx) -> None:
    w = window()
    start_intake(qtbot, w)
    enter_applicant()

    def fill(dlg) -> None:  # noqa: ANN001
        type_text("申请事项为排污许可，依法由生态环境部门实施")
        tab_to("reject_agency")
        type_text("金昌市生态环境局永昌分局")
        press(Qt.Key.Key_Return)

    driver = when_dialog_opens(fill)
    press(Qt.Key.Key_F11)
    driver.check(qtbot)
    wait_message(qtbot, w, "不予受理")
    preview_opens_with(qtbot, w, ["不予受理通知书"])
    d = only_case(ctx)
    assert d.state == State.REJECTED
    assert d.competent_agency == "金昌市生态环境局永昌分局" and "行政复议" in d.remedy


def test_receive_only_then_bad_id_is_refused_in_chinese(qtbot, window, ctx) -> None:
    w = window()
    start_intake(qtbot, w)
    wrong = APPLICANT_ID[:-1] + ("1" if APPLICANT_ID[-1] != "1" else "2")
    enter_applicant(wrong)
    press(Qt.Key.Key_F8)
    text = wait_message(qtbot, w, "未保存")
    assert "校验" in text and "ID_CHECKSUM" in text
    assert w.intake.party.applicant.id_number.property("invalid") is True
    assert focused() is w.intake.party.applicant.id_number  # straight back to the field to fix
    assert w.intake.party.applicant.name.text() == "张桂兰"  # nothing the clerk typed is lost
    press(Qt.Key.Key_Backspace)
    assert w.intake.party.applicant.id_number.property("invalid") is False  # the mark goes once she corrects
    assert list_cases(ctx, as_user(ctx, "clerk01"), CaseFilter.TODAY) == []


def test_suspended_item_is_shown_and_cannot_be_taken_in(qtbot, window, ctx) -> None:
    w = window()
    idx = w.intake.finder.index
    suspended = next(h for h in idx.search("", limit=10_000) if h.status == "suspended")
    type_text(suspended.implementation_code)
    qtbot.waitUntil(lambda: w.intake.finder.results.count() == 1)
    assert "暂停" in w.intake.finder.results.item(0).text()
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.intake.guide is not None)
    assert w.intake.guide_view.blocked.isVisibleTo(w) and "暂停" in w.intake.guide_view.blocked.text()
    assert not w.intake.accept_btn.isEnabled()
    press(Qt.Key.Key_F9)
    assert list_cases(ctx, as_user(ctx, "clerk01"), CaseFilter.TODAY) == []


def test_alt_q_records_only_what_applies_and_asks_about_the_rest(qtbot, window, ctx) -> None:
    """Issue 10 #3: no agent → no 授权委托书 or agent ID marked received; a "如涉及" material is
    a question the clerk must answer before anything is saved; nothing prints as received that
    she did not confirm."""
    from app.documents import DocumentKind
    from app.usecases.documents import stored_snapshot

    w = window()
    start_intake(qtbot, w)
    enter_applicant()
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    by_name = {r.material.name: r.choice.currentData() for r in w.intake.materials.rows}
    assert by_name["授权委托书"] == "na" and by_name["受托人居民身份证"] == "na"
    assert by_name["许可证件或批准文件"] == "ask"
    press(Qt.Key.Key_F9)
    text = wait_message(qtbot, w, "未保存")
    assert "许可证件或批准文件" in text and "不涉及" in text and "MATERIAL_UNANSWERED" in text
    assert focused() is w.intake.materials.first_unanswered()  # straight to the question
    qtbot.waitUntil(lambda: in_sight(focused()))  # … and she sees it: the form scrolled to it
    assert list_cases(ctx, as_user(ctx, "clerk01"), CaseFilter.TODAY) == []

    answer_questions(w)
    press(Qt.Key.Key_F9)
    wait_message(qtbot, w, "已受理")
    d = only_case(ctx)
    receipt = stored_snapshot(ctx, d.number, DocumentKind.RECEIPT)
    received = {m.name for m in receipt.materials if m.provided != "none"}
    assert not received & {"授权委托书", "受托人居民身份证", "许可证件或批准文件"}


def test_with_an_agent_alt_q_takes_the_authorisation_too(qtbot, window, ctx) -> None:
    w = window()
    start_intake(qtbot, w)
    w.intake.party.has_agent.setChecked(True)
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    by_name = {r.material.name: r.choice.currentData() for r in w.intake.materials.rows}
    assert by_name["授权委托书"] == "original" and by_name["受托人居民身份证"] == "verified"
    w.intake.party.has_agent.setChecked(False)  # the agent leaves: the materials follow
    assert {r.material.name: r.choice.currentData() for r in w.intake.materials.rows}["授权委托书"] == "na"


def test_the_id_field_answers_when_the_clerk_leaves_it(qtbot, window, ctx) -> None:
    """Issue 10 #4: full-width digits, a space and a lower-case x are fixed on leaving the field,
    and ✓ or the problem shows at once — not when she presses save."""
    w = window()
    start_intake(qtbot, w)
    fields = w.intake.party.applicant
    type_text("张桂兰")
    tab_to("applicant_id_number")
    wrong = APPLICANT_ID[:-1] + ("1" if APPLICANT_ID[-1] != "1" else "2")
    type_text(wrong)
    tab_to("applicant_phone")
    assert fields.id_number.property("invalid") is True and "校验" in fields.id_status.text()
    fields.id_number.setFocus()
    fields.id_number.selectAll()
    type_text(" ６２０３２１" + APPLICANT_ID[6:-1] + APPLICANT_ID[-1].lower())
    tab_to("applicant_phone")
    assert fields.id_number.text() == APPLICANT_ID  # as it will be saved
    assert fields.id_status.text().startswith("✓") and "1985-06-12" in fields.id_status.text()
    assert fields.id_number.property("invalid") is False


def test_the_id_field_judges_a_birth_date_by_the_terminals_date_not_the_pcs(qtbot, window, ctx) -> None:
    """The terminal's clock says 2026-11-20: a number born on the 25th is not a person yet,
    whatever date the PC itself shows (the save refuses it by the same clock)."""
    from tests.helpers import resident_id

    assert ctx.today().isoformat() == "2026-11-20"
    w = window()
    start_intake(qtbot, w)
    fields = w.intake.party.applicant
    type_text("张桂兰")
    tab_to("applicant_id_number")
    type_text(resident_id("620321", "20261125", "231"))
    tab_to("applicant_phone")
    assert fields.id_number.property("invalid") is True and "晚于今天" in fields.id_status.text()


def test_the_one_time_notice_is_not_shown_before_the_form_is_right(qtbot, window, ctx) -> None:
    """Issue 10 #4: F10 with a wrong ID digit refuses at once; the list to confirm with the
    applicant never opens, nothing is saved; fixing the field takes the banner away."""
    from PySide6.QtWidgets import QApplication

    w = window()
    start_intake(qtbot, w)
    wrong = APPLICANT_ID[:-1] + ("1" if APPLICANT_ID[-1] != "1" else "2")
    enter_applicant(wrong)
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    answer_questions(w)
    target = next(r for r in w.intake.materials.rows if r.material.required and not r.material.platform_verifiable)
    target.set_choice("none")
    press(Qt.Key.Key_F10)
    text = wait_message(qtbot, w, "未保存")
    assert "校验" in text and QApplication.activeModalWidget() is None
    assert list_cases(ctx, as_user(ctx, "clerk01"), CaseFilter.TODAY) == []
    assert focused() is w.intake.party.applicant.id_number
    w.intake.party.applicant.id_number.selectAll()
    type_text(APPLICANT_ID)
    assert not w.intake.message.isVisible()  # the banner goes once the field is fixed


def test_tab_from_the_name_goes_to_the_number_and_ctrl_n_never_loses_a_half_filled_form(qtbot, window, ctx) -> None:
    """Issue 10: Tab from 姓名 no longer stops on the 证件类型 drop-down (a Space there opened it
    and ate the digits); Ctrl+N asks once before throwing a form away."""
    w = window()
    start_intake(qtbot, w)
    type_text("张桂兰")
    press(Qt.Key.Key_Tab)
    assert focused() is w.intake.party.applicant.id_number
    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert w.intake.party.applicant.name.text() == "张桂兰" and "再按一次 Ctrl+N" in w.intake.message.text()
    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert w.intake.party.applicant.name.text() == "" and focused() is w.intake.finder.search


def test_f4_reads_the_card_into_the_applicant_and_verifies_her_id_material(qtbot, window, ctx) -> None:
    """Issue 13 #3: F4 (读卡) fills name, number, address from the card; the ID material is
    then the original, verified by the chip — and says so on the record."""
    from devices.idcard.simulator import sample_card

    card = sample_card("standard")
    w = window()
    label = w.device_status.labels["idcard"]
    assert w.devices.state("idcard") == "idle" and "读卡器" in label.text() and label.toolTip() == "身份证阅读器：就绪"
    start_intake(qtbot, w)
    press(Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: "已读卡" in w.intake.message.text(), timeout=15_000)
    a = w.intake.party.applicant
    assert (a.name.text(), a.id_number.text(), a.address.text()) == (card.name, card.id_number, card.address)
    assert a.id_status.text().startswith("✓") and focused() is a.phone
    id_row = next(r for r in w.intake.materials.rows if r.card_verified)
    assert id_row.choice.currentData() == "original" and id_row.tick().clerk_note == "原件已读卡核验"

    # Someone else's number typed over the card's: the record no longer claims the chip vouched.
    a.id_number.setFocus()
    a.id_number.selectAll()
    type_text(APPLICANT_ID)
    assert a.id_number.text() == APPLICANT_ID
    assert id_row.choice.currentData() == "original" and id_row.tick().clerk_note == ""


def test_f6_scans_a_page_onto_the_material_and_the_receipt_says_so(qtbot, window, ctx, tmp_path) -> None:
    """Issue 13 #3: F6 attaches a captured page to the material line the clerk is on (a
    thumbnail shows); the case keeps the page inside the local store; the receipt says the
    material was received electronically."""
    from app.documents import DocumentKind
    from app.usecases.documents import stored_snapshot
    from app.usecases.scans import page_image

    w = window()
    start_intake(qtbot, w)
    enter_applicant()
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    answer_questions(w)
    row = next(r for r in w.intake.materials.rows if r.material.required and not r.material.platform_verifiable)
    tab_to(row.choice.objectName())
    press(Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: len(row.scans) == 1, timeout=20_000)
    assert row.thumb.pixmap() is not None and not row.thumb.pixmap().isNull()
    sha, name = row.scans[0], row.material.name  # the form clears for the next applicant after saving
    press(Qt.Key.Key_F9)
    wait_message(qtbot, w, "已受理")
    d = only_case(ctx)
    receipt = stored_snapshot(ctx, d.number, DocumentKind.RECEIPT)
    line = next(m for m in receipt.materials if m.name == name)
    assert line.scans == (sha,)
    assert page_image(ctx, as_user(ctx, "clerk01"), sha)[:3] == b"\xff\xd8\xff"  # the JPEG, kept locally
    from printing import render_document
    from tests.printing.pdf_tools import text

    assert "已扫描电子化1页" in text(render_document(receipt).pdf, tmp_path).replace(" ", "").replace("\n", "")


def test_a_company_applies_through_its_handler_with_keyboard_only(qtbot, window, ctx, tmp_path) -> None:
    """A company's 经办人 at the window: the unit is the applicant (统一社会信用代码, 法定代表人),
    the person at the counter applies for it with the unit's authorisation. The case keeps
    both, and the notice the handler takes away speaks to the unit (你单位) and names him."""
    from stdnum.cn import uscc

    from tests.helpers import resident_id
    from tests.printing.pdf_tools import text

    credit_code = "91620321MA7X3K1P5" + uscc.calc_check_digit("91620321MA7X3K1P5")
    handler_id = resident_id("620302", "19900101", "123")
    w = window()
    assert focused() is w.intake.finder.search
    type_text("药品零售")
    qtbot.waitUntil(lambda: w.intake.finder.results.count() > 0)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.intake.guide is not None and focused() is w.intake.party.applicant.name)
    assert w.intake.guide.name == "药品零售企业经营许可"
    tab_to("applicant_kind")
    press(Qt.Key.Key_Down)  # 法人/其他组织
    assert w.intake.party.applicant.id_label.text() == "统一社会信用代码"
    tab_to("applicant_name")
    type_text("永昌县金川大药房有限公司")
    tab_to("applicant_id_number")
    type_text(credit_code.lower())  # as the clerk types it off the licence
    tab_to("applicant_phone")
    type_text("09357520000")
    tab_to("applicant_legal_rep")
    type_text("王建国")
    tab_to("applicant_address")
    type_text("永昌县城关镇金川西路8号")
    tab_to("has_agent")
    press(Qt.Key.Key_Space)
    tab_to("agent_name")
    type_text("李明")
    tab_to("agent_id_number")
    type_text(handler_id)
    tab_to("agent_phone")
    type_text("13993500000")
    tab_to("authorisation")
    type_text("代为办理药品经营许可申请，2026年11月20日签署")
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)  # 全部按要求收齐, the authorisation too
    answer_questions(w)
    press(Qt.Key.Key_F9)
    wait_message(qtbot, w, "已受理")
    qtbot.waitUntil(lambda: bool(w.previews) and w.previews[-1].tabs.count() == 2, timeout=20_000)
    qtbot.waitUntil(lambda: w.previews[-1].current() is not None and w.previews[-1].current().rendered is not None,
                    timeout=20_000)
    notice = text(w.previews[-1].current().rendered.pdf, tmp_path)  # the first tab: 受理通知书
    preview_opens_with(qtbot, w, ["受理通知书", "材料接收凭证"])

    d = only_case(ctx)
    assert d.state == State.ACCEPTED
    assert (d.applicant.kind, d.applicant.name, d.applicant.id_number, d.applicant.legal_rep) == (
        "organisation", "永昌县金川大药房有限公司", credit_code, "王建国")
    assert d.agent is not None and (d.agent.kind, d.agent.name, d.agent.id_number) == ("person", "李明", handler_id)
    assert "2026年11月20日签署" in d.authorisation
    assert "永昌县金川大药房有限公司：\n你单位于" in notice and f"统一社会信用代码 {credit_code}" in notice
    # The handler is named as the law names him (行政许可法 第二十九条: 委托代理人), the ID masked.
    assert f"李明（居民身份证 {handler_id[:6]}********{handler_id[-4:]}）" in notice

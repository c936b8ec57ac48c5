"""The pick-up desk through the real window (issue 14): scan, card read, sign, hand over with a
receipt; a stranger stopped then a supervisor's override; mailing with a bad then a good
tracking number; the ready list oldest first."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.usecases.queries import case_detail
from devices.idcard.simulator import sample_card
from devices.signature.simulator import SimulatedSigner
from tests.conftest import as_user
from tests.sync.support import ready_for_pickup
from tests.ui.keyboard import press, type_text, when_dialog_opens


def ready(ctx, clerk, n: int = 1) -> list[str]:  # noqa: ANN001
    return ready_for_pickup(ctx, clerk, n)


def open_desk(qtbot, window):  # noqa: ANN001, ANN201
    from PySide6.QtWidgets import QApplication

    w = window("pickup01")
    desk = w.pickup
    assert w.tabs.currentWidget() is desk
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan)  # the scan field has the focus
    return w, desk


def test_self_collection_scan_card_sign_and_receipt(qtbot, window, ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    w, desk = open_desk(qtbot, window)
    qtbot.waitUntil(lambda: desk.waiting.count() == 1)
    type_text(number)  # a barcode scanner types the number, then Enter
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.detail is not None and desk.detail.number == number, timeout=10_000)
    # The demo reader holds a sample card, not this applicant's: typed here as the clerk would check by eye.
    desk.collector_name.setText("张桂兰")
    desk.collector_id.setText(case_detail(ctx, clerk, number).applicant.id_number)
    desk.collector_id.editingFinished.emit()
    qtbot.waitUntil(lambda: desk.identity.text().startswith("✓"), timeout=10_000)
    desk.pad.set_signature(SimulatedSigner(1).sign("张桂兰"))
    press(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: bool(w.previews) and w.previews[-1].tabs.count() == 1, timeout=20_000)
    assert w.previews[-1].tabs.tabText(0) == "证照领取回执"
    assert case_detail(ctx, clerk, number).state == "collected"
    qtbot.waitUntil(lambda: desk.waiting.count() == 0, timeout=10_000)


def test_a_mismatch_stops_the_hand_over_until_a_supervisor_overrides(qtbot, window, ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    w, desk = open_desk(qtbot, window)
    desk.open_case(number)
    qtbot.waitUntil(lambda: desk.detail is not None, timeout=10_000)
    press(Qt.Key.Key_F4)  # the sample card on the demo reader: someone else
    card = sample_card("standard")
    qtbot.waitUntil(lambda: desk.collector_id.text() == card.id_number, timeout=15_000)
    qtbot.waitUntil(lambda: desk.identity.text().startswith("✗"), timeout=10_000)
    desk.pad.set_signature(SimulatedSigner(2).sign(card.name))

    def approve(dlg) -> None:  # noqa: ANN001
        dlg.username.setText("super01")
        dlg.password.setText("demo1234")
        dlg.reason.setText("申请人电话确认委托其亲属代领，已留存通话记录")
        press(Qt.Key.Key_Return)

    driver = when_dialog_opens(approve)
    press(Qt.Key.Key_F9)
    driver.check(qtbot)
    qtbot.waitUntil(lambda: case_detail(ctx, clerk, number).state == "collected", timeout=20_000)
    d = case_detail(ctx, as_user(ctx, "super01"), number)
    assert "主管核准" in d.timeline[-1].detail.get("identity_method", "") and d.timeline[-1].detail["override_by"] == "super01"


def test_mailing_refuses_a_bad_tracking_number_then_mails(qtbot, window, ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    w, desk = open_desk(qtbot, window)
    desk.open_case(number)
    qtbot.waitUntil(lambda: desk.detail is not None, timeout=10_000)

    seen: list[str] = []

    def mail(dlg) -> None:  # noqa: ANN001
        type_text("RR473124828CN")  # the scanner misread one digit
        press(Qt.Key.Key_Return)
        seen.append(dlg.message.text())
        dlg.tracking.selectAll()
        type_text("RR473124829CN")
        press(Qt.Key.Key_Return)

    driver = when_dialog_opens(mail)
    press(Qt.Key.Key_F10)
    driver.check(qtbot)
    assert "校验位不符" in seen[0] and "TRACKING_CHECK_DIGIT" in seen[0]
    qtbot.waitUntil(lambda: case_detail(ctx, clerk, number).state == "mailed", timeout=20_000)
    qtbot.waitUntil(lambda: bool(w.previews), timeout=20_000)


def test_the_ready_list_is_oldest_first_and_marks_the_overdue_red(qtbot, window, ctx, clerk, clock) -> None:
    old, new = ready(ctx, clerk, 1)[0], None
    clock.set(2026, 12, 7, 9, 0)  # 17 days later: past the 10 days of 第四十四条
    [new] = ready(ctx, clerk, 1)
    w, desk = open_desk(qtbot, window)
    qtbot.waitUntil(lambda: desk.waiting.count() == 2, timeout=10_000)
    items = [desk.waiting.item(i) for i in range(2)]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in items] == [old, new]
    assert "超过10日" in items[0].text() and "超过10日" not in items[1].text()
    assert items[0].background().color().name() != items[1].background().color().name()

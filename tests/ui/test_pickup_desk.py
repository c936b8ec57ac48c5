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
    assert desk.message.text() == f"已读卡：{card.name}"  # not still "正在读卡……"
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


def test_agent_collection_with_a_scanned_authorisation(qtbot, window, ctx, clerk) -> None:
    """An agent: F4 reads the agent's card, the hand-over is refused until F6 has captured the
    授权委托书 and the applicant's ID copy (the supervisor's override is declined here), then
    signed and handed over; the pages are kept and linked, the platform gets their hashes."""
    import hashlib

    from sqlalchemy import select

    from app.storage.models import OutboxEvent
    from app.usecases.pickup import handover_pages
    from app.usecases.scans import page_image
    from devices.camera.folder import PICKUP_SAMPLES_DIR, FolderCamera
    from tests.ui.keyboard import tab_to

    [number] = ready(ctx, clerk)
    w, desk = open_desk(qtbot, window)
    w.devices.set_camera(FolderCamera(PICKUP_SAMPLES_DIR))  # the desk's camera, the agent's papers under it
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.detail is not None and desk.detail.number == number, timeout=10_000)
    assert not desk.pages.isVisible()  # 本人领取: nothing to capture
    tab_to("pickup_mode")
    type_text("2")  # 2 代理人领取
    assert desk.mode.currentData() == "agent" and desk.pages.isVisible()
    press(Qt.Key.Key_F4)  # the card on the demo reader is the agent's
    card = sample_card("standard")
    qtbot.waitUntil(lambda: desk.collector_id.text() == card.id_number, timeout=15_000)
    qtbot.waitUntil(lambda: "授权委托书" in desk.identity.text(), timeout=10_000)
    desk.pad.set_signature(SimulatedSigner(4).sign(card.name))

    declined = when_dialog_opens(lambda dlg: press(Qt.Key.Key_Escape))  # no supervisor at hand
    press(Qt.Key.Key_F9)
    declined.check(qtbot)
    assert "授权委托书" in desk.message.text() and "申请人身份证复印件" in desk.message.text()
    assert case_detail(ctx, clerk, number).state == "awaiting_pickup"
    from PySide6.QtWidgets import QApplication

    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan)  # back at the desk, keyboard ready

    press(Qt.Key.Key_F6)  # the 授权委托书
    qtbot.waitUntil(lambda: len(desk.pages.pages["authorisation"]) == 1, timeout=15_000)
    assert "还需拍摄：申请人身份证复印件" in desk.message.text()
    press(Qt.Key.Key_F6)  # then the applicant's ID copy: F6 goes to what is still missing
    qtbot.waitUntil(lambda: len(desk.pages.pages["applicant_id_copy"]) == 1, timeout=15_000)
    qtbot.waitUntil(lambda: desk.identity.text().startswith("✓"), timeout=10_000)
    press(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: bool(w.previews) and w.previews[-1].tabs.count() == 1, timeout=20_000)
    assert w.previews[-1].tabs.tabText(0) == "证照领取回执"
    assert case_detail(ctx, clerk, number).state == "collected"

    pages = handover_pages(ctx, clerk, number)
    assert [(k, n) for k, n, _ in pages] == [("authorisation", 1), ("applicant_id_copy", 1)]
    for _kind, _n, sha in pages:
        assert hashlib.sha256(page_image(ctx, clerk, sha)).hexdigest() == sha  # the page itself is kept
    with ctx.read() as s:
        event = s.scalars(select(OutboxEvent.payload).where(OutboxEvent.case_number == number)
                          .order_by(OutboxEvent.seq.desc())).first()
    assert event["data"]["authorisation_pages"] == [pages[0][2]] and event["data"]["id_copy_pages"] == [pages[1][2]]
    assert card.id_number not in str(event)


def test_typing_the_applicant_over_a_card_read_is_a_hand_check_on_the_receipt(qtbot, window, ctx, clerk) -> None:
    """Seen under Xvfb: F4 read the demo card (someone else), the clerk typed the applicant's
    name and number over it, and the desk said 读卡核验 — and so would the signed receipt."""
    from app.documents import DocumentKind
    from app.usecases.documents import stored_snapshot

    [number] = ready(ctx, clerk)
    w, desk = open_desk(qtbot, window)
    desk.open_case(number)
    qtbot.waitUntil(lambda: desk.detail is not None, timeout=10_000)
    press(Qt.Key.Key_F4)
    card = sample_card("standard")
    qtbot.waitUntil(lambda: desk.collector_id.text() == card.id_number, timeout=15_000)
    desk.collector_name.setText("张桂兰")
    desk.collector_id.setText(case_detail(ctx, clerk, number).applicant.id_number)
    desk.collector_id.editingFinished.emit()
    qtbot.waitUntil(lambda: desk.identity.text() == "✓ 身份核验通过（人工核验）", timeout=10_000)
    desk.pad.set_signature(SimulatedSigner(3).sign("张桂兰"))
    press(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: case_detail(ctx, clerk, number).state == "collected", timeout=20_000)
    assert stored_snapshot(ctx, number, DocumentKind.HANDOVER_RECEIPT).handover.identity_method == "人工核验居民身份证"

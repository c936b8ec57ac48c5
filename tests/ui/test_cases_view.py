"""办件查询: lists refresh on the "changed" signal; opening a case shows its timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.case_states import Action
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from tests.conftest import as_user
from tests.helpers import all_provided, find_item, person


def test_case_list_refreshes_after_an_intake_and_shows_timeline(qtbot, window, ctx) -> None:
    w = window()
    view = w.cases
    assert view.model.rowCount() == 0
    g = find_item(ctx, "个体工商户设立登记")
    actor = as_user(ctx, "clerk01")
    # Through the window's own operation runner, so the change is broadcast as in real use.
    w.ops.run_write(lambda: intake_and_decide(ctx, actor, IntakeInput(g.item_id, person(), all_provided(g)),
                                              Decision(Action.ACCEPT)))
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10_000)
    html = view.browser.toPlainText()
    assert "收件" in html and "受理" in html and "张桂兰" in html
    # Each step names the clerk as the hall knows her, not by her login.
    assert "李晓燕：收件" in html and "李晓燕：受理" in html and "clerk01" not in html
    qtbot.waitUntil(lambda: w.queue_label.text() == "待上传 2")


def test_received_case_can_be_decided_from_the_list(qtbot, window, ctx) -> None:
    from app.usecases.intake import receive_case

    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, as_user(ctx, "clerk01"), IntakeInput(g.item_id, person(), all_provided(g))).value.number
    w = window()
    view = w.cases
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.number == number, timeout=10_000)
    assert view.buttons["accept"].isVisibleTo(w)
    view.buttons["accept"].click()
    qtbot.waitUntil(lambda: view.detail.state == "accepted", timeout=10_000)
    assert not view.buttons["accept"].isVisibleTo(w)


def test_a_case_awaiting_its_decision_leaves_the_list_readable(qtbot, window, ctx) -> None:
    """On the hall's 1366 × 800 screen, opening a case with all its buttons must not squeeze the
    list: the item's name stays readable and no column is pushed out of sight."""
    from app.usecases.intake import receive_case

    g = find_item(ctx, "个体工商户设立登记")
    receive_case(ctx, as_user(ctx, "clerk01"), IntakeInput(g.item_id, person(), all_provided(g)))
    w = window()
    view = w.cases
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10_000)
    qtbot.waitUntil(lambda: view.buttons["accept"].isVisible())
    shown = [b for b in (*view.buttons.values(), view.documents_button) if b.isVisible()]
    assert len(shown) >= 6  # 受理, 一次性告知, 不予受理, 当场更正, 撤回申请, 文书 / 补打
    qtbot.wait(50)  # the splitter settles after the buttons show
    assert view.table.columnWidth(1) >= 120  # 事项: "个体工商户设立…" at least
    assert not view.table.horizontalScrollBar().isVisible()


def test_correction_on_the_spot_with_keyboard_only(qtbot, window, ctx) -> None:
    from PySide6.QtCore import Qt

    from app.usecases.intake import receive_case
    from app.usecases.queries import case_detail
    from tests.ui.keyboard import press, tab_to, type_text, when_dialog_opens

    actor = as_user(ctx, "clerk01")
    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, actor, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    w = window()
    view = w.cases
    press(Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: view.detail is not None and view.buttons["correct_on_spot"].isVisible(), timeout=10_000)

    def fill(_dlg) -> None:  # noqa: ANN001
        type_text("申请书·经营场所地址")
        tab_to("correction_before")
        type_text("北海子路21号")
        tab_to("correction_after")
        type_text("北海子路12号")
        press(Qt.Key.Key_Return)

    driver = when_dialog_opens(fill)
    view.buttons["correct_on_spot"].setFocus()
    press(Qt.Key.Key_Space)
    driver.check(qtbot)
    qtbot.waitUntil(lambda: "更正已登记" in view.message.text(), timeout=10_000)
    d = case_detail(ctx, actor, number)
    assert d.timeline[-1].action == "correct_on_spot" and "北海子路12号" in d.timeline[-1].note
    assert d.state == "received"


def _select_filter(view, which) -> None:  # noqa: ANN001
    for i in range(view.filters.count()):
        if view.filters.item(i).data(256) == which.value:  # Qt.ItemDataRole.UserRole
            view.filters.setCurrentRow(i)
            return
    raise AssertionError(f"no filter {which}")


def test_the_list_keeps_to_the_chosen_filter_and_shows_each_cases_deadline(qtbot, window, ctx) -> None:
    """Issue 10: 期限 shows for accepted and 待补正 cases; a typed search stays within the
    chosen filter; the pane never shows a case the list no longer has; 待领取 is a filter."""
    from app.usecases.queries import CaseFilter
    from tests.helpers import first_required_non_verifiable, missing

    actor = as_user(ctx, "clerk01")
    g = find_item(ctx, "个体工商户设立登记")
    accepted = intake_and_decide(ctx, actor, IntakeInput(g.item_id, person(), all_provided(g)),
                                 Decision(Action.ACCEPT)).value.number
    waiting = intake_and_decide(ctx, actor, IntakeInput(g.item_id, person(), missing(g, {first_required_non_verifiable(g)})),
                                Decision(Action.REQUEST_SUPPLEMENT)).value.number
    w = window()
    view = w.cases
    w.tabs.setCurrentWidget(view)
    _select_filter(view, CaseFilter.ALL)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    due = {view.model.rows[i].number: view.model.data(view.model.index(i, 5)) for i in range(2)}
    assert due[accepted].startswith("2026-") and due[waiting].startswith("待申请人补正（告知 2026-")

    view.table.selectRow(next(i for i, r in enumerate(view.model.rows) if r.number == accepted))
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.number == accepted, timeout=10_000)
    _select_filter(view, CaseFilter.AWAITING_SUPPLEMENT)
    view.search.setText("张桂兰")  # both cases are hers; only the waiting one is in this filter
    view.search.returnPressed.emit()
    qtbot.waitUntil(lambda: view.count.text() == "「待补正」中1 件", timeout=10_000)
    assert [r.number for r in view.model.rows] == [waiting]
    qtbot.waitUntil(lambda: view.detail is None or view.detail.number == waiting, timeout=10_000)
    assert accepted.replace("-", "") not in view.browser.toPlainText().replace("-", "")

    _select_filter(view, CaseFilter.AWAITING_PICKUP)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=10_000)
    assert "待领取" in [view.filters.item(i).text() for i in range(view.filters.count())]


def test_supplement_arrival_starts_from_what_was_already_received(qtbot, window, ctx) -> None:
    from tests.helpers import first_required_non_verifiable, missing

    actor = as_user(ctx, "clerk01")
    g = find_item(ctx, "个体工商户设立登记")
    gap = first_required_non_verifiable(g)
    number = intake_and_decide(ctx, actor, IntakeInput(g.item_id, person(), missing(g, {gap})),
                               Decision(Action.REQUEST_SUPPLEMENT)).value.number
    from app.usecases.catalog import item_guide
    from app.usecases.queries import case_detail
    from ui.cases_view import ResubmitDialog

    dlg = ResubmitDialog(item_guide(ctx, g.item_id), case_detail(ctx, actor, number), ctx.today())
    qtbot.addWidget(dlg)
    choice = {r.material.name: r.choice.currentData() for r in dlg.panel.rows}
    assert choice[gap] == "none"  # the one the notice asked for: the clerk ticks it as it comes
    others = [m for m in g.materials if m.required and m.name != gap and not m.platform_verifiable]
    assert others and all(choice[m.name] == "original" for m in others)  # already received: kept


def test_the_it_admin_sees_the_case_masked_and_no_documents_button(qtbot, window, ctx) -> None:
    """Seen under Xvfb: 陈工 (信息中心) saw the applicant's whole ID number, phone and address,
    and 文书 / 补打 opened an empty preview saying 无权执行此操作."""
    g = find_item(ctx, "个体工商户设立登记")
    applicant = person()
    number = intake_and_decide(ctx, as_user(ctx, "clerk01"), IntakeInput(g.item_id, applicant, all_provided(g)),
                               Decision(Action.ACCEPT)).value.number
    w = window("admin01")
    view = w.cases
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    view.open_case(number)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10_000)
    text = view.browser.toPlainText()
    assert "张桂兰" in text and applicant.id_number[-4:] in text
    assert applicant.id_number not in text and applicant.phone not in text and applicant.address not in text
    assert not view.documents_button.isVisible()


def test_on_a_1024_pixel_screen_the_list_lets_its_least_needed_columns_go(qtbot, window, ctx) -> None:
    """Under Xvfb at 1024×768 with a case open, 事项 shrank to "个…" and 期限, 经办人 went behind a
    sideways scroll. 经办人, then 收件时间, give way; they come back when there is room."""
    from app.usecases.intake import receive_case

    g = find_item(ctx, "个体工商户设立登记")
    receive_case(ctx, as_user(ctx, "clerk01"), IntakeInput(g.item_id, person(), all_provided(g)))
    w = window()
    view = w.cases
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None and view.buttons["accept"].isVisible(), timeout=10_000)
    assert not any(view.table.isColumnHidden(c) for c in range(7))  # 1366 px: every column
    w.resize(1024, 768)
    qtbot.waitUntil(lambda: view.table.isColumnHidden(6))
    qtbot.wait(50)
    assert not view.table.horizontalScrollBar().isVisible()
    assert view.table.columnWidth(1) >= view.ITEM_COLUMN_MIN
    assert not any(view.table.isColumnHidden(c) for c in (0, 1, 2, 3, 5))  # number, item, applicant, state, 期限
    assert view.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "个体工商户设立登记"  # the whole name on hover
    w.resize(1366, 800)
    qtbot.waitUntil(lambda: not any(view.table.isColumnHidden(c) for c in range(7)))


def test_rows_that_widen_the_columns_make_the_least_needed_ones_go_too(qtbot, window, ctx) -> None:
    """The columns were fitted on a resize only: a morning's empty list at 1024 px kept every
    column, and the first cases brought the sideways scroll back until the window moved."""
    from app.changes import Changes
    from app.usecases.intake import receive_case

    w = window()
    view = w.cases
    w.tabs.setCurrentWidget(view)
    w.resize(1024, 768)
    qtbot.wait(100)
    assert view.model.rowCount() == 0 and not view.table.isColumnHidden(6)  # empty: every header fits
    g = find_item(ctx, "个体工商户设立登记")
    numbers = [receive_case(ctx, as_user(ctx, "clerk01"), IntakeInput(g.item_id, person(), all_provided(g))).value.number
               for _ in range(2)]
    view.on_changed(Changes(frozenset(numbers)))  # as another terminal's or the sync's saves arrive
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    qtbot.wait(100)
    assert not view.table.horizontalScrollBar().isVisible()
    assert view.table.columnWidth(1) >= view.ITEM_COLUMN_MIN

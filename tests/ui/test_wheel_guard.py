"""Scrolling the intake form with the mouse wheel never changes what was recorded."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.ui.keyboard import press
from tests.ui.test_intake_keyboard import enter_applicant, start_intake


def wheel_down_over(widget) -> None:
    """One notch down with the pointer on the widget, as a mouse sends it."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_changes_a_material_only_when_the_clerk_is_in_it(qtbot, window) -> None:
    w = window()
    start_intake(qtbot, w)
    enter_applicant()
    press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)  # all received as required
    row = next(r for r in w.intake.materials.rows if r.choice.currentData() in ("original", "copy"))
    choice, pages, promise = row.choice, row.pages, row.promise
    recorded = (choice.currentData(), pages.value(), promise.date())
    assert recorded[1] >= 1

    # The pointer passes over the row while the clerk scrolls the form: nothing changes.
    for widget in (choice, pages, promise):
        assert not widget.hasFocus()
        wheel_down_over(widget)
    assert (choice.currentData(), pages.value(), promise.date()) == recorded
    # Nor does the wheel put her in a field: a click or Tab does.
    assert all(x.focusPolicy() == Qt.FocusPolicy.StrongFocus for x in (choice, pages, promise))

    # In the field, the wheel is hers to use.
    pages.setFocus()
    qtbot.waitUntil(pages.hasFocus)
    wheel_down_over(pages)
    assert pages.value() == recorded[1] - 1

"""The mouse wheel scrolls the form; it changes a field only when the clerk is in that field.

Qt lets the wheel change any combo box, spin box or date under the pointer. In a scrolling form
(the intake's materials, one row per material) a clerk who scrolls to the next row would turn
"1 原件" into another choice or a page count down by one without noticing, and it is saved. So an
input without focus passes the wheel on to what contains it (the scroll area), and the wheel no
longer gives focus: a click or Tab does.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


class _WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            # Filtered and not accepted: QApplication offers the wheel to the parent next.
            event.ignore()
            return True
        return False


_GUARD = _WheelGuard()


def wheel_only_when_focused(widget: QWidget) -> None:
    """For a combo box, spin box or date edit; anything else is left as it is."""
    if isinstance(widget, QComboBox | QAbstractSpinBox):
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(_GUARD)

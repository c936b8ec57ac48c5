"""Small shared widget helpers."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QLabel, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str) -> W:
    """Every interactive widget gets an objectName (tests, automation) and a Chinese
    accessibleName (screen readers)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


def section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("section_title")
    return label


def show_message(label: QLabel, text: str, kind: str) -> None:
    """kind: ok | warn | error — restyled through a dynamic property, objectName stays put."""
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)
    label.setVisible(bool(text))

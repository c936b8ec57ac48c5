"""The service guide: all 14 fields of 第十六条, and why an item cannot be taken in."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from app.usecases.catalog import ItemGuide
from ui.widgets import named

CODE_LABELS = {"事项编码"}  # long codes: smaller, never broken across lines


def _cell(label: str, text: str) -> str:
    if label in CODE_LABELS:
        return f"<span style='font-size:10pt;white-space:nowrap'>{escape(text)}</span>"
    return escape(text).replace(chr(10), "<br>")


def guide_html(g: ItemGuide) -> str:
    rows = "".join(
        f"<tr><td style='color:#1d3a6b;font-weight:bold;white-space:nowrap;padding:4px 10px 4px 0;vertical-align:top'>"
        f"{escape(label)}</td><td style='padding:4px 0'>{_cell(label, text)}</td></tr>"
        for label, text in g.guide
    )
    procs = "、".join(f"{n}（{d}个工作日）" for n, d in g.special_procedures)
    extra = f"<tr><td style='color:#1d3a6b;font-weight:bold;padding:4px 10px 4px 0'>特别程序</td><td>{escape(procs)}</td></tr>" if procs else ""
    return (f"<h3 style='margin:2px 0'>{escape(g.name)}</h3><p style='color:#555;margin:0 0 6px 0'>{escape(g.department)} · "
            f"{escape(g.item_type)} · 状态：{escape(g.status_label)}</p><table>{rows}{extra}</table>")


class GuideView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.blocked = named(QLabel(""), "item_blocked", "事项状态提示")
        self.blocked.setWordWrap(True)
        self.blocked.hide()
        self.browser = named(QTextBrowser(), "item_guide", "办事指南")
        self.browser.setPlaceholderText("选择事项后在此显示办事指南")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.blocked)
        layout.addWidget(self.browser, 1)

    def show_guide(self, g: ItemGuide) -> None:
        self.browser.setHtml(guide_html(g))
        msg = g.blocked_message()
        self.blocked.setText(msg)
        self.blocked.setVisible(bool(msg))

    def clear(self) -> None:
        self.browser.clear()
        self.blocked.hide()

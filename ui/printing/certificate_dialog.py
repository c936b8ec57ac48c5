"""打印证照: before a certificate prints, the pick-up clerk sees every field its type declares —
where the value comes from (the applicant, the case, the approval result) — fills what the
platform does not send yet, and nothing prints until every required field passes its check."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.documents import SOURCE_LABELS, CertificateFieldSpec
from app.usecases.documents import certificate_problems
from ui.intake.decision_dialogs import assemble, dialog_buttons
from ui.widgets import named, show_message


class CertificateDialog(QDialog):
    def __init__(self, title: str, specs: tuple[CertificateFieldSpec, ...], defaults: dict[str, str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.specs = specs
        self.setObjectName("certificate_dialog")
        self.setWindowTitle(f"打印证照 — {title}")
        self.setMinimumWidth(940)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.sources: dict[str, QLabel] = {}
        first_empty = None
        for f in specs:
            edit = named(QLineEdit(defaults.get(f.key, "")), f"cert_{f.key}", f.label)
            edit.setPlaceholderText(SOURCE_LABELS[f.source] + ("（必填）" if f.required else ""))
            edit.setCursorPosition(0)  # a long value (经营范围) shows its beginning, not its tail
            # Beside the field, always: a placeholder says where a value comes from only while
            # the field is empty, and most arrive filled.
            source = QLabel(SOURCE_LABELS[f.source])
            source.setObjectName(f"cert_{f.key}_source")
            source.setStyleSheet("color:#777;")
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(source)
            form.addRow(("＊" if f.required else "") + f.label, row)
            self.edits[f.key], self.sources[f.key] = edit, source
            if first_empty is None and not edit.text():
                first_empty = edit
        widest = max((lab.sizeHint().width() for lab in self.sources.values()), default=0)
        for lab in self.sources.values():  # one column: the fields keep one right edge
            lab.setFixedWidth(widest)
        hint = QLabel("右侧灰字是每项的来源。审批结果（证照编号、经营范围、有效期等）请按审批系统的结果填写。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        self.message = named(QLabel(""), "certificate_message", "证照填写提示")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = dialog_buttons("核对无误，打印 (Enter)", "certificate_confirm", "取消 (Esc)", "certificate_cancel")
        assemble(self, [hint, form, self.message], buttons)
        buttons.accepted.disconnect()
        buttons.accepted.connect(self._check_then_accept)
        (first_empty or next(iter(self.edits.values()))).setFocus()

    def values(self) -> dict[str, str]:
        return {k: e.text().strip() for k, e in self.edits.items()}

    def _check_then_accept(self) -> None:
        problems = certificate_problems(self.specs, self.values())
        for e in self.edits.values():
            e.setProperty("invalid", False)
            e.style().polish(e)
        if not problems:
            self.accept()
            return
        for p in problems:
            e = self.edits.get(p.field)
            if e is not None:
                e.setProperty("invalid", True)
                e.style().polish(e)
        show_message(self.message, "\n".join(f"· {p.message}（{p.code}）" for p in problems), "error")
        target = self.edits.get(problems[0].field)
        if target is not None:
            target.setFocus()

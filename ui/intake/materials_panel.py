"""The materials checklist: one row per material the item asks for.

Disabled widgets drop out of the Tab chain, so a typical row costs two keystrokes:
the submission choice (type its digit) and the page count.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from app.documents import MaterialLine
from app.rules.decisions import NOT_APPLICABLE_NOTE, Provided, Tick
from app.usecases.catalog import MaterialView
from app.usecases.intake import ReusableMaterial
from ui.widgets import named

# (key, label) — labels start with a digit so typing it selects the entry.
CHOICES = [
    ("original", "1 原件"),
    ("copy", "2 复印件"),
    ("electronic", "3 电子材料"),
    ("reused", "4 复用已交材料"),
    ("verified", "5 平台核验·免提交"),
    ("tolerated", "6 容缺·承诺后补"),
    ("none", "0 未提交"),
    ("na", "9 不涉及（本件不适用）"),
    ("ask", "？ 请确认是否涉及"),
]
AGENT, CONDITIONAL = "agent", "conditional"
CARD_VERIFIED_NOTE = "原件已读卡核验"  # MaterialView.condition values (app.rules.decisions)


class MaterialRow:
    def __init__(self, grid: QGridLayout, row: int, m: MaterialView, today: date):
        self.material = m
        self.reuse: ReusableMaterial | None = None
        self.card_verified = False  # the ID card itself was read at the counter (F4)
        self.scans: list[str] = []  # SHA-256 of each page captured for this material (F6)
        self.thumb = QLabel("")
        self.thumb.setObjectName(f"material_{row}_scans")
        self.thumb.setAccessibleName(f"{m.name} 扫描件")
        n = row
        flags = []
        if m.required:
            flags.append("必需")
        if m.tolerable:
            flags.append("可容缺")
        if m.platform_verifiable:
            flags.append("可免提交")
        facts = " · ".join([f"{m.form}{m.copies}份", m.media] + (["、".join(flags)] if flags else []))
        self.label = QLabel(f"{'＊' if m.required else ''}{m.name}<br><span style='color:#666;font-size:10pt'>{facts}</span>")
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(120)  # a narrow screen squeezes the choice first, not the material's name
        self.choice = named(ChoiceBox(), f"material_{n}_choice", f"{m.name} 提交情况")
        for key, label in CHOICES:
            if key == "verified" and not m.platform_verifiable:
                continue
            if key == "tolerated" and not m.tolerable:
                continue
            if key == "reused":
                continue  # offered only when an earlier submission exists
            if key in ("na", "ask") and m.required:
                continue  # a required material always applies
            self.choice.addItem(label, key)
        self.pages = named(QSpinBox(), f"material_{n}_pages", f"{m.name} 页数")
        self.pages.setRange(0, 999)
        self.pages.setSuffix(" 页")
        self.pages.setMaximumWidth(100)  # "999 页" fits; the room goes to the choice on a narrow screen
        self.incorrect = named(QCheckBox("需补正"), f"material_{n}_incorrect", f"{m.name} 需补正")
        self.promise = named(QDateEdit(), f"material_{n}_promise", f"{m.name} 承诺补交日期")
        self.promise.setCalendarPopup(True)
        self.promise.setDisplayFormat("yyyy-MM-dd")
        self.promise.setDate(QDate(today.year, today.month, today.day).addDays(10))
        self.note = named(QLineEdit(), f"material_{n}_note", f"{m.name} 说明")
        self.note.setPlaceholderText("需补正时写明哪里不符合要求")
        for col, w in enumerate((self.label, self.choice, self.pages, self.incorrect, self.promise, self.note, self.thumb)):
            grid.addWidget(w, n + 1, col)
        self.choice.currentIndexChanged.connect(self._sync)
        self.incorrect.toggled.connect(self._sync)
        self.reset()

    def reset(self) -> None:
        self.reuse = None
        self.card_verified = False
        self.scans = []
        self.thumb.clear()
        idx = self.choice.findData("reused")
        if idx >= 0:
            self.choice.removeItem(idx)
        self.choice.setCurrentIndex(self.choice.findData(self._default()))
        self.pages.setValue(0)
        self.incorrect.setChecked(False)
        self.note.clear()
        self._sync()

    def _default(self, has_agent: bool = False) -> str:
        """Nothing is assumed received: an agent's materials are 不涉及 until there is an agent,
        any other conditional material is a question the clerk answers."""
        m = self.material
        if m.condition == AGENT:
            return ("verified" if m.platform_verifiable else "ask") if has_agent else "na"
        if m.condition == CONDITIONAL:
            return "ask"
        return "verified" if m.platform_verifiable else "none"

    def preset(self, line: MaterialLine) -> None:
        """補正 round: start from what the last round received; what was missing or wrong stays
        open for the clerk to tick as it comes back."""
        if line.problem:
            self.set_choice("none")
        elif line.platform_verified:
            self.set_choice("verified")
        elif line.tolerated:
            self.set_choice("tolerated")
            if line.promise_date:
                self.promise.setDate(QDate(line.promise_date.year, line.promise_date.month, line.promise_date.day))
        elif line.clerk_note == NOT_APPLICABLE_NOTE and line.provided == "none":
            self.set_choice("na")
        elif line.provided in ("original", "copy", "electronic"):
            self.set_choice(line.provided)
            self.pages.setValue(line.pages)

    def follow_agent(self, has_agent: bool) -> None:
        """The agent box decides whether 授权委托书 and the agent's ID apply at all."""
        if self.material.condition != AGENT:
            return
        if not has_agent:
            self.set_choice("na")
        elif self.choice.currentData() == "na":
            self.set_choice(self._default(has_agent=True))

    def offer_reuse(self, reuse: ReusableMaterial) -> None:
        """第十七条: an earlier submission the applicant need not bring again."""
        self.reuse = reuse
        if self.choice.findData("reused") < 0:
            self.choice.insertItem(3, f"4 复用（办件{reuse.case_number[-8:]}）", "reused")
        if self.choice.currentData() in ("none", "ask"):
            self.choice.setCurrentIndex(self.choice.findData("reused"))

    def set_choice(self, key: str) -> None:
        idx = self.choice.findData(key)
        if idx >= 0:
            self.choice.setCurrentIndex(idx)

    def _sync(self) -> None:
        key = self.choice.currentData()
        self.pages.setEnabled(key in ("original", "copy", "electronic"))
        self.promise.setEnabled(key == "tolerated")
        self.note.setEnabled(key == "tolerated" or self.incorrect.isChecked() or key == "none")
        self.incorrect.setEnabled(key not in ("na", "ask"))
        self.note.setPlaceholderText(
            "容缺说明" if key == "tolerated" else ("写明哪里不符合要求" if self.incorrect.isChecked() else "未提交的说明（可空）")
        )

    def tick(self) -> Tick:
        key = self.choice.currentData()
        m = self.material
        provided = Provided.NONE
        reused = ""
        if key in ("original", "copy", "electronic"):
            provided = Provided(key)
        elif key == "reused" and self.reuse:
            provided, reused = Provided(self.reuse.provided), self.reuse.case_number
        qd = self.promise.date()
        return Tick(
            material_id=m.material_id, name=m.name, provided=provided, pages=self.pages.value() if self.pages.isEnabled() else 0,
            reused_from_case=reused, platform_verified=key == "verified", tolerated=key == "tolerated",
            promise_date=date(qd.year(), qd.month(), qd.day()) if key == "tolerated" else None,
            clerk_note=self.note.text().strip() if key == "tolerated" else (
                NOT_APPLICABLE_NOTE if key == "na" else (CARD_VERIFIED_NOTE if self.card_verified and key == "original"
                                                         else "")),
            problem="incorrect" if self.incorrect.isChecked() and self.incorrect.isEnabled() else "",
            problem_note=self.note.text().strip() if (self.incorrect.isChecked() or key == "none") else "",
            answered=key != "ask",
            scans=tuple(self.scans),
        )

    def add_scan(self, sha256: str, image: QImage) -> None:
        """A page the document camera captured for this material: its thumbnail (made off the UI
        thread, `thumbnail`), and the material counts as received electronically unless the
        clerk said more."""
        self.scans.append(sha256)
        if not image.isNull():
            self.thumb.setPixmap(QPixmap.fromImage(image))
        self.thumb.setToolTip(f"已扫描 {len(self.scans)} 页")
        if self.choice.currentData() in ("none", "ask", "na"):
            self.set_choice("electronic")
        self.pages.setValue(max(self.pages.value(), len(self.scans)))


THUMB_HEIGHT = 44


def thumbnail(jpeg: bytes, height: int) -> QImage:
    """A small picture of a scanned page, decoded at reduced size (the JPEG decoder scales while
    decoding: a few ms instead of 30–70 ms for a full-resolution page). QImage is reentrant:
    call it off the UI thread (benchmarks/bench_devices.py measures the stall)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(jpeg))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if size.isValid() and size.height() > height:
        reader.setScaledSize(QSize(max(1, round(size.width() * height / size.height())), height))
    image = reader.read()
    return image if image.height() <= height else image.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)


class ChoiceBox(QComboBox):
    """Its whole text where there is room; on a 1024-px screen it may shrink to the choice's
    number and first words (the popup still shows each choice in full), so the longest choice
    no longer sets the checklist's width."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 — Qt API
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("9 不涉及（") + 40), hint.height())


class MaterialsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(0, 3)
        self.grid.setColumnStretch(5, 2)
        for col, title in enumerate(["材料（＊必需）", "提交情况", "页数", "审查", "承诺补交日期", "说明", "扫描件"]):
            h = QLabel(title)
            h.setStyleSheet("font-weight:bold;color:#1d3a6b;")
            h.setWordWrap(col == 0)  # a narrow screen: the long heading wraps rather than widen the checklist
            self.grid.addWidget(h, 0, col)
        self.rows: list[MaterialRow] = []

    def set_materials(self, materials: tuple[MaterialView, ...], today: date) -> None:
        for r in self.rows:
            for w in (r.label, r.choice, r.pages, r.incorrect, r.promise, r.note, r.thumb):
                self.grid.removeWidget(w)
                w.deleteLater()
        self.rows = [MaterialRow(self.grid, i, m, today) for i, m in enumerate(materials)]

    def ticks(self) -> list[Tick]:
        return [r.tick() for r in self.rows]

    def offer_reuse(self, found: dict[str, ReusableMaterial]) -> int:
        offered = 0
        for r in self.rows:
            if r.material.name in found and not r.material.platform_verifiable:
                r.offer_reuse(found[r.material.name])
                offered += 1
        return offered

    def follow_agent(self, has_agent: bool) -> None:
        for r in self.rows:
            r.follow_agent(has_agent)

    def preset(self, lines: list[MaterialLine]) -> None:
        by_name = {m.name: m for m in lines}
        for r in self.rows:
            if r.material.name in by_name:
                r.preset(by_name[r.material.name])

    def mark_all_as_required_form(self, has_agent: bool = False) -> None:
        """The common case: the applicant brought every material that applies, in the form the
        guide asks. Conditional materials stay questions; an agent's follow the agent box."""
        for r in self.rows:
            m = r.material
            if m.condition == CONDITIONAL:
                continue  # "如涉及": only the clerk can answer
            if m.condition == AGENT and not has_agent:
                r.set_choice("na")
                continue
            if r.choice.currentData() in ("none", "ask"):
                want = "electronic" if m.media == "电子" else ("copy" if m.form == "复印件" else "original")
                r.set_choice(want)
                if r.pages.value() == 0:
                    r.pages.setValue(max(1, m.copies))

    def mark_id_card_read(self) -> str:
        """F4 read the applicant's card: her ID material is the original, verified by the chip.
        Returns the material's name ('' when the item asks for none)."""
        for r in self.rows:
            n = r.material.name
            if "身份证" in n and not any(w in n for w in ("受托人", "代理人", "监护人", "家庭成员", "新经营者")):
                r.set_choice("original")
                if r.pages.value() == 0:
                    r.pages.setValue(1)
                r.card_verified = True
                return n
        return ""

    def forget_card_read(self) -> None:
        """The applicant's number was typed after F4: the ID material stays as ticked, but it
        no longer says 已按原件读卡核验 (the clerk looked at a card; the chip did not vouch)."""
        for r in self.rows:
            r.card_verified = False

    def row_of(self, widget: QWidget | None) -> MaterialRow | None:
        """The material row a focused widget belongs to (F6 scans for it)."""
        for r in self.rows:
            if widget in (r.choice, r.pages, r.incorrect, r.promise, r.note):
                return r
        return None

    def first_unanswered(self) -> QWidget | None:
        return next((r.choice for r in self.rows if r.choice.currentData() == "ask"), None)

    def first_widget(self) -> QWidget | None:
        return self.rows[0].choice if self.rows else None

    def reset(self) -> None:
        for r in self.rows:
            r.reset()

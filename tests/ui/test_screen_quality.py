"""What a clerk sees: every interactive widget named (objectName + Chinese accessibleName),
every character on screen present in the shipped font, the status bar complete."""

from __future__ import annotations

import re
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from app.usecases.intake import IntakeInput
from ui.intake.decision_dialogs import RejectDialog, SupplementDialog

INTERACTIVE = (QLineEdit, QComboBox, QAbstractButton, QAbstractSpinBox, QAbstractItemView, QTextEdit, QPlainTextEdit)
CJK = re.compile(r"[\u3400-\u9fff]")


def interactive_widgets(root: QWidget) -> list[QWidget]:
    out = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, INTERACTIVE) or isinstance(w, QHeaderView):
            continue
        parent = w.parentWidget()
        # Qt's own sub-widgets (spin box editors, tab scroll arrows, calendar popups) are not ours.
        if w.objectName().startswith("qt_") or isinstance(parent, (QAbstractSpinBox, QTabBar, QComboBox, QLineEdit)):
            continue
        if parent is not None and isinstance(parent.parentWidget(), QComboBox):  # a combo's popup list
            continue
        if parent is not None and parent.objectName().startswith("qt_calendar"):
            continue
        out.append(w)
    return out


def assert_named(root: QWidget) -> None:
    widgets = interactive_widgets(root)
    assert widgets
    unnamed = [f"{type(w).__name__}:{w.objectName()!r}:{w.accessibleName()!r}" for w in widgets
               if not w.objectName() or not CJK.search(w.accessibleName() or "")]
    assert unnamed == []


def test_every_interactive_widget_is_named(qtbot, window) -> None:
    w = window()
    w.intake.finder.search.setText("gtgs")
    w.intake.finder._pick_current()
    qtbot.waitUntil(lambda: w.intake.guide is not None)
    qtbot.waitUntil(lambda: len(w.intake.materials.rows) > 0)
    assert_named(w)


def test_every_dialog_is_named(qtbot, styled_app, ctx, clerk) -> None:
    from app.usecases.intake import receive_case
    from app.usecases.queries import case_detail
    from tests.helpers import all_provided, find_item, person
    from ui.cases_view import ResubmitDialog
    from ui.intake.decision_dialogs import CorrectionDialog
    from ui.login_dialog import LoginDialog
    from ui.operations import Operations

    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    dialogs = (RejectDialog("救济途径"), SupplementDialog([{"name": "申请书", "kind": "missing", "note": "未提交"}]),
               CorrectionDialog(), LoginDialog(ctx, Operations(), "演示账号"), ResubmitDialog(g, case_detail(ctx, clerk, number), ctx.today()))
    for dlg in dialogs:
        qtbot.addWidget(dlg)
        assert_named(dlg)


def test_shipped_font_is_the_app_font_and_covers_every_character_shown(qtbot, window) -> None:
    w = window()
    w.intake.finder.search.setText("gtgs")
    w.intake.finder._pick_current()
    qtbot.waitUntil(lambda: len(w.intake.materials.rows) > 0)
    app = QApplication.instance()
    assert "WenQuanYi Micro Hei" in QFontDatabase.families()
    assert app.font().family() == "WenQuanYi Micro Hei"
    metrics = QFontMetrics(app.font())
    texts = [x.text() for x in w.findChildren(QLabel)] + [x.text() for x in w.findChildren(QAbstractButton)]
    texts += [w.intake.guide_view.browser.toPlainText(), w.windowTitle()]
    texts += [w.tabs.tabText(i) for i in range(w.tabs.count())]
    shown = {ch for t in texts for ch in re.sub(r"<[^>]+>", "", t) if not ch.isspace()}
    assert len({c for c in shown if CJK.match(c)}) > 100
    missing = sorted(ch for ch in shown if not metrics.inFontUcs4(ord(ch)))
    assert missing == []


def test_status_bar_shows_clerk_window_terminal_network_and_queue(qtbot, window, ctx) -> None:
    w = window()
    qtbot.waitUntil(lambda: w.queue_label.text() != "")  # counted off the UI thread
    bar_text = " ".join(label.text() for label in w.statusBar().findChildren(QLabel))
    assert "李晓燕" in bar_text and "综合受理3号窗" in bar_text and ctx.settings.get("terminal_id") in bar_text
    assert "离线" in bar_text
    assert "待上传" in w.queue_label.text()


def test_pickup_desk_has_no_intake_tab(window) -> None:
    w = window("pickup01")
    assert w.intake is None
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == ["发证窗口 (F5)", "办件查询 (F3)"]


def glyph_families(text: str) -> list[tuple[str, list[int]]]:
    from PySide6.QtGui import QTextLayout

    layout = QTextLayout(text, QApplication.instance().font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), list(run.glyphIndexes())) for run in layout.glyphRuns()]


def test_rare_name_characters_render_through_the_shipped_fallback_fonts(styled_app) -> None:
    runs = glyph_families("吉𠮷䶮")
    families = {family for family, _ in runs}
    assert "WenQuanYi Micro Hei" in families and families & {"HanaMinA", "HanaMinB"}
    assert all(0 not in glyphs for _, glyphs in runs)  # glyph 0 is the empty box


def test_a_character_in_no_shipped_font_is_reported(styled_app) -> None:
    from ui.fonts import characters_without_glyph

    assert characters_without_glyph("张𠮷䶮 Ab12") == []
    beyond = chr(0x30000)  # CJK Extension G (2020), newer than every shipped font
    assert characters_without_glyph(f"王{beyond}") == [beyond]


def test_the_glyph_check_after_a_save_does_not_load_the_font_files_whole() -> None:
    """It runs on the UI thread after every save; the first one of the day loaded 57 MB of font
    files (QRawFont), which an old PC's disk reads in a second. A new process, as that first save."""
    probe = ("import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
             "from pathlib import Path\n"
             "from PySide6.QtWidgets import QApplication\n"
             "from ui.fonts import apply_app_font, characters_without_glyph\n"
             "rss = lambda: int(Path('/proc/self/statm').read_text().split()[1]) * 4096 / 2**20\n"
             "app = QApplication([])\n"
             "apply_app_font(app)\n"
             "before = rss()\n"
             "assert characters_without_glyph('王秀英 𠮷䶮明') == []\n"
             "print(rss() - before)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert float(done.stdout.split()[-1]) < 15  # MB; 56 when the three files were read whole


def test_intake_warns_when_a_name_has_a_character_no_font_can_draw(qtbot, window, ctx) -> None:
    from tests.helpers import all_provided, find_item

    w = window()
    g = find_item(ctx, "个体工商户设立登记")
    w.intake.pick_item(g.item_id)
    qtbot.waitUntil(lambda: len(w.intake.materials.rows) > 0)
    a = w.intake.party.applicant
    a.name.setText("王" + chr(0x30000))
    a.id_number.setText(__import__("tests.helpers", fromlist=["APPLICANT_ID"]).APPLICANT_ID)
    a.phone.setText("13893512345")
    for r, t in zip(w.intake.materials.rows, all_provided(g), strict=True):
        r.set_choice("verified" if t.platform_verified else "original")
    w.intake.receive_only()
    qtbot.waitUntil(lambda: "办件编号" in w.intake.message.text(), timeout=10_000)
    assert "U+30000" in w.intake.message.text() and "无法显示" in w.intake.message.text()


def test_focus_is_visible_on_buttons_and_check_boxes(qtbot, window, ctx) -> None:
    """Issue 10: no visible focus mark on check boxes and buttons — a keyboard clerk got lost."""
    from tests.ui.keyboard import press, type_text

    w = window()
    type_text("gtgshsl")
    qtbot.waitUntil(lambda: w.intake.finder.results.count() > 0)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.intake.guide is not None and w.intake.receive_btn.isEnabled())
    for widget in (w.intake.receive_btn, w.intake.party.has_agent):
        w.intake.finder.search.setFocus()
        qtbot.waitUntil(lambda widget=widget: not widget.hasFocus())
        before = widget.grab().toImage()
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        assert widget.grab().toImage() != before, f"{widget.objectName()} looks the same with the focus"


def test_the_item_stays_in_sight_and_its_code_is_never_broken(qtbot, window, ctx) -> None:
    """Issue 10: with 7 materials on 1366×800 the item title scrolled away; the code broke."""
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.keyboard import press, type_text

    w = window()
    type_text("gtgshsl")
    qtbot.waitUntil(lambda: w.intake.finder.results.count() > 0)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.intake.guide is not None)
    scroll = w.intake.findChild(QScrollArea)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    assert w.intake.item_title.isVisible() and not scroll.widget().isAncestorOf(w.intake.item_title)
    assert "个体工商户设立登记" in w.intake.item_title.text()
    from ui.intake.guide_view import guide_html

    code = w.intake.guide.implementation_code
    assert f"white-space:nowrap'>{code}</span>" in guide_html(w.intake.guide)


def test_three_results_of_a_search_are_all_in_sight_with_their_codes_distinguishable(qtbot, window, ctx) -> None:
    """Under Xvfb, gtgs (设立, 变更, 注销) showed two and a half rows: each row wrapped the
    department and the 30-character code onto a third line. The rows now keep two lines, the
    code's distinguishing end in sight, the whole text in the tooltip."""
    from tests.ui.keyboard import type_text

    w = window()
    type_text("gtgs")
    results = w.intake.finder.results
    qtbot.waitUntil(lambda: results.count() == 3)
    port = results.viewport().rect()
    line = results.fontMetrics().lineSpacing()
    for i in range(3):
        rect = results.visualItemRect(results.item(i))
        assert 0 <= rect.top() and rect.bottom() <= port.bottom(), f"row {i + 1} of 3 is out of sight"
        assert rect.height() < 3 * line  # two lines, not three
    codes = [results.item(i).toolTip().rsplit("事项编码 ", 1)[1] for i in range(3)]
    assert len(set(codes)) == 3 and all(len(c) > 20 for c in codes)


def test_the_window_makes_the_days_backup_soon_after_it_opens(qtbot, window, ctx, monkeypatch) -> None:
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "BACKUP_AFTER_OPEN_MS", 500)  # a minute in the field
    w = window()
    assert not list(ctx.paths.backups.glob("clerkdesk-daily-*.db"))  # not while the window is opening
    qtbot.waitUntil(lambda: len(list(ctx.paths.backups.glob("clerkdesk-daily-*.db"))) == 1, timeout=20_000)
    w.backup_daily()  # the sweep of the same day: no second one
    qtbot.wait(300)
    assert len(list(ctx.paths.backups.glob("clerkdesk-daily-*.db"))) == 1


def test_on_a_screen_smaller_than_the_layout_the_window_fills_it(qtbot, window) -> None:
    """A 1366×768 screen leaves about 728 px under the taskbar: the window was always 1366×800,
    so the status bar and the decision buttons lay behind the taskbar."""
    w = window()
    room = w.screen().availableGeometry()
    assert room.height() < 800 or room.width() < 1366  # the offscreen screen: smaller than the layout
    w.show_fitted()
    qtbot.waitUntil(lambda: w.geometry().height() <= room.height() and w.geometry().width() <= room.width())
    assert room.contains(w.geometry())


def test_the_status_bar_fits_a_1024_pixel_screen_without_overlapping(qtbot, window, ctx) -> None:
    """Under Xvfb at 1024×768 the bar's widgets overlapped ("在纟 待」 步 F"). The terminal id
    and the window name give way (the clerk's tooltip keeps them); the rest is whole."""
    w = window()
    bar = w.statusBar()
    assert w.terminal_label.isVisible() and w.window_label.isVisible()  # 1366: room for all
    w.resize(1024, 768)
    qtbot.waitUntil(lambda: not w.terminal_label.isVisible())
    shown = [c for c in (w.clerk_label, w.window_label, w.terminal_label, w.lock_button, w.device_status,
                         w.numbers_label, w.sync_status) if c.isVisible()]
    assert w.clerk_label in shown and w.sync_status in shown and w.numbers_label in shown
    qtbot.waitUntil(lambda: all(c.geometry().right() <= bar.width() for c in shown))
    spans = sorted((c.geometry().left(), c.geometry().right()) for c in shown)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False)), spans  # side by side, not on top
    whole = (w.network_label, w.queue_label, w.sync_status.sync_button)
    qtbot.waitUntil(lambda: all(x.width() >= x.sizeHint().width() for x in whole))  # no word cut short
    assert ctx.settings.get("terminal_id") in w.clerk_label.toolTip()
    w.resize(1366, 800)
    qtbot.waitUntil(lambda: w.terminal_label.isVisible() and w.window_label.isVisible())


def test_on_a_1024_pixel_screen_the_checklist_needs_no_sideways_scroll(qtbot, window, ctx) -> None:
    """Under Xvfb at 1024×768 the form had 650 px for a 790-px checklist: 承诺补交日期, 说明 and
    扫描件 lay behind a sideways scroll. The guide gives way, down to a readable column."""
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.keyboard import press, type_text

    w = window()
    type_text("gtgshsl")
    qtbot.waitUntil(lambda: w.intake.finder.results.count() > 0)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.intake.guide is not None and bool(w.intake.materials.rows))
    qtbot.wait(50)
    assert w.intake.split.sizes()[0] >= 380  # 1366 px, the screen the layout is made for: the guide keeps its room
    w.resize(1024, 768)
    scroll = w.intake.findChild(QScrollArea)
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible(), timeout=5_000)
    guide_width = w.intake.split.sizes()[0]
    assert guide_width >= w.intake.NARROWEST_GUIDE
    for r in w.intake.materials.rows:  # every material's name in a readable column, every choice to its first words
        assert r.label.width() >= 120 and r.choice.width() >= r.choice.minimumSizeHint().width(), r.material.name
        if r.choice.currentData() in ("verified", "original", "copy", "ask"):  # the usual answers: whole
            text = r.choice.fontMetrics().horizontalAdvance(r.choice.currentText())
            assert text + 30 <= r.choice.width(), (r.material.name, text, r.choice.width())
    w.resize(1366, 800)  # maximised again: the guide had stayed a 240-px column
    qtbot.waitUntil(lambda: w.intake.split.sizes()[0] >= 380, timeout=5_000)
    assert not scroll.horizontalScrollBar().isVisible()

"""Qt fixtures: the real main window, with the shipped font and stylesheet, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import as_user
from ui.fonts import apply_app_font
from ui.main_window import MainWindow
from ui.operations import Operations
from ui.styles import STYLESHEET
from ui.translations import install_chinese


@pytest.fixture
def styled_app(qapp: QApplication) -> QApplication:
    install_chinese(qapp)
    apply_app_font(qapp)
    qapp.setStyleSheet(STYLESHEET)
    return qapp


@pytest.fixture
def window(qtbot, styled_app, ctx):
    def make(user: str = "clerk01") -> MainWindow:
        ops = Operations()
        w = MainWindow(ctx, ops, as_user(ctx, user))
        qtbot.addWidget(w)
        w.resize(1366, 800)
        w.show()
        qtbot.waitExposed(w)
        w.activateWindow()
        if w.intake is not None:
            qtbot.waitUntil(lambda: w.intake.finder.results.count() > 0, timeout=10_000)
        return w

    return make

"""Qt's own words in Chinese: the file dialog, the standard buttons, the context menus come from
Qt, not from us, and would otherwise be English (issue 10). PySide6 ships qtbase_zh_CN.qm."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication


def install_chinese(app: QApplication) -> bool:
    """Load Qt's Simplified Chinese translations once; True when they were found."""
    if getattr(app, "_clerkdesk_translators", None):
        return True
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    where = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        t = QTranslator(app)
        if t.load(name, where):
            app.installTranslator(t)
            loaded.append(t)
    app._clerkdesk_translators = loaded  # keep them alive as long as the app
    return bool(loaded)

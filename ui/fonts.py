"""Register the shipped CJK font with Qt: the machines have none, and without it every
Chinese character would be an empty box."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.config import resources_dir

FONT_FILES = ["wqy-microhei.ttc"]
BASE_POINT_SIZE = 13  # large enough to read across the counter


def load_fonts() -> list[str]:
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / name))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def apply_app_font(app: QApplication) -> str:
    families = load_fonts()
    if not families:
        raise RuntimeError("CJK font missing from resources/fonts; Chinese text would not render")
    family = families[0]
    font = QFont(family, BASE_POINT_SIZE)
    app.setFont(font)
    return family

"""Register the shipped CJK font with Qt: the machines have none, and without it every
Chinese character would be an empty box."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication

from app.config import resources_dir

UI_FONT = "wqy-microhei.ttc"
# Rare characters in names (生僻字): 䶮 (Extension A), 𠮷 and the rest of Extension B…
FALLBACK_FONTS = ["HanaMinA.ttf", "HanaMinB.ttf"]
BASE_POINT_SIZE = 13  # large enough to read across the counter


def _register(name: str) -> list[str]:
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / name))
    return QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []


def apply_app_font(app: QApplication) -> str:
    """The shipped UI font for everything, the shipped fallbacks for what it lacks."""
    families = _register(UI_FONT)
    if not families:
        raise RuntimeError("CJK font missing from resources/fonts; Chinese text would not render")
    family = families[0]
    fallbacks = [f for name in FALLBACK_FONTS for f in _register(name)]
    # Qt tries substitutes glyph by glyph when the main family lacks one.
    QFont.insertSubstitutions(family, fallbacks)
    app.setFont(QFont(family, BASE_POINT_SIZE))
    return family


@cache
def _raw_fonts() -> tuple[QRawFont, ...]:
    return tuple(QRawFont(str(resources_dir() / "fonts" / n), 12) for n in [UI_FONT, *FALLBACK_FONTS])


def characters_without_glyph(text: str) -> list[str]:
    """Characters no shipped font can draw: the clerk is told, never shown a silent box."""
    fonts = _raw_fonts()
    return sorted({ch for ch in text if not ch.isspace() and not any(f.supportsCharacter(ord(ch)) for f in fonts)})

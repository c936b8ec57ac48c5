"""Register the shipped CJK font with Qt: the machines have none, and without it every
Chinese character would be an empty box."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from app.config import resources_dir

UI_FONT = "wqy-microhei.ttc"
# Rare characters in names (生僻字): 䶮 (Extension A), 𠮷 and the rest of Extension B…
FALLBACK_FONTS = ["HanaMinA.ttf", "HanaMinB.ttf"]
BASE_POINT_SIZE = 13  # large enough to read across the counter


_FAMILIES: list[str] = []  # the shipped families, as registered: the UI font first


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
    _FAMILIES[:] = [family, *fallbacks]
    return family


@cache
def _metrics() -> tuple[QFontMetrics, ...]:
    """One per shipped family, each asked about its own characters only (no merging with the
    others). Qt's engines read a font's character map from the file as needed: loading the
    three files whole (QRawFont) put 57 MB in memory, read on the UI thread after the day's
    first save."""
    out = []
    for family in _FAMILIES:
        font = QFont(family)
        font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
        out.append(QFontMetrics(font))
    return tuple(out)


def characters_without_glyph(text: str) -> list[str]:
    """Characters no shipped font can draw: the clerk is told, never shown a silent box."""
    if not _FAMILIES:
        raise RuntimeError("apply_app_font first: the shipped fonts are not registered")
    fonts = _metrics()
    return sorted({ch for ch in text if not ch.isspace() and not any(f.inFontUcs4(ord(ch)) for f in fonts)})

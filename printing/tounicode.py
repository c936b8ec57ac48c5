"""Copying text out of our PDFs gives back what was typed, rare characters included.

reportlab writes each ToUnicode entry as `<%04X>` of the code point, so a character beyond
the Basic Multilingual Plane (𠮷 U+20BB7, most rare name characters) becomes five hex digits
that viewers misread (pdftotext gave back ₻). A PDF ToUnicode CMap wants UTF-16BE: a
surrogate pair for those characters. We replace reportlab's CMap builder with one that
writes UTF-16BE for every entry (identical to reportlab's for the BMP).
"""

from __future__ import annotations

from reportlab.pdfbase import ttfonts


def utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    entries = [f"<{i:02X}> <{utf16_hex(v)}>" for i, v in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar", *entries,
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def install() -> None:
    """ttfonts looks the builder up at PDF-writing time, so replacing the module's name is enough."""
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap

"""The fonts on paper: a Ming (宋体-style) serif face for every notice, embedded and subset, and
per-character fallbacks for rare name characters; which characters no shipped font can draw.

Official documents (GB/T 9704-2012) are set in Song/Ming faces, so the body is AR PL UMing CN
and the rare-character fallback HanaMin is the same style: 𠮷 in a name no longer stands out.
Text is split into runs by the first font (in order) that has a glyph for each character, so
张𠮷明 prints 张 and 明 in UMing and 𠮷 in HanaMin — never an empty box. WenQuanYi (the UI's
sans face) comes last, only for a symbol none of the Ming faces has.

UMing ships no bold face; titles are made bold by stroking the glyph outlines as well as filling
them (PDF text render mode 2, printing/layout.py), as word processors do for a face without a
bold weight.
"""

from __future__ import annotations

import mmap
import threading
import zlib
from functools import cache, lru_cache
from itertools import groupby
from pathlib import Path

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.textobject import PDFTextObject

from app.config import resources_dir
from printing import tounicode

MAIN = "CDSerif"  # AR PL UMing CN: GB 2312 and most of GBK, Latin letters, digits
FALLBACKS = ("CDHanaA", "CDHanaB", "CDSans")  # HanaMinA (Ext. A, part of B), HanaMinB (Ext. B–F), WenQuanYi
_FILES = {
    MAIN: ("uming.ttc", 0),  # index 0 of the collection is the CN (GB) flavour: mainland glyph shapes
    "CDHanaA": ("HanaMinA.ttf", 0),
    "CDHanaB": ("HanaMinB.ttf", 0),
    "CDSans": ("wqy-microhei.ttc", 0),
}
ORDER = (MAIN, *FALLBACKS)
BOLD_STROKE = 0.035  # outline stroke for faux bold, as a fraction of the font size


class _TableView:
    """A table of the font file, sliced on demand instead of copied whole."""

    def __init__(self, data: bytes, pos: int, length: int):
        self.data, self.pos, self.length = data, pos, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key: slice | int) -> bytes | int:
        if isinstance(key, slice):
            start, stop, _ = key.indices(self.length)
            return self.data[self.pos + start:self.pos + stop]
        return self.data[self.pos + range(self.length)[key]]


def _lean_glyf(font: TTFont) -> None:
    """reportlab's subsetter copies the whole glyf table (17–30 MB in these fonts) on every document
    to read a few hundred glyphs out of it; this face hands it a view into the file's bytes instead."""
    face = font.face
    data = getattr(face, "_ttf_data", None)
    if data is None:
        return
    whole = face.get_table

    def get_table(tag: str) -> bytes | _TableView:
        if tag == "glyf":
            return _TableView(data, *face.get_table_pos(tag))
        return whole(tag)

    face.get_table = get_table


# The notices' own wording (no applicant's name or address in it): 159 characters, exactly the
# slots UMing's first subset has beside the readable ASCII ones. A notice assigns them first, in
# this order (`start_with_common`), so its largest font program — those glyphs' outlines — is the
# same in every notice and is made and deflated once per process, not on every print (1.3 ms of a
# notice's 5.5 ms). Chosen from the sample notices of every kind: in how many kinds a character
# occurs, then how often. A test checks that it still fills the subset and that the notices use it.
COMMON = ("、。一上不业个中之书事于交产人从他代以件体作你使依充全六共其内决况凭出列到前办务十印原及取受可合同名后告和"
          "咨品商在场坐复委字定审容对局屋工已年序度式形心情愿或户房所托扫承授提收政数料方日月服期未本机权材查次法照理"
          "用申电登的相督知码租积称窗立符签管经综编缺署者自营落行补要记许设话询说请诺赁载进述途通需面页项食齐（），：")


class _CommonSubset:
    """UMing's first subset as every notice starts it: its codes, program and deflated program,
    made once. Threads may race to fill it; they compute the same bytes."""

    codes: list[int] | None = None
    program: bytes = b""
    deflated: bytes = b""


_COMMON = _CommonSubset()


def start_with_common(doc) -> None:  # noqa: ANN001 — reportlab's PDFDocument
    """Give COMMON the first codes of UMing in `doc`, before any text is drawn."""
    font = _font(MAIN)
    font.splitString(COMMON, doc)
    if _COMMON.codes is None:
        _COMMON.codes = list(font.state[doc].subsets[0])


def _reuse_common_subset(font: TTFont) -> None:
    """The subset COMMON filled is made once; any other subset as before."""
    face = font.face
    make = face.makeSubset

    def makeSubset(subset):  # noqa: ANN001, ANN202 — reportlab's signature
        if subset == _COMMON.codes:
            if not _COMMON.program:
                _COMMON.program = make(subset)
            return _COMMON.program
        return make(subset)

    face.makeSubset = makeSubset


class _QuickFlate:
    """Deflate at zlib's fastest level, for the embedded font programs.

    A notice embeds 150 KB of CJK glyph outlines, and deflating them at reportlab's level 6 was
    over a third of the notice's CPU (2.5 ms of the 107 KB subset alone). Level 1 takes half that
    and the file grows by a tenth: the paper is printed here, not downloaded. The common subset's
    program (the very bytes object `_reuse_common_subset` hands out) is deflated once."""

    pdfname = "FlateDecode"

    def encode(self, data: bytes) -> bytes:
        if data is _COMMON.program and data:
            if not _COMMON.deflated:
                _COMMON.deflated = zlib.compress(data, 1)
            return _COMMON.deflated
        return zlib.compress(data, 1)

    def decode(self, data: bytes) -> bytes:
        return zlib.decompress(data)


QUICK_FLATE = _QuickFlate()


def _quick_font_files(font: TTFont) -> None:
    """Every subset this face embeds is deflated with QUICK_FLATE instead of level 6."""
    face = font.face
    add = face.addSubsetObjects

    def addSubsetObjects(doc, fontname, subset):  # noqa: ANN001, ANN202 — reportlab's signature
        ref = add(doc, fontname, subset)
        stream = doc.idToObject[f"fontFile:{face.filename}({fontname})"]  # as reportlab names it
        if stream.filters:  # None when the document is uncompressed
            stream.filters = [QUICK_FLATE]
        return ref

    face.addSubsetObjects = addSubsetObjects


class _MappedFile:
    """A font file as reportlab reads it (`read()`), memory-mapped instead of copied: the four
    files are 76 MB, and a day's notices read a few hundred KB of them (the tables that map
    characters, and the outlines printed). With `_lean_glyf`, the outlines nobody prints are
    never loaded."""

    def __init__(self, path: Path):
        self.name = str(path)  # reportlab names the embedded programs after it

    def read(self) -> mmap.mmap:
        with open(self.name, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)  # stays valid once the file is closed


_LOADED: dict[str, TTFont] = {}
_LOADING = threading.Lock()  # one face per name: a document's subsets live on the face that began them


def _font(name: str) -> TTFont:
    """The face called `name`, parsed and registered the first time it is asked for. A fallback
    is only asked for by a character UMing lacks, so most days it is never loaded at all."""
    font = _LOADED.get(name)
    if font is None:
        with _LOADING:
            font = _LOADED.get(name)
            if font is None:
                file, index = _FILES[name]
                # A fallback draws a handful of rare characters: its subset need not carry the 95 ASCII
                # glyphs reportlab otherwise reserves so that Latin text stays readable in the page stream.
                font = TTFont(name, _MappedFile(resources_dir() / "fonts" / file), subfontIndex=index,
                              asciiReadable=name == MAIN)
                _lean_glyf(font)
                _quick_font_files(font)
                if name == MAIN:
                    _reuse_common_subset(font)
                pdfmetrics.registerFont(font)
                _LOADED[name] = font
    return font


@cache
def register_fonts() -> tuple[str, ...]:
    """Ready to draw: the ToUnicode builder installed and UMing registered (the fallbacks come
    when a character needs them). Returns the font names in fallback order."""
    tounicode.install()
    _font(MAIN)
    return ORDER


@cache
def font_for(ch: str) -> str | None:
    """The first shipped font that can draw `ch`; None when none can."""
    if ch.isspace():
        return MAIN
    cp = ord(ch)
    return next((name for name in ORDER if cp in _font(name).face.charToGlyph), None)


_FONT: dict[str, str] = {}  # character → the font that draws it (MAIN when none can)
_ADVANCE: dict[str, float] = {}  # character → its advance at 1 pt


def _learn(text: str) -> None:
    for ch in text:
        if ch not in _FONT:
            font = font_for(ch) or MAIN
            _FONT[ch] = font
            _ADVANCE[ch] = pdfmetrics.stringWidth(ch, font, 1)


def glyph(ch: str) -> tuple[str, float]:
    """(font, advance at 1 pt) for `ch`: every width on the page is a sum of these, no re-measuring."""
    if ch not in _FONT:
        _learn(ch)
    return _FONT[ch], _ADVANCE[ch]


def advances(text: str) -> list[float]:
    """The advance of each character at 1 pt (line breaking sums these)."""
    try:
        return list(map(_ADVANCE.__getitem__, text))
    except KeyError:
        _learn(text)
        return list(map(_ADVANCE.__getitem__, text))


_COVERED: set[str] = set()  # characters some shipped font draws, as found so far


def missing_glyphs(text: str) -> tuple[str, ...]:
    """Characters no shipped font covers, in the order they first appear."""
    new = set(text).difference(_COVERED)  # usually empty: a snapshot's characters were met before
    if not new:
        return ()
    missing = {ch for ch in new if font_for(ch) is None}
    _COVERED.update(new - missing)
    return tuple(dict.fromkeys(ch for ch in text if ch in missing)) if missing else ()


@lru_cache(maxsize=8192)
def runs(text: str) -> tuple[tuple[str, str], ...]:
    """(font, text) runs; an uncovered character stays with the main font (the clerk was warned).

    Remembered per line, like its width: a notice's lines mostly come back notice after notice."""
    try:
        fonts = list(map(_FONT.__getitem__, text))
    except KeyError:
        _learn(text)
        fonts = list(map(_FONT.__getitem__, text))
    if fonts.count(MAIN) == len(fonts):  # the usual line: one run
        return ((MAIN, text),) if text else ()
    out, at = [], 0
    for font, group in groupby(fonts):
        n = len(list(group))
        out.append((font, text[at:at + n]))
        at += n
    return tuple(out)


@lru_cache(maxsize=8192)
def _width(text: str) -> float:
    return sum(advances(text))


def text_width(text: str, size: float) -> float:
    return _width(text) * size


def text_out(t: PDFTextObject, x: float, y: float, text: str, size: float, current: list[object]) -> None:
    """Add one line to a page's text object; `current` ([font, subset, size]) remembers the font
    subset set last, so a page of lines in one face sets it once.

    Each line is placed by its own origin, so the text cursor is never used: the operators go
    straight onto the text object (textOut would measure every string again to move a cursor
    nobody reads). The codes reportlab's subsetter assigns are written as hex strings: two bytes
    a character, where the escaped form averages over two and a half."""
    t.setTextOrigin(x, y)
    code, doc = t._code, t._doc
    for f, part in runs(text):
        font = pdfmetrics.getFont(f)
        for subset, raw in font.splitString(part, doc):
            if current[0] != f or current[1] != subset or current[2] != size:
                code.append(f"{font.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf")
                current[0], current[1], current[2] = f, subset, size
            code.append(f"<{raw.hex()}> Tj")


def draw_text(canvas, x: float, y: float, text: str, size: float, align: str = "left") -> float:  # noqa: ANN001
    """Draw one line with per-character fallback on a reportlab canvas; returns its width."""
    width = text_width(text, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    for f, part in runs(text):
        canvas.setFont(f, size)
        canvas.drawString(x, y, part)
        x += text_width(part, size)
    return width


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Lines of at most `width` points, broken between characters (certificates: short values)."""
    lines, line, used = [], "", 0.0
    for ch, adv in zip(text, advances(text), strict=True):
        w = adv * size
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return [*lines, line] if line else lines

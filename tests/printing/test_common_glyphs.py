"""Every notice starts UMing's first subset with the notices' common wording (fonts.COMMON), so
that font program is made once per process. What the paper must still be: each applicant's own
text, the same bytes whether the program was made for this notice or an earlier one, and no
notice padded with outlines it never prints."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from dataclasses import replace

import pytest

from app.documents import DocumentKind
from printing import render_document, sample_snapshot
from printing.fonts import COMMON, MAIN, register_fonts
from tests.printing.pdf_tools import text

NOTICES = [DocumentKind.ACCEPTANCE, DocumentKind.REJECTION, DocumentKind.SUPPLEMENTATION, DocumentKind.RECEIPT,
           DocumentKind.TOLERANCE_COMMITMENT]
_PROGRAM = re.compile(rb"/Filter \[ /FlateDecode \] /Length (\d+) /Length1 (\d+)\s*>>\s*stream\n")


def font_programs(pdf: bytes) -> list[bytes]:
    """The embedded TrueType programs, inflated, in file order."""
    return [zlib.decompress(pdf[m.end():m.end() + int(m.group(1))]) for m in _PROGRAM.finditer(pdf)]


def another_applicant(kind: DocumentKind, name: str):  # noqa: ANN201 — DocumentSnapshot
    snap = sample_snapshot(kind)
    return replace(snap, applicant=replace(snap.applicant, name=name))


def test_the_common_wording_fills_the_first_subset_and_every_character_has_a_glyph() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    from printing.fonts import start_with_common

    register_fonts()
    font = pdfmetrics.getFont(MAIN)
    assert len(set(COMMON)) == len(COMMON) and all(ord(ch) in font.face.charToGlyph for ch in COMMON)
    doc = Canvas(None)._doc
    start_with_common(doc)
    # Full: whatever a notice prints next goes into a later subset, so this one never changes.
    assert len(font.state[doc].subsets) == 1 and len(font.state[doc].subsets[0]) == 256
    assert font.splitString("国", doc)[0][0] == 1  # the next new character opens the second subset


def test_notices_for_different_people_and_kinds_share_the_first_program_and_read_back_their_own(tmp_path) -> None:
    a = render_document(another_applicant(DocumentKind.ACCEPTANCE, "欧阳䶮"))
    b = render_document(another_applicant(DocumentKind.REJECTION, "钱𠮷英"))
    shared = set(font_programs(a.pdf)) & set(font_programs(b.pdf))
    assert len(shared) == 1 and len(next(iter(shared))) > 60_000  # the large one: most of the outlines
    body_a, body_b = (re.sub(r"\s+", "", text(d.pdf, tmp_path)) for d in (a, b))
    assert "欧阳䶮：" in body_a and "钱𠮷英" not in body_a
    assert "钱𠮷英：" in body_b and "欧阳䶮" not in body_b


def test_a_notice_is_the_same_bytes_made_cold_in_a_new_process_or_after_other_notices() -> None:
    for kind in NOTICES:  # the common program is made and deflated by the first of these
        render_document(sample_snapshot(kind))
    warm = render_document(sample_snapshot(DocumentKind.SUPPLEMENTATION)).pdf
    cold = subprocess.run(
        [sys.executable, "-c", "import sys; from app.documents import DocumentKind; "
         "from printing import render_document, sample_snapshot; "
         "sys.stdout.buffer.write(render_document(sample_snapshot(DocumentKind.SUPPLEMENTATION)).pdf)"],
        capture_output=True, check=True, timeout=120).stdout
    assert cold == warm


@pytest.mark.parametrize("kind", NOTICES)
def test_a_notice_prints_most_of_the_common_wording(kind, tmp_path) -> None:
    """The outlines of COMMON go into every notice: a notice must print most of them, or the
    list is padding that kind of notice with glyphs (bytes) it does not use."""
    body = text(render_document(sample_snapshot(kind)).pdf, tmp_path)
    used = sum(ch in body for ch in COMMON) / len(COMMON)
    assert used >= (0.9 if kind == DocumentKind.ACCEPTANCE else 0.5), f"{kind}: {used:.0%} of COMMON printed"

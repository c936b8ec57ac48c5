"""One notice after warm-up vs a bare reportlab page with the same text and the same font, in
the same run (goal ≤ 1.5×).

The bare page draws every line of the notice's own text (as pdftotext reads it back) with
drawString in the same embedded font: what any PDF of that text costs. The notice adds layout
(wrapping, tables, page numbering), the barcode, the QR code and per-character font fallback.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile

from benchmarks.common import Row, log, median, time_pairs


def notice_lines(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def bare_page(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from printing.fonts import MAIN

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=MAIN)
    y = A4[1] - 60
    for line in lines:
        if y < 60:
            c.showPage()
            y = A4[1] - 60
        c.setFont(MAIN, 11)
        c.drawString(70, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


def run(quick: bool = False) -> list[Row]:
    from app.documents import DocumentKind
    from printing import render_document, sample_snapshot
    from printing.fonts import register_fonts

    register_fonts()
    snap = sample_snapshot(DocumentKind.ACCEPTANCE)
    lines = notice_lines(render_document(snap).pdf)
    for _ in range(5):  # warm-up: font caches, coverage tables, barcode encoding
        render_document(snap)
        bare_page(lines)
    n = 20 if quick else 60
    log(f"print: {n} acceptance notices vs bare reportlab pages…")
    ours, bare = time_pairs(lambda _i: render_document(snap), lambda _i: bare_page(lines), range(n))
    m_ours, m_bare = median(ours), median(bare)
    pages = render_document(snap).pages
    return [Row(key="notice", name="one notice (受理通知书, sample)", measured=m_ours, baseline=m_bare,
                baseline_name="bare reportlab page(s), same text and font",
                notes=[f"median of {n} after warm-up: notice {m_ours:.1f} ms ({pages} pages, {len(snap.materials)} "
                       f"materials), bare {m_bare:.1f} ms ({len(lines)} lines of the same text)"])]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.2f} ms vs {r.baseline:.2f} ms = {r.ratio:.2f}×", r.met_text(), *r.notes, sep="\n  ")

"""Reading a PDF back with real tools: poppler (pdftotext, pdffonts, pdftoppm) and zxing-cpp."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

import zxingcpp
from PIL import Image


def _save(pdf: bytes, folder: Path) -> Path:
    path = folder / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    return path


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def text(pdf: bytes, folder: Path, layout: bool = False) -> str:
    """Reading order (a wrapped table cell stays together); `layout` keeps the page's lines."""
    return _run("pdftotext", *(["-layout"] if layout else []), str(_save(pdf, folder)), "-")


def pages(pdf: bytes, folder: Path, layout: bool = False) -> list[str]:
    """The text of each page (pdftotext ends every page with a form feed)."""
    return text(pdf, folder, layout).split("\f")[:-1]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def fonts(pdf: bytes, folder: Path) -> list[dict[str, str]]:
    lines = _run("pdffonts", str(_save(pdf, folder))).splitlines()[2:]
    out = []
    for line in lines:
        parts = line.split()
        # name type… encoding emb sub uni object ID: the last six columns are fixed
        out.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return out


def word_boxes(pdf: bytes, folder: Path, with_y: bool = False) -> tuple[float, list[tuple]]:
    """Page width and (x_min, x_max, word[, y_min]) of every word, from pdftotext -bbox."""
    html = _run("pdftotext", "-bbox", str(_save(pdf, folder)), "-")
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    boxes = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html):
        x0, y0, x1, word = float(m.group(1)), float(m.group(2)), float(m.group(3)), m.group(4)
        boxes.append((x0, x1, word, y0) if with_y else (x0, x1, word))
    return width, boxes


def decode_codes(pdf: bytes, folder: Path, dpi: int = 200) -> dict[str, str]:
    """Barcode format name → text, decoded from page 1 rendered as an image."""
    prefix = folder / uuid.uuid4().hex
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(_save(pdf, folder)),
                    str(prefix)], check=True)
    image = Image.open(f"{prefix}.png")
    return {str(b.format).replace(" ", ""): b.text for b in zxingcpp.read_barcodes(image)}


def decode_pages(pdf: bytes, folder: Path, dpi: int = 200) -> list[list[tuple[str, str]]]:
    """(format name, text) of every barcode on every page, each page rendered as an image."""
    prefix = folder / uuid.uuid4().hex
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(_save(pdf, folder)), str(prefix)], check=True)
    out = []
    for image in sorted(folder.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        out.append([(str(b.format).replace(" ", ""), b.text) for b in zxingcpp.read_barcodes(Image.open(image))])
    return out


def images(pdf: bytes, folder: Path) -> list[dict[str, str]]:
    """The pictures the PDF embeds (pdfimages -list): page, type (image | smask), width, height.
    The QR code's one-bit stencil (one module a sample) is left out: it is a code, not a picture."""
    lines = _run("pdfimages", "-list", str(_save(pdf, folder))).splitlines()[2:]
    listed = [dict(zip(("page", "num", "type", "width", "height"), line.split()[:5], strict=True)) for line in lines]
    return [i for i in listed if i["type"] != "stencil"]

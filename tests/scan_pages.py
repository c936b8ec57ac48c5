"""Scanned pages for the upload tests and benchmarks: the camera simulator's own pages, and
larger ones (a high-resolution capture's size) through the same crop-and-compress step a real
capture takes (devices.camera.base.encode_page)."""

from __future__ import annotations

import random

from PySide6.QtGui import QImage

from devices.camera.base import encode_page
from devices.camera.folder import FolderCamera


def sample_page(n: int = 0) -> bytes:
    """The camera simulator's n-th capture (a ~40 KB page: one chunk)."""
    cam = FolderCamera()
    page = None
    for _ in range(n + 1):
        page = cam.capture()
    assert page is not None
    return page.jpeg


def large_page(seed: int, width: int = 1100, height: int = 1500, quality: int = 85) -> bytes:
    """A page of about 1.3 MB (several 256 KiB chunks): grain a JPEG cannot squeeze away, like a
    colour scan of a stamped form at full resolution. Deterministic per seed."""
    raw = random.Random(seed).randbytes(width * height * 3)
    image = QImage(raw, width, height, width * 3, QImage.Format.Format_RGB888)
    return encode_page(image.copy(), quality).jpeg

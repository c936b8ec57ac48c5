"""Scanned pages for the upload tests and benchmarks: the camera simulator's own pages, and
larger ones (a high-resolution capture's size) through the same crop-and-compress step a real
capture takes (devices.camera.base.encode_page)."""

from __future__ import annotations

import random

from PySide6.QtGui import QImage

from app.actor import Actor
from app.case_states import Action
from app.context import AppContext
from app.rules.decisions import Tick
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from app.usecases.scans import store_scan
from devices.camera.base import encode_page
from devices.camera.folder import FolderCamera
from tests.helpers import all_provided, find_item, first_required_non_verifiable, person


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


def intake_with_scans(ctx: AppContext, clerk: Actor, pages: list[bytes],
                      material: str | None = None) -> tuple[str, str, list[str]]:
    """A case accepted at the window with `pages` scanned (F6) onto one material line:
    (case number, material name, page hashes)."""
    g = find_item(ctx, "个体工商户设立登记")
    material = material or first_required_non_verifiable(g)
    hashes = [store_scan(ctx, clerk, data).value for data in pages]
    ticks = [Tick(t.material_id, t.name, t.provided, t.pages, scans=tuple(hashes)) if t.name == material else t
             for t in all_provided(g)]
    number = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), ticks), Decision(Action.ACCEPT)).value.number
    return number, material, hashes

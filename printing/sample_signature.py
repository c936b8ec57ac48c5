"""A hand-drawn-looking signature for the sample 领取回执 (`clerkdesk-admin render --sample
handover-receipt`): a few cursive strokes through Catmull-Rom curves, inked with a varying
pen width and anti-aliased, written as an RGBA PNG with zlib and struct alone — the same kind
of image the signature pad hands over, without the devices package or an imaging library."""

from __future__ import annotations

import base64
import hashlib
import math
import struct
import zlib
from functools import cache

WIDTH, HEIGHT = 420, 150
INK = (18, 28, 74)  # blue-black, as from a pad's stylus

# Control points of each stroke (pixels, y down): a quick cursive 王秀英 and a flourish under it.
STROKES: tuple[tuple[tuple[float, float], ...], ...] = (
    ((28, 46), (62, 40), (96, 38), (70, 60), (52, 74), (88, 70), (104, 68), (76, 78), (68, 98), (64, 116), (40, 118),
     (86, 112), (118, 108)),
    ((150, 40), (176, 30), (196, 26), (172, 44), (150, 60), (188, 52), (214, 50), (190, 66), (170, 96), (160, 112),
     (186, 92), (206, 80), (214, 98), (198, 118), (182, 122), (200, 104), (228, 100), (236, 118)),
    ((262, 44), (292, 40), (322, 38), (300, 28), (300, 56), (282, 68), (316, 62), (340, 58), (312, 80), (272, 96),
     (316, 90), (352, 88), (318, 100), (292, 124), (332, 108), (362, 118), (378, 124)),
    ((36, 134), (120, 128), (220, 126), (320, 128), (398, 118)),
)


def _catmull_rom(points: tuple[tuple[float, float], ...], step: float = 0.7) -> list[tuple[float, float, float]]:
    """Points along the curve every ~`step` px, each with the pen's half-width (thinner as it speeds up)."""
    pts = [points[0], *points, points[-1]]
    out: list[tuple[float, float, float]] = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        seg = math.dist(p1, p2)
        n = max(2, int(seg / step))
        for k in range(n):
            t = k / n
            t2, t3 = t * t, t * t * t
            x = 0.5 * (2 * p1[0] + (-p0[0] + p2[0]) * t + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                       + (-p0[0] + 3 * p1[0] - 3 * p2[0] + p3[0]) * t3)
            y = 0.5 * (2 * p1[1] + (-p0[1] + p2[1]) * t + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                       + (-p0[1] + 3 * p1[1] - 3 * p2[1] + p3[1]) * t3)
            out.append((x, y, 1.3 + 1.1 * math.exp(-seg / 40) + 0.4 * math.sin(i + t * math.pi)))
    # The stroke tapers off as the pen lifts.
    tail = min(40, len(out))
    for j in range(tail):
        x, y, r = out[-tail + j]
        out[-tail + j] = (x, y, r * (1 - 0.6 * j / tail))
    return out


def _alpha() -> bytearray:
    a = bytearray(WIDTH * HEIGHT)
    for stroke in STROKES:
        for x, y, r in _catmull_rom(stroke):
            for py in range(max(0, int(y - r - 1)), min(HEIGHT, int(y + r + 2))):
                for px in range(max(0, int(x - r - 1)), min(WIDTH, int(x + r + 2))):
                    cover = r + 0.5 - math.hypot(px + 0.5 - x, py + 0.5 - y)
                    if cover > 0:
                        v = 255 if cover >= 1 else int(255 * cover)
                        i = py * WIDTH + px
                        if v > a[i]:
                            a[i] = v
    return a


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


@cache
def sample_signature_png() -> bytes:
    """The signature as PNG bytes: ink on a transparent ground, like the pad's export."""
    alpha = _alpha()
    r, g, b = INK
    raw = bytearray()
    for y in range(HEIGHT):
        raw.append(0)  # filter: none
        for x in range(WIDTH):
            raw += bytes((r, g, b, alpha[y * WIDTH + x]))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + _chunk(b"IEND", b""))


def sample_signature() -> tuple[str, str]:
    """(base64 PNG, SHA-256 hex of the PNG bytes), as a HandoverSnapshot carries them."""
    png = sample_signature_png()
    return base64.b64encode(png).decode("ascii"), hashlib.sha256(png).hexdigest()

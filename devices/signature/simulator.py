"""A signer for tests and training: plausible handwriting, the same for the same name and seed.

Each character becomes a few smooth strokes (Catmull-Rom curves through random points in its
cell, slanted like cursive), sampled every 8 ms as a signature pad does (125 Hz), with pressure
rising at the start of a stroke and easing off at its end, and pauses between strokes.
"""

from __future__ import annotations

import math
import random

from devices.signature.model import Point, Signature, Stroke

SAMPLE_MS = 8


def _catmull_rom(points: list[tuple[float, float]], steps: int) -> list[tuple[float, float]]:
    pts = [points[0], *points, points[-1]]
    out: list[tuple[float, float]] = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(steps):
            t = k / steps
            t2, t3 = t * t, t * t * t
            out.append(tuple(  # type: ignore[arg-type]
                0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2
                       + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3) for j in (0, 1)))
    out.append(points[-1])
    return out


class SimulatedSigner:
    def __init__(self, seed: int = 0):
        self.seed = seed

    def sign(self, text: str = "张三", width: int = 600, height: int = 200) -> Signature:
        rnd = random.Random(f"{self.seed}:{text}:{width}x{height}")
        chars = max(1, len(text))
        margin = width * 0.08
        cell = (width - 2 * margin) / chars
        top, bottom = height * 0.2, height * 0.8
        baseline = bottom
        slant = rnd.uniform(0.15, 0.35)  # cursive leans right
        t = 0.0
        strokes: list[Stroke] = []
        for i in range(chars):
            x0 = margin + i * cell
            for _ in range(rnd.randint(2, 4)):
                ctrl = []
                for _ in range(rnd.randint(3, 5)):
                    x = rnd.uniform(x0 + cell * 0.05, x0 + cell * 0.95)
                    y = rnd.uniform(top, bottom)
                    ctrl.append((x + slant * (baseline - y), y))
                path = _catmull_rom(ctrl, steps=6)
                strokes.append(self._timed(path, t, rnd))
                t = strokes[-1][-1].t_ms + rnd.uniform(80, 250)
            t += rnd.uniform(120, 300)
        if rnd.random() < 0.5:  # an underline flourish
            y = bottom + height * 0.06
            path = _catmull_rom([(margin, y), (width / 2, y + rnd.uniform(-6, 6)), (width - margin, y - 8)], steps=12)
            strokes.append(self._timed(path, t, rnd))
        return Signature(tuple(strokes), width, height)

    @staticmethod
    def _timed(path: list[tuple[float, float]], start_ms: float, rnd: random.Random) -> Stroke:
        """Resample a path at the pad's rate with a human speed, adding a pressure profile."""
        speed = rnd.uniform(0.35, 0.9)  # px per ms
        peak = rnd.uniform(0.55, 0.85)
        lengths = [0.0]
        for a, b in zip(path, path[1:], strict=False):
            lengths.append(lengths[-1] + math.dist(a, b))
        total = lengths[-1] or 1.0
        n = max(2, int(total / speed / SAMPLE_MS))
        out: list[Point] = []
        seg = 0
        for k in range(n + 1):
            d = total * k / n
            while seg < len(path) - 2 and lengths[seg + 1] < d:
                seg += 1
            span = (lengths[seg + 1] - lengths[seg]) or 1.0
            f = (d - lengths[seg]) / span
            x = path[seg][0] + (path[seg + 1][0] - path[seg][0]) * f
            y = path[seg][1] + (path[seg + 1][1] - path[seg][1]) * f
            u = k / n
            pressure = peak * min(1.0, u / 0.15, (1 - u) / 0.25 + 0.3) + rnd.uniform(-0.03, 0.03)
            out.append(Point(round(x, 1), round(y, 1), round(max(0.05, min(1.0, pressure)), 3),
                             int(start_ms + k * SAMPLE_MS)))
        return tuple(out)

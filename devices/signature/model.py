"""The stroke model of a handwritten signature (pure Python, no Qt).

Coordinates are pixels of the pad the signature was written on (`width` × `height`), origin
top left; pressure is 0..1 (0.5 where the input has none, as with a mouse); t_ms counts from
the first point. The canonical form quantises to 0.1 px, 1/1000 pressure and whole
milliseconds (rounding half up), so the same signature always gives the same bytes and the same SHA-256,
whichever machine stored or re-read it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

CANONICAL_VERSION = 1
NO_PRESSURE = 0.5


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    pressure: float = NO_PRESSURE
    t_ms: int = 0

    def quantised(self) -> tuple[int, int, int, int]:
        # Half-up rounding (not Python's half-to-even) so any language reproduces the same integers.
        return (_half_up(self.x * 10), _half_up(self.y * 10), _half_up(max(0.0, min(1.0, self.pressure)) * 1000),
                int(self.t_ms))


def _half_up(v: float) -> int:
    return math.floor(v + 0.5)


Stroke = tuple[Point, ...]


@dataclass(frozen=True)
class Signature:
    strokes: tuple[Stroke, ...] = field(default_factory=tuple)
    width: int = 600
    height: int = 200

    @property
    def is_empty(self) -> bool:
        return not any(self.strokes)

    @property
    def point_count(self) -> int:
        return sum(len(s) for s in self.strokes)

    @property
    def ink_length(self) -> float:
        """Total pen travel in pixels: a tap or a dot has almost none; a name has hundreds."""
        return sum(math.dist((a.x, a.y), (b.x, b.y)) for s in self.strokes for a, b in zip(s, s[1:], strict=False))

    @property
    def duration_ms(self) -> int:
        times = [pt.t_ms for s in self.strokes for pt in s]
        return max(times) - min(times) if times else 0

    def looks_signed(self, min_ink_px: float = 60.0) -> bool:
        """Enough ink to be a signature rather than an accidental touch."""
        return self.ink_length >= min_ink_px

    def with_stroke(self, stroke: Stroke) -> Signature:
        return Signature(self.strokes + (tuple(stroke),), self.width, self.height)

    def without_last_stroke(self) -> Signature:
        return Signature(self.strokes[:-1], self.width, self.height)

    def json_dict(self) -> dict:
        """The canonical vector form (also what is stored): integers only, nothing optional."""
        return {"v": CANONICAL_VERSION, "w": self.width, "h": self.height,
                "strokes": [[list(pt.quantised()) for pt in s] for s in self.strokes if s]}

    def canonical_bytes(self) -> bytes:
        return json.dumps(self.json_dict(), separators=(",", ":"), sort_keys=True).encode("ascii")

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_bytes()).hexdigest()

    @classmethod
    def from_json_dict(cls, data: dict) -> Signature:
        if data.get("v") != CANONICAL_VERSION:
            raise ValueError(f"unknown signature format version {data.get('v')!r}")
        strokes = tuple(tuple(Point(x / 10, y / 10, p / 1000, t) for x, y, p, t in s) for s in data["strokes"])
        return cls(strokes, int(data["w"]), int(data["h"]))

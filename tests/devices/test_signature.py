"""Signatures: the canonical vector form and its hash are stable; the PNG shows ink."""

from __future__ import annotations

import hashlib

from PySide6.QtGui import QColor, QImage

from devices.signature import Point, Signature, SimulatedSigner, render_png


def ink_pixels(png: bytes) -> int:
    image = QImage.fromData(png)
    assert not image.isNull()
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if QColor.fromRgba(image.pixel(x, y)).alpha() > 128)


def test_canonical_form_is_exact_integers():
    sig = Signature(((Point(1.0, 2.0, 0.5, 0), Point(3.25, 4.04, 1.0, 8)), (Point(7, 7, 0.2, 300),)), 10, 20)
    expected = b'{"h":20,"strokes":[[[10,20,500,0],[33,40,1000,8]],[[70,70,200,300]]],"v":1,"w":10}'
    assert sig.canonical_bytes() == expected
    assert sig.sha256() == hashlib.sha256(expected).hexdigest()


def test_same_signer_same_signature_same_hash():
    a = SimulatedSigner(seed=7).sign("李小梅")
    b = SimulatedSigner(seed=7).sign("李小梅")
    assert a == b and a.sha256() == b.sha256()
    assert SimulatedSigner(seed=7).sign("巴特尔").sha256() != a.sha256()
    assert SimulatedSigner(seed=8).sign("李小梅").sha256() != a.sha256()


def test_stored_form_reloads_to_the_same_hash():
    sig = SimulatedSigner(seed=3).sign("陈建华")
    again = Signature.from_json_dict(sig.json_dict())
    assert again.sha256() == sig.sha256()


def test_simulated_signature_is_plausible():
    sig = SimulatedSigner().sign("张三", 600, 200)
    assert len(sig.strokes) >= 4
    assert sig.looks_signed() and sig.ink_length > 300
    assert 500 < sig.duration_ms < 20_000  # seconds, like a person, not an instant
    for stroke in sig.strokes:
        times = [pt.t_ms for pt in stroke]
        assert times == sorted(times)
        assert all(0 < pt.pressure <= 1 and 0 <= pt.x <= 600 and 0 <= pt.y <= 200 for pt in stroke)
    assert len({pt.pressure for s in sig.strokes for pt in s}) > 10  # pressure varies along strokes


def test_a_tap_does_not_look_signed():
    assert not Signature(((Point(10, 10),),)).looks_signed()
    assert Signature().is_empty


def test_render_produces_a_non_blank_transparent_png():
    sig = SimulatedSigner().sign("张三")
    png = render_png(sig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage.fromData(png)
    assert (image.width(), image.height()) == (sig.width, sig.height)
    assert ink_pixels(png) > 300
    assert QColor.fromRgba(image.pixel(0, 0)).alpha() == 0  # transparent: sits on a printed signature line
    assert render_png(sig) == png  # same vectors, same picture


def test_render_scale_and_pressure():
    sig = SimulatedSigner().sign("张三")
    big = QImage.fromData(render_png(sig, scale=2.0, background="#ffffff"))
    assert (big.width(), big.height()) == (2 * sig.width, 2 * sig.height)
    light = Signature(tuple(tuple(Point(p.x, p.y, 0.1, p.t_ms) for p in s) for s in sig.strokes), sig.width,
                      sig.height)
    heavy = Signature(tuple(tuple(Point(p.x, p.y, 1.0, p.t_ms) for p in s) for s in sig.strokes), sig.width,
                      sig.height)
    assert ink_pixels(render_png(heavy)) > 1.5 * ink_pixels(render_png(light))

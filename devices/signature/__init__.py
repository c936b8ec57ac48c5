"""Signatures as vectors: strokes of (x, y, pressure, t_ms) points, a canonical form and its
SHA-256 (what a record binds to), rendering to PNG, and a simulated signer for tests."""

from devices.signature.model import Point, Signature, Stroke
from devices.signature.render import render_png
from devices.signature.simulator import SimulatedSigner

__all__ = ["Point", "Signature", "SimulatedSigner", "Stroke", "render_png"]

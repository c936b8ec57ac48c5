"""Simulated devices for the device tests: a SAM reader on a pseudo-terminal, cleaned up after each test."""

from __future__ import annotations

import sys

import pytest

from devices.idcard.sam_serial import SamSerialReader
from devices.idcard.simulator import PtySamSimulator, sample_card

needs_pty = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")


@pytest.fixture
def sim():
    """A started simulator with the long-term (长期) sample card on it."""
    s = PtySamSimulator(sample_card("long_term"))
    s.start()
    yield s
    s.stop()


@pytest.fixture
def reader(sim):
    """The real serial driver, on the simulator's port, polling quickly."""
    r = SamSerialReader(sim.port, find_interval_s=0.05)
    yield r
    r.close()

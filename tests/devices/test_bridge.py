"""Device work off the UI thread: results and failures arrive as signals while the event loop
keeps running, and a device that hangs or vanishes never freezes the window."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from devices.camera import FolderCamera
from devices.idcard.simulator import PtySamSimulator, SimulatedReader, sample_card
from tests.devices.conftest import needs_pty
from ui.devices.bridge import DeviceBridge
from ui.devices.device_settings import IdReaderSettings, check_id_reader


@pytest.fixture
def make_bridge(qtbot):
    made = []

    def make(**kwargs) -> DeviceBridge:
        b = DeviceBridge(**kwargs)
        made.append(b)
        return b

    yield make
    for b in made:
        b.shutdown()


class Ticker:
    """Counts event loop turns: if the GUI thread blocked, the gaps would show it."""

    def __init__(self):
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.times.append(time.monotonic()))
        self.timer.start()

    def largest_gap(self) -> float:
        return max(b - a for a, b in zip(self.times, self.times[1:], strict=False))


def test_card_arrives_as_a_signal_without_blocking_the_event_loop(qtbot, make_bridge):
    reader = SimulatedReader(sample_card("long_term"), answer_delay_s=0.15)  # 3 exchanges ≈ 0.45 s
    bridge = make_bridge(reader=reader)
    states = []
    bridge.state_changed.connect(lambda kind, state: states.append((kind, state)))
    ticker = Ticker()
    with qtbot.waitSignal(bridge.card_read, timeout=5000) as got:
        start = time.monotonic()
        assert bridge.read_card() is True
        assert time.monotonic() - start < 0.2  # returned at once (the read itself takes ≥ 0.45 s)
        assert bridge.busy("idcard")
        assert bridge.read_card() is False  # F4 pressed again while reading: ignored
    ticker.timer.stop()
    card = got.args[0]
    assert card.name == "巴特尔" and card.valid_to is None
    assert len(ticker.times) >= 15 and ticker.largest_gap() < 0.3  # a blocked loop would show ≥ 0.45 s
    assert states == [("idcard", "busy"), ("idcard", "idle")]


def test_silent_reader_reports_a_timeout(qtbot, make_bridge):
    reader = SimulatedReader()
    reader.faults.silent = True
    bridge = make_bridge(reader=reader, read_timeout_s=0.6)
    start = time.monotonic()
    with qtbot.waitSignal(bridge.failed, timeout=5000) as got:
        bridge.read_card()
    assert got.args[0] == "IDCARD_TIMEOUT" and "没有应答" in got.args[1]
    assert time.monotonic() - start < 2.0
    assert bridge.state("idcard") == "error"


def test_a_hung_driver_is_abandoned_by_the_watchdog(qtbot, make_bridge):
    hung = SimulatedReader(hang=True)  # like a vendor DLL call that never returns
    bridge = make_bridge(reader=hung, read_timeout_s=0.3, grace_s=0.3)
    ticker = Ticker()
    start = time.monotonic()
    with qtbot.waitSignal(bridge.failed, timeout=5000) as got:
        bridge.read_card()
    ticker.timer.stop()
    assert got.args[0] == "DEVICE_TIMEOUT" and "没有响应" in got.args[1]
    assert 0.5 <= time.monotonic() - start < 2.0
    assert ticker.largest_gap() < 0.3  # the window kept running all along (the hang lasted 0.6 s)
    assert bridge.state("idcard") == "error"
    # A working reader plugged in afterwards reads normally.
    bridge.set_reader(SimulatedReader(sample_card("standard")))
    with qtbot.waitSignal(bridge.card_read, timeout=5000) as got:
        assert bridge.read_card()
    assert got.args[0].name == "李小梅"


def test_no_card_is_the_applicants_problem_not_a_device_fault(qtbot, make_bridge):
    bridge = make_bridge(reader=SimulatedReader(no_card=True), read_timeout_s=0.5)
    with qtbot.waitSignal(bridge.failed, timeout=5000) as got:
        bridge.read_card()
    assert got.args[0] == "IDCARD_NO_CARD"
    assert bridge.state("idcard") == "idle"


def test_reader_vanishing_mid_read_gives_a_clear_message(qtbot, make_bridge):
    reader = SimulatedReader()
    reader.faults.vanish_on_read = True
    bridge = make_bridge(reader=reader)
    with qtbot.waitSignal(bridge.failed, timeout=5000) as got:
        bridge.read_card()
    assert got.args[0] == "DEVICE_GONE" and "断开" in got.args[1]
    assert bridge.state("idcard") == "error"


def test_unconfigured_reader_says_where_to_set_it(qtbot, make_bridge):
    bridge = make_bridge()
    assert bridge.state("idcard") == "off"
    with qtbot.waitSignal(bridge.failed, timeout=1000) as got:
        assert bridge.read_card() is False
    assert got.args[0] == "DEVICE_NOT_CONFIGURED" and "设备设置" in got.args[1]


def test_camera_page_arrives_as_a_signal(qtbot, make_bridge):
    bridge = make_bridge(camera=FolderCamera())
    with qtbot.waitSignal(bridge.page_captured, timeout=5000) as got:
        assert bridge.capture_page()
    page = got.args[0]
    assert page.width == 900 and page.jpeg[:2] == b"\xff\xd8"


@needs_pty
def test_settings_test_runs_off_the_ui_thread_and_answers_in_chinese(qtbot, make_bridge):
    with PtySamSimulator(sample_card()) as sim:
        bridge = make_bridge(reader=SimulatedReader())
        settings = IdReaderSettings(driver="sam", port=sim.port)
        with qtbot.waitSignal(bridge.tested, timeout=5000) as got:
            assert bridge.run_test("idcard", lambda: check_id_reader(settings))
    kind, ok, sentence = got.args
    assert kind == "idcard" and ok is True and "读卡器正常：读到 李小梅 的身份证" in sentence and sim.port in sentence

"""The SAM serial driver end to end against the simulated reader on a pseudo-terminal: the
driver opens a real tty with pyserial and exchanges the protocol's bytes with it."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from devices.errors import DeviceError
from devices.idcard import protocol as p
from devices.idcard.sam_serial import SamSerialReader
from devices.idcard.simulator import PtySamSimulator, sample_card
from tests.devices.conftest import needs_pty

pytestmark = needs_pty


def read_error(reader, timeout_s: float = 1.0) -> DeviceError:
    with pytest.raises(DeviceError) as e:
        reader.read(timeout_s)
    return e.value


def test_good_read_gives_every_field(sim, reader):
    card = reader.read(3)
    assert card.json_dict() == {
        "name": "巴特尔", "sex": "男", "nation": "蒙古", "birth": "1960-05-12",
        "address": "内蒙古自治区呼和浩特市新城区示例街道8号", "id_number": "150102196005120131",
        "authority": "呼和浩特市公安局新城分局", "valid_from": "2010-08-20", "valid_to": "长期",
    }
    assert card.valid_to is None
    assert card.photo_wlt == sample_card("long_term").photo_wlt and len(card.photo_wlt) == 1024
    # find → select → read, in that order, on the wire
    assert sim.module.commands == [p.CMD_FIND_CARD, p.CMD_SELECT_CARD, p.CMD_READ_BASE]


def test_second_read_reuses_the_open_port(sim, reader):
    assert reader.read(2).name == "巴特尔"
    sim.module.place_card(sample_card("standard"))
    assert reader.read(2).name == "李小梅"


def test_no_card_polls_then_says_so_within_the_timeout(sim, reader):
    sim.module.remove_card()
    start = time.monotonic()
    err = read_error(reader, 1.0)
    elapsed = time.monotonic() - start
    assert err.code == "IDCARD_NO_CARD" and "请把身份证" in err.message
    assert elapsed <= 1.6
    assert sim.module.commands.count(p.CMD_FIND_CARD) >= 3  # it kept looking, not one try


def test_card_put_down_while_polling_is_read(sim, reader):
    sim.module.remove_card()
    threading.Timer(0.3, sim.module.place_card, args=(sample_card("standard"),)).start()
    assert reader.read(3).name == "李小梅"


def test_one_corrupted_answer_is_retried(sim, reader):
    sim.faults.corrupt_answers = 1
    assert reader.read(3).name == "巴特尔"
    assert sim.module.commands.count(p.CMD_FIND_CARD) == 2  # started over once


def test_persistent_bad_checksum_is_reported(sim, reader):
    sim.faults.corrupt_answers = 100
    err = read_error(reader, 2.0)
    assert err.code == "IDCARD_CHECKSUM" and "校验" in err.message


def test_line_noise_before_an_answer_is_skipped(sim, reader):
    sim.faults.noise = bytes.fromhex("00 FF AA AA 13 96")
    assert reader.read(3).name == "巴特尔"


def test_card_lifted_between_select_and_read(sim, reader):
    sim.faults.lift_on_read = True
    err = read_error(reader, 2.0)
    assert err.code == "IDCARD_LIFTED" and "移开" in err.message
    assert sim.module.commands[-2:] == [p.CMD_SELECT_CARD, p.CMD_READ_BASE]


def test_silent_reader_times_out_within_the_timeout(sim, reader):
    sim.faults.silent = True
    start = time.monotonic()
    err = read_error(reader, 0.8)
    elapsed = time.monotonic() - start
    assert err.code == "IDCARD_TIMEOUT" and "没有应答" in err.message
    assert 0.7 <= elapsed <= 1.5


def test_device_vanishing_mid_read_is_device_gone(sim, reader):
    sim.faults.vanish_on_read = True
    start = time.monotonic()
    err = read_error(reader, 3.0)
    assert err.code == "DEVICE_GONE" and "断开" in err.message
    assert sim.vanished.is_set()
    assert time.monotonic() - start < 2.0  # noticed at once, not after the timeout


def test_close_from_another_thread_cancels_a_read_quickly(sim, reader):
    sim.faults.silent = True
    threading.Timer(0.2, reader.close).start()
    start = time.monotonic()
    err = read_error(reader, 5.0)
    assert err.code == "DEVICE_CLOSED"
    assert time.monotonic() - start < 1.5
    sim.faults.silent = False
    assert reader.read(2).name == "巴特尔"  # a later read opens the port again


def test_missing_port_cannot_be_opened():
    err = read_error(SamSerialReader("/dev/clerkdesk-no-such-port"), 1.0)
    assert err.code == "DEVICE_OPEN_FAILED" and "/dev/clerkdesk-no-such-port" in err.message


def test_security_module_check_needs_no_card(sim, reader):
    sim.module.remove_card()
    status = reader.check(2)
    assert status.sam_id == sim.module.sam_id.hex().upper()
    assert sim.module.commands == [p.CMD_SAM_STATUS, p.CMD_SAM_ID]


def test_answers_at_the_real_line_speed_are_assembled():
    with PtySamSimulator(sample_card("expired"), baudrate=115200, realistic_timing=True) as slow:
        r = SamSerialReader(slow.port, 115200)
        try:
            start = time.monotonic()
            card = r.read(5)
            elapsed = time.monotonic() - start
        finally:
            r.close()
    assert card.name == "陈建华" and card.expired(date(2026, 1, 1))
    # 1,295 bytes of read answer at 10 bits a byte cannot arrive faster than ~0.11 s
    assert elapsed >= 1295 * 10 / 115200

"""Per-terminal device settings: saved and loaded as plain data, checked, and tested with one
Chinese sentence for the settings dialog."""

from __future__ import annotations

import json
import sys

import pytest

from devices.camera import FolderCamera
from devices.errors import DeviceError
from devices.idcard.sam_serial import SamSerialReader
from devices.idcard.simulator import PtySamSimulator, SimulatedReader, sample_card
from tests.devices.conftest import needs_pty
from ui.devices.device_settings import (
    CameraSettings,
    DeviceSettings,
    IdReaderSettings,
    check_camera,
    check_id_reader,
    open_camera,
    open_id_reader,
    problems,
)
from ui.devices.status_widget import device_status_text


def test_settings_survive_a_json_round_trip():
    s = DeviceSettings(IdReaderSettings(driver="sam", port="COM3", baudrate=9600),
                       CameraSettings(driver="folder", quality=70, crop=(10, 20, 300, 400)))
    assert DeviceSettings.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_loading_tolerates_missing_and_unknown_keys():
    s = DeviceSettings.from_dict({"idcard": {"driver": "sam", "port": "/dev/ttyUSB0", "colour": "red"}})
    assert s.idcard.port == "/dev/ttyUSB0" and s.idcard.baudrate == 115200
    assert s.camera == CameraSettings()
    assert DeviceSettings.from_dict(None) == DeviceSettings()


def test_problems_are_named_in_chinese():
    assert problems(DeviceSettings()) == []
    found = problems(DeviceSettings(IdReaderSettings(driver="sam", port=""), CameraSettings(quality=5)))
    assert any("串口" in p for p in found) and any("图片质量" in p for p in found)
    assert problems(DeviceSettings(IdReaderSettings(driver="vendor", port="77"))) != []


def test_factories_open_the_configured_driver():
    assert isinstance(open_id_reader(IdReaderSettings()), SimulatedReader)
    assert isinstance(open_id_reader(IdReaderSettings(driver="sam", port="COM3")), SamSerialReader)
    assert isinstance(open_camera(CameraSettings()), FolderCamera)
    assert open_camera(CameraSettings(driver="none")) is None


def test_vendor_driver_off_windows_fails_the_test_with_a_reason(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")  # a 信创 Linux desk, whatever runs the test
    with pytest.raises(DeviceError) as e:
        open_id_reader(IdReaderSettings(driver="vendor", port="1001"))
    assert e.value.code == "DEVICE_UNSUPPORTED"
    result = check_id_reader(IdReaderSettings(driver="vendor"))
    assert not result.ok and "Windows" in result.sentence and "DEVICE_UNSUPPORTED" in result.sentence


@needs_pty
def test_test_device_on_a_real_protocol_line():
    with PtySamSimulator(sample_card()) as sim:
        result = check_id_reader(IdReaderSettings(driver="sam", port=sim.port))
        assert result.ok and sim.port in result.sentence and "115200" in result.sentence
        sim.faults.silent = True
        silent = check_id_reader(IdReaderSettings(driver="sam", port=sim.port), timeout_s=0.5)
    assert not silent.ok and silent.sentence.startswith("测试未通过") and "IDCARD_TIMEOUT" in silent.sentence


def test_test_device_for_simulator_and_camera():
    assert check_id_reader(IdReaderSettings()).ok
    cam = check_camera(CameraSettings())
    assert cam.ok and "900×1240" in cam.sentence
    missing = check_camera(CameraSettings(folder="/nonexistent/folder"))
    assert not missing.ok and "CAMERA_NOT_FOUND" in missing.sentence


def test_status_bar_words():
    assert device_status_text("idcard", "idle") == "读卡器"  # ready: the green light says so
    assert device_status_text("idcard", "busy") == "读卡器 工作中"
    assert device_status_text("camera", "error") == "高拍仪 故障"

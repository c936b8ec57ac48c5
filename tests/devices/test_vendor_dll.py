"""The vendor-DLL driver cannot run here (Linux, no DLLs): what can be checked is that it refuses
clearly off Windows and that its parsing of the SDK's strings is right."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from devices.errors import DeviceError
from devices.idcard.vendor_dll import _loose_date, _nation, _sex, open_vendor_reader


@pytest.mark.parametrize("library", ["sdtapi", "termb"])
def test_off_windows_the_vendor_driver_refuses_in_chinese(library, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")  # a 信创 Linux desk, whatever runs the test
    with pytest.raises(DeviceError) as e:
        open_vendor_reader(library, 1001)
    assert e.value.code == "DEVICE_UNSUPPORTED"
    assert f"{library}.dll" in e.value.message and "Windows" in e.value.message


def test_unknown_library_is_refused():
    with pytest.raises(DeviceError) as e:
        open_vendor_reader("other", 1001)
    assert e.value.code in {"DEVICE_OPEN_FAILED", "DEVICE_UNSUPPORTED"}


def test_sdk_strings_are_normalised():
    assert _loose_date("19900307", "出生日期") == date(1990, 3, 7)
    assert _loose_date("1990.03.07", "出生日期") == date(1990, 3, 7)
    assert _loose_date("1990年03月07日", "出生日期") == date(1990, 3, 7)
    with pytest.raises(DeviceError):
        _loose_date("长期", "有效期截止日期")
    assert _nation("汉族") == "汉" and _nation("01") == "汉" and _nation("蒙古") == "蒙古"
    assert _sex("1") == "男" and _sex("女") == "女"

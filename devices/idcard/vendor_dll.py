"""ID card readers through their vendors' SDKs, via ctypes — Windows only.

UNTESTED HERE: the build and test machines run Linux and have neither the DLLs nor a reader.
The code follows the SDK headers as published (every function is __stdcall, hence WinDLL);
check it against the vendor's own demo on a real terminal before relying on it. Where a
reader can be switched to serial mode, prefer `SamSerialReader`, which is tested end to end.

Two SDK families are supported:

- `sdtapi.dll` (the reference "SDT" API many readers ship): SDT_OpenPort(port) → 0x90,
  SDT_StartFindIDCard(port, buf, 0) → 0x9F, SDT_SelectIDCard(port, buf, 0) → 0x90,
  SDT_ReadBaseMsg(port, text, &text_len, photo, &photo_len, 0) → 0x90, SDT_ClosePort(port).
  Return values are the module's own status bytes (devices/idcard/protocol.py). The text block
  is the same 256-byte UTF-16LE layout the serial protocol carries, so it is parsed by the same
  code; the photo is the raw WLT.
- `termb.dll` (华视 CVR series): CVR_InitComm(port) → 1, CVR_Authenticate() → 1 (card found
  and selected), CVR_Read_Content(4) → 1, then GetPeopleName / GetPeopleSex / GetPeopleNation /
  GetPeopleBirthday / GetPeopleAddress / GetPeopleIDCode / GetDepartment / GetStartDate /
  GetEndDate(buffer, &length), each a GBK string; CVR_CloseComm(). This API gives no raw WLT
  photo, so `photo_wlt` stays empty.

Ports: 1001–1016 are USB readers, 1–16 serial ports COM1–COM16. Many of these DLLs exist only
as 32-bit builds and cannot be loaded into a 64-bit Python; the error says so.
"""

from __future__ import annotations

import ctypes
import re
import sys
import threading
import time
from abc import ABC, abstractmethod
from datetime import date

from devices.errors import DeviceError, card_lifted, no_card
from devices.idcard import protocol as p
from devices.idcard.model import LONG_TERM, NATION_NAMES, SEX_NAMES, IdCard, nation_name
from devices.idcard.reader import DEFAULT_READ_TIMEOUT_S

USB_PORTS = range(1001, 1017)
SERIAL_PORTS = range(1, 17)
FIND_INTERVAL_S = 0.3


def _require_windows(dll: str) -> None:
    if sys.platform != "win32":
        raise DeviceError("DEVICE_UNSUPPORTED",
                          f"厂商驱动（{dll}）只能在 Windows 上使用。本机请在设备设置中选择“SAM 串口”驱动或模拟阅读器。",
                          f"platform {sys.platform}")


def _load(path: str) -> ctypes.CDLL:
    try:
        return ctypes.WinDLL(path)  # type: ignore[attr-defined]  # Windows only, checked before
    except OSError as exc:
        if getattr(exc, "winerror", None) == 193:  # ERROR_BAD_EXE_FORMAT: 32-bit DLL, 64-bit process
            raise DeviceError("DEVICE_OPEN_FAILED",
                              f"厂商驱动 {path} 是 32 位的，受理台是 64 位程序，无法调用。请把阅读器设为串口模式并改用"
                              "“SAM 串口”驱动，或向厂商索取 64 位驱动。", str(exc)) from exc
        raise DeviceError("DEVICE_OPEN_FAILED",
                          f"找不到或无法加载厂商驱动 {path}。请安装阅读器厂商的驱动程序，或把它放到受理台程序目录。",
                          str(exc)) from exc


def _check_port(port: int) -> None:
    if port not in USB_PORTS and port not in SERIAL_PORTS:
        raise DeviceError("DEVICE_OPEN_FAILED", f"端口号 {port} 无效：USB 阅读器为 1001–1016，串口为 1–16。")


class _VendorReader(ABC):
    """Shared: one call into the DLL at a time; close() during a read waits for it to return.
    Each vendor SDK fills in how it declares, opens, closes and reads (template methods)."""

    dll_name = ""

    def __init__(self, port: int, dll_path: str | None):
        _require_windows(self.dll_name)
        _check_port(port)
        self.port = port
        self._dll = _load(dll_path or self.dll_name)
        self._declare()
        self._opened = False
        self._io = threading.Lock()
        self._cancelled = False

    @abstractmethod
    def _declare(self) -> None: ...

    @abstractmethod
    def _open(self) -> None: ...

    @abstractmethod
    def _close_port(self) -> None: ...

    @abstractmethod
    def _read_once(self, deadline: float) -> IdCard: ...

    def read(self, timeout_s: float = DEFAULT_READ_TIMEOUT_S) -> IdCard:
        deadline = time.monotonic() + timeout_s
        with self._io:
            self._cancelled = False
            if not self._opened:
                self._open()
                self._opened = True
            try:
                return self._read_once(deadline)
            except DeviceError as err:
                if err.code in ("DEVICE_GONE", "IDCARD_MODULE"):
                    self._close_quietly()  # reopen on the next read (reader replugged)
                raise

    def close(self) -> None:
        self._cancelled = True
        # Closing the port under a DLL call that is still running can crash some SDKs: wait.
        if self._io.acquire(timeout=2.0):
            try:
                self._close_quietly()
            finally:
                self._io.release()

    def _close_quietly(self) -> None:
        if self._opened:
            self._opened = False
            try:
                self._close_port()
            except OSError:
                pass

    def _wait_or_give_up(self, deadline: float, failure: DeviceError) -> None:
        if self._cancelled:
            raise DeviceError("DEVICE_CLOSED", "读卡已取消。")
        if time.monotonic() + FIND_INTERVAL_S >= deadline:
            raise failure
        time.sleep(FIND_INTERVAL_S)


class SdtApiReader(_VendorReader):
    dll_name = "sdtapi.dll"

    def _declare(self) -> None:
        d, c_int, buf = self._dll, ctypes.c_int, ctypes.c_char_p
        uint_p = ctypes.POINTER(ctypes.c_uint)
        for name, args in (("SDT_OpenPort", [c_int]), ("SDT_ClosePort", [c_int]),
                           ("SDT_StartFindIDCard", [c_int, buf, c_int]), ("SDT_SelectIDCard", [c_int, buf, c_int]),
                           ("SDT_ReadBaseMsg", [c_int, buf, uint_p, buf, uint_p, c_int])):
            fn = getattr(d, name)
            fn.argtypes, fn.restype = args, c_int

    def _open(self) -> None:
        ret = self._dll.SDT_OpenPort(self.port)
        if ret != p.SW_OK:
            raise DeviceError("DEVICE_OPEN_FAILED",
                              f"无法打开阅读器（端口 {self.port}）。请检查阅读器是否插好，或在设备设置中核对端口。",
                              f"SDT_OpenPort returned {ret:#x}")

    def _close_port(self) -> None:
        self._dll.SDT_ClosePort(self.port)

    def _read_once(self, deadline: float) -> IdCard:
        scratch = ctypes.create_string_buffer(64)  # the SDK writes 4–8 bytes of management data
        while True:
            found = self._dll.SDT_StartFindIDCard(self.port, scratch, 0)
            if found == p.SW_FIND_OK and self._dll.SDT_SelectIDCard(self.port, scratch, 0) == p.SW_OK:
                break
            if found not in (p.SW_FIND_OK, p.SW_FIND_FAILED):
                raise _vendor_status_error(found, "SDT_StartFindIDCard")
            self._wait_or_give_up(deadline, no_card())
        # Larger than the 256 + 1024 bytes a card holds: an SDK writing a little more must not overrun.
        text, photo = ctypes.create_string_buffer(1024), ctypes.create_string_buffer(4096)
        text_len, photo_len = ctypes.c_uint(0), ctypes.c_uint(0)
        ret = self._dll.SDT_ReadBaseMsg(self.port, text, ctypes.byref(text_len), photo, ctypes.byref(photo_len), 0)
        if ret == p.SW_READ_FAILED:
            raise card_lifted()
        if ret != p.SW_OK:
            raise _vendor_status_error(ret, "SDT_ReadBaseMsg")
        return p.card_from_text(text.raw[: text_len.value], photo.raw[: photo_len.value])


class TermbReader(_VendorReader):
    dll_name = "termb.dll"
    _GETTERS = ("GetPeopleName", "GetPeopleSex", "GetPeopleNation", "GetPeopleBirthday", "GetPeopleAddress",
                "GetPeopleIDCode", "GetDepartment", "GetStartDate", "GetEndDate")

    def _declare(self) -> None:
        d, c_int = self._dll, ctypes.c_int
        for name, args in (("CVR_InitComm", [c_int]), ("CVR_Authenticate", []), ("CVR_Read_Content", [c_int]),
                           ("CVR_CloseComm", [])):
            fn = getattr(d, name)
            fn.argtypes, fn.restype = args, c_int
        for name in self._GETTERS:
            fn = getattr(d, name)
            fn.argtypes, fn.restype = [ctypes.c_char_p, ctypes.POINTER(c_int)], c_int

    def _open(self) -> None:
        ret = self._dll.CVR_InitComm(self.port)
        if ret != 1:
            raise DeviceError("DEVICE_OPEN_FAILED",
                              f"无法打开阅读器（端口 {self.port}）。请检查阅读器是否插好，或在设备设置中核对端口。",
                              f"CVR_InitComm returned {ret}")

    def _close_port(self) -> None:
        self._dll.CVR_CloseComm()

    def _get(self, name: str) -> str:
        buf, length = ctypes.create_string_buffer(256), ctypes.c_int(256)
        getattr(self._dll, name)(buf, ctypes.byref(length))
        raw = buf.raw[: max(0, min(length.value, 256))] if length.value > 0 else buf.value
        return raw.split(b"\0", 1)[0].decode("gbk", errors="replace").strip()

    def _read_once(self, deadline: float) -> IdCard:
        while self._dll.CVR_Authenticate() != 1:
            self._wait_or_give_up(deadline, no_card())
        if self._dll.CVR_Read_Content(4) != 1:
            raise card_lifted()
        v = {name: self._get(name) for name in self._GETTERS}
        end = v["GetEndDate"]
        return IdCard(
            name=v["GetPeopleName"], sex=_sex(v["GetPeopleSex"]), nation=_nation(v["GetPeopleNation"]),
            birth=_loose_date(v["GetPeopleBirthday"], "出生日期"), address=v["GetPeopleAddress"],
            id_number=v["GetPeopleIDCode"], authority=v["GetDepartment"],
            valid_from=_loose_date(v["GetStartDate"], "有效期起始日期"),
            valid_to=None if LONG_TERM in end else _loose_date(end, "有效期截止日期"),
        )


def _vendor_status_error(code: int, function: str) -> DeviceError:
    if code in p.STATUS_MESSAGES:
        return DeviceError("IDCARD_MODULE", f"阅读器报告：{p.status_message(code)}（状态码 {code:02X}）。请重新读卡。",
                           f"{function} returned {code:#x}")
    return DeviceError("DEVICE_GONE", "阅读器没有正常响应（可能已被拔出）。请插好阅读器后重试。", f"{function} returned {code:#x}")


def _sex(value: str) -> str:
    return SEX_NAMES.get(value, value) if value.isdigit() else value


def _nation(value: str) -> str:
    # Some SDK versions give the name (汉), some the name with 族, some the code (01).
    if value.isdigit():
        return nation_name(value)
    if value.endswith("族") and value[:-1] in NATION_NAMES.values():
        return value[:-1]
    return value


def _loose_date(value: str, label: str) -> date:
    digits = re.sub(r"\D", "", value)  # 19900307, 1990.03.07, 1990年03月07日 all read the same
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise DeviceError("IDCARD_DATA", f"身份证上的{label}无法识别，请手工录入并核对证件原件。", repr(value)) from None


def open_vendor_reader(library: str = "sdtapi", port: int = 1001, dll_path: str | None = None) -> _VendorReader:
    """library: 'sdtapi' or 'termb'. Raises DeviceError (DEVICE_UNSUPPORTED off Windows)."""
    if library == "sdtapi":
        return SdtApiReader(port, dll_path)
    if library == "termb":
        return TermbReader(port, dll_path)
    raise DeviceError("DEVICE_OPEN_FAILED", f"不认识的厂商驱动“{library}”：可选 sdtapi 或 termb。")

"""One error type for every device: `code` for logs, tests and support calls, `message` in
Chinese for the clerk (shown as is), `detail` for the log only (OS error text, port names)."""

from __future__ import annotations

from app.errors import ClerkDeskError


class DeviceError(ClerkDeskError):
    """A device could not do what was asked. Codes in use:

    ID card: IDCARD_NO_CARD, IDCARD_SELECT_FAILED, IDCARD_LIFTED, IDCARD_TIMEOUT, IDCARD_CHECKSUM,
    IDCARD_FRAME, IDCARD_MODULE, IDCARD_DATA, IDCARD_UNSUPPORTED.
    Any device: DEVICE_GONE, DEVICE_OPEN_FAILED, DEVICE_UNSUPPORTED, DEVICE_CLOSED; and from the UI
    bridge DEVICE_TIMEOUT (watchdog), DEVICE_BUSY, DEVICE_NOT_CONFIGURED, DEVICE_INTERNAL.
    Camera: CAMERA_UNAVAILABLE, CAMERA_NOT_FOUND, CAMERA_TIMEOUT, CAMERA_EMPTY, CAMERA_BAD_IMAGE, CAMERA_CROP.
    """

    def __init__(self, code: str, message: str, detail: str = ""):
        super().__init__(code, message)
        self.detail = detail

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}" + (f" ({self.detail})" if self.detail else "")


# Messages shared by several drivers, so the clerk reads the same sentence whatever the reader.
def device_gone(what: str = "阅读器", detail: str = "") -> DeviceError:
    return DeviceError("DEVICE_GONE", f"{what}连接已断开（设备被拔出或断电）。请插好{what}后重试。", detail)


def open_failed(port: str, what: str = "阅读器", detail: str = "") -> DeviceError:
    return DeviceError("DEVICE_OPEN_FAILED",
                       f"无法打开{what}端口“{port}”。请在设备设置中核对端口，并确认没有其他程序正在使用它。", detail)


def no_card() -> DeviceError:
    return DeviceError("IDCARD_NO_CARD", "未检测到身份证。请把身份证平放在阅读器感应区上，再读卡。")


def card_lifted() -> DeviceError:
    return DeviceError("IDCARD_LIFTED", "读卡过程中身份证被移开，信息没有读完。请把身份证放稳，重新读卡。")


def reader_timeout(seconds: float, partial: bool = False) -> DeviceError:
    what = "应答不完整" if partial else "没有应答"
    return DeviceError("IDCARD_TIMEOUT",
                       f"阅读器在 {seconds:g} 秒内{what}。请检查阅读器的电源和连线，以及设备设置中的端口和波特率。")

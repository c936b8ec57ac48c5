"""Per-terminal device settings: which driver, port and baud rate for the ID card reader, which
camera. Plain frozen dataclasses with to_dict/from_dict (JSON-safe) — storing them in the app
database is the caller's job — plus the factories that open the configured devices and the
"test device" functions (check_id_reader, check_camera, check_signature_pad) that return one
Chinese sentence for the settings dialog (ui/devices/settings_dialog.py).

The test functions block (they talk to the device): run them through DeviceBridge.run_test.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from devices.camera.base import DEFAULT_QUALITY, Crop, DocumentCamera
from devices.errors import DeviceError
from devices.idcard.reader import DEFAULT_READ_TIMEOUT_S, IdCardReader
from devices.idcard.sam_serial import DEFAULT_BAUDRATE

ID_DRIVERS = {"simulator": "模拟阅读器（培训、演示）", "sam": "SAM 串口协议（推荐）", "vendor": "厂商驱动（Windows DLL）"}
VENDOR_LIBRARIES = {"sdtapi": "sdtapi.dll（通用 SDT 接口）", "termb": "termb.dll（华视 CVR 系列）"}
CAMERA_DRIVERS = {"folder": "模拟高拍仪（图片文件夹）", "qt": "高拍仪（USB 摄像头）", "none": "不使用高拍仪"}
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
SAMPLE_CARDS = ("standard", "long_term", "expired")


@dataclass(frozen=True)
class IdReaderSettings:
    driver: str = "simulator"
    port: str = ""  # sam: COM3, /dev/ttyUSB0; vendor: 1001–1016 (USB) or 1–16 (serial); '' = 1001
    baudrate: int = DEFAULT_BAUDRATE
    vendor_library: str = "sdtapi"
    timeout_s: float = DEFAULT_READ_TIMEOUT_S
    simulator_card: str = "standard"


@dataclass(frozen=True)
class CameraSettings:
    driver: str = "folder"
    folder: str = ""  # folder driver: '' = the shipped sample pages
    device_id: str = ""  # qt driver: camera id or description, '' = system default
    quality: int = DEFAULT_QUALITY
    crop: tuple[int, int, int, int] | None = None  # x, y, width, height in camera pixels


@dataclass(frozen=True)
class DeviceSettings:
    idcard: IdReaderSettings = field(default_factory=IdReaderSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.camera.crop is not None:
            d["camera"]["crop"] = list(self.camera.crop)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DeviceSettings:
        """Tolerant: missing keys take defaults and unknown keys are ignored, so settings saved
        by an older or newer version still load; `problems()` then says what is wrong."""
        data = data or {}
        id_d = {k: v for k, v in (data.get("idcard") or {}).items() if k in IdReaderSettings.__dataclass_fields__}
        cam_d = {k: v for k, v in (data.get("camera") or {}).items() if k in CameraSettings.__dataclass_fields__}
        if cam_d.get("crop") is not None:
            cam_d["crop"] = tuple(int(v) for v in cam_d["crop"])
        idcard = IdReaderSettings(**id_d)
        idcard = replace(idcard, baudrate=int(idcard.baudrate), timeout_s=float(idcard.timeout_s))
        camera = CameraSettings(**cam_d)
        return cls(idcard, replace(camera, quality=int(camera.quality)))


def problems(settings: DeviceSettings) -> list[str]:
    """What the settings dialog shows under the fields before saving (empty: fine)."""
    out: list[str] = []
    r, c = settings.idcard, settings.camera
    if r.driver not in ID_DRIVERS:
        out.append(f"不认识的阅读器驱动“{r.driver}”。")
    if r.driver == "sam":
        if not r.port.strip():
            out.append("请填写阅读器所在的串口，例如 COM3 或 /dev/ttyUSB0。")
        if r.baudrate not in BAUD_RATES:
            out.append(f"波特率 {r.baudrate} 不常见，阅读器一般为 115200。")
    if r.driver == "vendor":
        if r.vendor_library not in VENDOR_LIBRARIES:
            out.append(f"不认识的厂商驱动“{r.vendor_library}”。")
        if r.port and not (r.port.isdigit() and (1 <= int(r.port) <= 16 or 1001 <= int(r.port) <= 1016)):
            out.append("厂商驱动的端口号应为 1001–1016（USB）或 1–16（串口）。")
    if r.driver == "simulator" and r.simulator_card not in SAMPLE_CARDS:
        out.append(f"模拟阅读器没有示例证件“{r.simulator_card}”。")
    if not 1 <= r.timeout_s <= 60:
        out.append("读卡等待时间应在 1 到 60 秒之间。")
    if c.driver not in CAMERA_DRIVERS:
        out.append(f"不认识的高拍仪驱动“{c.driver}”。")
    if not 30 <= c.quality <= 100:
        out.append("图片质量应在 30 到 100 之间（默认 85）。")
    if c.crop is not None and (len(c.crop) != 4 or c.crop[2] <= 0 or c.crop[3] <= 0):
        out.append("裁切范围应为左、上、宽、高四个数，宽和高大于 0。")
    return out


def open_id_reader(settings: IdReaderSettings) -> IdCardReader:
    """The configured reader; opening a port happens on the first read, so this never blocks
    long. Raises DeviceError (e.g. the vendor driver off Windows)."""
    if settings.driver == "sam":
        from devices.idcard.sam_serial import SamSerialReader

        if not settings.port.strip():
            raise DeviceError("DEVICE_OPEN_FAILED", "没有设置阅读器串口。请在“设备设置”中填写。")
        return SamSerialReader(settings.port.strip(), settings.baudrate)
    if settings.driver == "vendor":
        from devices.idcard.vendor_dll import open_vendor_reader

        port = int(settings.port) if settings.port.strip().isdigit() else 1001
        return open_vendor_reader(settings.vendor_library, port)
    if settings.driver == "simulator":
        from devices.idcard.simulator import SimulatedReader, sample_card

        return SimulatedReader(sample_card(settings.simulator_card))
    raise DeviceError("DEVICE_OPEN_FAILED", f"不认识的阅读器驱动“{settings.driver}”。")


def open_camera(settings: CameraSettings) -> DocumentCamera | None:
    """The configured camera, or None when the window has none. Raises DeviceError."""
    crop = Crop(*settings.crop) if settings.crop else None
    if settings.driver == "none":
        return None
    if settings.driver == "folder":
        from devices.camera.folder import FolderCamera

        return FolderCamera(settings.folder or None, quality=settings.quality, crop=crop)
    if settings.driver == "qt":
        from devices.camera.qt_camera import QtCamera

        return QtCamera(settings.device_id, quality=settings.quality, crop=crop)
    raise DeviceError("CAMERA_NOT_FOUND", f"不认识的高拍仪驱动“{settings.driver}”。")


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    sentence: str


def _failed(err: DeviceError) -> CheckResult:
    return CheckResult(False, f"测试未通过：{err.message}（{err.code}）")


def _open_failed_sentence(port: str, err: DeviceError) -> str:
    """"串口 /dev/ttyUSB0 无法打开：…" — the OS's reason in words a clerk can act on (the OS's own
    text goes to the log only)."""
    detail = err.detail.lower()
    if "no such file" in detail or "filenotfound" in detail or "could not find" in detail or "cannot find" in detail:
        why = "没有这个串口（阅读器未插好或已拔出）"
    elif "permission" in detail or "access is denied" in detail:
        why = "没有权限使用这个串口（请管理员授权本机账户，例如加入 dialout 组）"
    elif "busy" in detail or "lock" in detail or "in use" in detail:
        why = "串口正被其他程序占用（请关闭其他读卡程序）"
    else:
        why = "设备没有响应打开请求"
    return f"串口 {port} 无法打开：{why}。请核对端口并插好阅读器后再测试。（{err.code}）"


def check_id_reader(settings: IdReaderSettings, timeout_s: float = 3.0) -> CheckResult:
    """A real read on the configured port: the SAM driver asks the module for its status, then
    find → select → read; with no card on the reader the connection alone is reported."""
    try:
        reader = open_id_reader(settings)
    except DeviceError as err:
        return _failed(err)
    try:
        if settings.driver == "simulator":
            card = reader.read(timeout_s)
            return CheckResult(True, f"模拟阅读器工作正常：读到示例证件（{card.name}）。它不连接真实设备，仅供培训和演示。")
        if settings.driver == "sam":
            where = f"{settings.port}，{settings.baudrate} 波特"
            status = reader.check(timeout_s)  # type: ignore[attr-defined]  # a SamSerialReader
            sam = " ".join(status.sam_id[i:i + 8] for i in range(0, len(status.sam_id), 8))  # wraps, reads aloud
            module = f"，安全模块号 {sam}" if sam else ""
            try:
                card = reader.read(timeout_s)
            except DeviceError as err:
                if err.code == "IDCARD_NO_CARD":
                    return CheckResult(True, f"阅读器连接正常（{where}{module}），读卡区没有身份证：放上身份证后再点“测试设备”可试读。")
                raise
            return CheckResult(True, f"读卡器正常：读到 {card.name} 的身份证（{where}{module}）。")
        try:
            card = reader.read(timeout_s)
        except DeviceError as err:
            if err.code == "IDCARD_NO_CARD":
                return CheckResult(True, f"厂商驱动已连接阅读器（端口 {settings.port or 1001}）。放上身份证即可读卡。")
            raise
        return CheckResult(True, f"读卡器正常：读到 {card.name} 的身份证（厂商驱动）。")
    except DeviceError as err:
        if err.code == "DEVICE_OPEN_FAILED" and settings.driver == "sam":
            return CheckResult(False, _open_failed_sentence(settings.port, err))
        return _failed(err)
    finally:
        reader.close()


def check_camera(settings: CameraSettings, timeout_s: float = 10.0) -> CheckResult:
    try:
        camera = open_camera(settings)
        if camera is None:
            return CheckResult(True, "本窗口不使用高拍仪。")
        try:
            page = camera.capture(timeout_s)
        finally:
            camera.close()
    except DeviceError as err:
        return _failed(err)
    kind = "模拟高拍仪" if settings.driver == "folder" else "高拍仪"
    return CheckResult(True, f"{kind}工作正常：拍得 {page.width}×{page.height} 像素的页面（{max(1, page.size // 1024)} KB）。")


# QInputDevice.DeviceType names that mean a pen or a finger can sign (a mouse always can).
PEN_DEVICE_TYPES = ("Stylus", "Airbrush", "Puck", "TouchScreen", "TouchPad")


def check_signature_pad(input_devices: list[tuple[str, str]]) -> CheckResult:
    """`input_devices`: (name, type) of the pointing devices Qt sees, taken on the UI thread
    (QInputDevice belongs to it). The pad is present when a pen or touch screen is; either way
    a test signature is rendered to an image, the same step a collector's signature takes."""
    from devices.signature.render import render_png
    from devices.signature.simulator import SimulatedSigner

    png = render_png(SimulatedSigner(seed=1).sign("测试"))
    pads = [name or kind for name, kind in input_devices if kind in PEN_DEVICE_TYPES]
    if not pads:
        return CheckResult(False, "未检测到签名板（手写笔或触摸屏）。请插好签名板后再测试；"
                                  f"没有签名板时，领取人可用鼠标在屏幕上签名（签名图片生成正常，{len(png) // 1024 + 1} KB）。")
    return CheckResult(True, f"签名板正常：检测到 {'、'.join(pads[:3])}，试签的签名图片生成正常。")


def serial_ports() -> list[tuple[str, str]]:
    """(device, description) of the serial ports the system sees, for the port drop-down."""
    from serial.tools import list_ports

    return [(p.device, p.description or p.device) for p in sorted(list_ports.comports(), key=lambda p: p.device)]

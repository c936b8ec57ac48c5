"""设备设置 (Ctrl+Shift+D, administrators): the window's ID card reader, document camera and
signature pad — driver, port, baud rate — each with a 测试设备 button that runs a real test off
the UI thread (DeviceBridge.run_test, under its watchdog) and says in Chinese what happened.
Saving goes through app.usecases.device_settings (audited); the new devices take over at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QInputDevice
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.actor import Actor
from app.context import AppContext
from app.usecases.device_settings import save_device_settings
from devices.errors import DeviceError
from ui.devices.bridge import DeviceBridge
from ui.devices.device_settings import (
    BAUD_RATES,
    CAMERA_DRIVERS,
    ID_DRIVERS,
    SAMPLE_CARDS,
    VENDOR_LIBRARIES,
    CameraSettings,
    DeviceSettings,
    IdReaderSettings,
    check_camera,
    check_id_reader,
    check_signature_pad,
    open_camera,
    open_id_reader,
    problems,
    serial_ports,
)
from ui.devices.setup import device_settings
from ui.operations import Operations, error_text
from ui.widgets import named, resize_within_screen, show_message

READER_DRIVERS = {**ID_DRIVERS, "none": "不使用阅读器"}
SAMPLE_CARD_LABELS = {"standard": "标准示例证件", "long_term": "长期有效的证件", "expired": "已过期的证件"}
# A test gives the device this long before the bridge's watchdog gives up on it (the reader's
# own test does a status check and a read of 3 s each).
TEST_TIMEOUT_S = {"idcard": 8.0, "camera": 12.0, "signature": 5.0}
TEST_BUTTON_TEXT = "测试设备"


def _combo(options: dict[str, str], name: str, label: str) -> QComboBox:
    box = named(QComboBox(), name, label)
    for key, text in options.items():
        box.addItem(text, key)
    return box


def _select(box: QComboBox, key: object) -> None:
    i = box.findData(key)
    if i >= 0:
        box.setCurrentIndex(i)


def pointer_devices() -> list[tuple[str, str]]:
    """(name, type) of every pointing device Qt knows — read on the UI thread, where QInputDevice lives."""
    return [(d.name(), d.type().name) for d in QInputDevice.devices()]


class DeviceSettingsDialog(QDialog):
    saved = Signal(object)  # DeviceSettings

    def __init__(self, ctx: AppContext, ops: Operations, actor: Actor, bridge: DeviceBridge,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.ops, self.actor, self.bridge = ctx, ops, actor, bridge
        self.setObjectName("device_settings_dialog")
        self.setWindowTitle("设备设置 — 身份证阅读器、高拍仪、签名板")
        resize_within_screen(self, 780, 600)
        self.results: dict[str, QLabel] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self._build()
        self._load(device_settings(ctx) or DeviceSettings())
        bridge.tested.connect(self._on_tested)
        ops.run_read(serial_ports, self._show_ports, lambda _exc: None)

    # --- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel("为本窗口选择设备驱动和端口。“测试设备”会真的连接设备试一次（不影响正在办理的业务），"
                       "保存后立即生效。")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        box, form = self._group("身份证阅读器", "idcard")
        self.id_form = form
        self.id_driver = _combo(READER_DRIVERS, "device_id_driver", "阅读器驱动")
        self.id_port = named(QComboBox(), "device_id_port", "阅读器端口")
        self.id_port.setEditable(True)
        self.id_port.lineEdit().setPlaceholderText("COM3、/dev/ttyUSB0；厂商驱动填 1001–1016")
        self.id_baud = named(QComboBox(), "device_id_baud", "波特率")
        for rate in BAUD_RATES:
            self.id_baud.addItem(str(rate), rate)
        self.id_vendor = _combo(VENDOR_LIBRARIES, "device_id_vendor", "厂商驱动库")
        self.id_card = _combo({k: SAMPLE_CARD_LABELS.get(k, k) for k in SAMPLE_CARDS}, "device_id_card", "示例证件")
        form.addRow("驱动", self.id_driver)
        form.addRow("端口", self.id_port)
        form.addRow("波特率", self.id_baud)
        form.addRow("厂商驱动库", self.id_vendor)
        form.addRow("示例证件", self.id_card)
        self._finish_group(form, "idcard")
        layout.addWidget(box)
        self.id_driver.currentIndexChanged.connect(self._driver_fields)

        box, form = self._group("高拍仪", "camera")
        self.cam_form = form
        self.cam_driver = _combo(CAMERA_DRIVERS, "device_camera_driver", "高拍仪驱动")
        self.cam_folder = named(QLineEdit(), "device_camera_folder", "模拟高拍仪的图片文件夹")
        self.cam_folder.setPlaceholderText("留空：使用自带的示例页面")
        self.cam_device = named(QLineEdit(), "device_camera_id", "摄像头编号或名称")
        self.cam_device.setPlaceholderText("留空：系统默认摄像头")
        self.cam_quality = named(QSpinBox(), "device_camera_quality", "图片质量")
        self.cam_quality.setRange(30, 100)
        form.addRow("驱动", self.cam_driver)
        form.addRow("图片文件夹", self.cam_folder)
        form.addRow("摄像头", self.cam_device)
        form.addRow("图片质量", self.cam_quality)
        self._finish_group(form, "camera")
        layout.addWidget(box)
        self.cam_driver.currentIndexChanged.connect(self._driver_fields)

        box, form = self._group("签名板", "signature")
        note = QLabel("领取人在签名板（手写笔、触摸屏）上签名；没有签名板时可用鼠标签名。")
        note.setWordWrap(True)
        form.addRow(note)
        self._finish_group(form, "signature")
        layout.addWidget(box)

        self.message = named(QLabel(""), "device_settings_message", "设置提示")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = named(QPushButton("保存"), "device_settings_save", "保存设备设置")
        self.save_button.clicked.connect(self.save)
        close = named(QPushButton("关闭"), "device_settings_close", "关闭")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def _group(self, title: str, kind: str) -> tuple[QGroupBox, QFormLayout]:
        box = named(QGroupBox(title), f"device_group_{kind}", title)
        return box, QFormLayout(box)

    def _finish_group(self, form: QFormLayout, kind: str) -> None:
        button = named(QPushButton(TEST_BUTTON_TEXT), f"device_test_{kind}", f"测试{form.parentWidget().title()}")
        button.clicked.connect(lambda _=False, k=kind: self.test(k))
        result = named(QLabel(""), f"device_result_{kind}", f"{form.parentWidget().title()}测试结果")
        result.setWordWrap(True)
        result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result.setMinimumWidth(520)
        # The sentence on a row of its own: a word-wrapped label beside a button in a form row
        # is given one line's height and its second line cut off.
        form.addRow(button, result)
        self.test_buttons[kind], self.results[kind] = button, result

    # --- values ------------------------------------------------------------------------
    def _load(self, s: DeviceSettings) -> None:
        _select(self.id_driver, s.idcard.driver)
        self.id_port.setEditText(s.idcard.port)
        _select(self.id_baud, s.idcard.baudrate)
        _select(self.id_vendor, s.idcard.vendor_library)
        _select(self.id_card, s.idcard.simulator_card)
        _select(self.cam_driver, s.camera.driver)
        self.cam_folder.setText(s.camera.folder)
        self.cam_device.setText(s.camera.device_id)
        self.cam_quality.setValue(s.camera.quality)
        self._base = s
        self._driver_fields()

    def _show_ports(self, ports: list[tuple[str, str]]) -> None:
        typed = self.id_port.currentText()
        for device, description in ports:
            if self.id_port.findData(device) < 0:
                self.id_port.addItem(f"{device}（{description}）" if description != device else device, device)
        self.id_port.setEditText(typed)

    def _port(self) -> str:
        text = self.id_port.currentText().strip()
        i = self.id_port.findText(text)
        return str(self.id_port.itemData(i)) if i >= 0 and self.id_port.itemData(i) else text

    def settings(self) -> DeviceSettings:
        """What the form says now (tested and saved as is)."""
        base = self._base
        idcard = IdReaderSettings(driver=self.id_driver.currentData(), port=self._port(),
                                  baudrate=int(self.id_baud.currentData()), vendor_library=self.id_vendor.currentData(),
                                  timeout_s=base.idcard.timeout_s, simulator_card=self.id_card.currentData())
        camera = CameraSettings(driver=self.cam_driver.currentData(), folder=self.cam_folder.text().strip(),
                                device_id=self.cam_device.text().strip(), quality=self.cam_quality.value(),
                                crop=base.camera.crop)
        return DeviceSettings(idcard, camera)

    def _driver_fields(self) -> None:
        """Only the fields the chosen driver uses (the dialog must fit a 1366×768 screen)."""
        driver = self.id_driver.currentData()
        self.id_form.setRowVisible(self.id_port, driver in ("sam", "vendor"))
        self.id_form.setRowVisible(self.id_baud, driver == "sam")
        self.id_form.setRowVisible(self.id_vendor, driver == "vendor")
        self.id_form.setRowVisible(self.id_card, driver == "simulator")
        self.test_buttons["idcard"].setEnabled(driver != "none" and "idcard" not in self._testing)
        cam = self.cam_driver.currentData()
        self.cam_form.setRowVisible(self.cam_folder, cam == "folder")
        self.cam_form.setRowVisible(self.cam_device, cam == "qt")
        self.cam_form.setRowVisible(self.cam_quality, cam != "none")

    @property
    def _testing(self) -> set[str]:
        return {k for k, b in self.test_buttons.items() if b.property("testing")}

    # --- 测试设备 ------------------------------------------------------------------------
    def test(self, kind: str) -> bool:
        """Start the real test of `kind` off the UI thread; the sentence arrives on bridge.tested."""
        s = self.settings()
        if kind == "idcard":
            if s.idcard.driver == "sam" and not s.idcard.port:
                self._show_result(kind, False, "请先填写阅读器所在的串口，例如 COM3 或 /dev/ttyUSB0。")
                return False
            job = lambda: check_id_reader(s.idcard)  # noqa: E731
        elif kind == "camera":
            job = lambda: check_camera(s.camera)  # noqa: E731
        else:
            seen = pointer_devices()
            job = lambda: check_signature_pad(seen)  # noqa: E731
        button = self.test_buttons[kind]
        button.setProperty("testing", True)
        button.setEnabled(False)
        button.setText("正在测试…")
        self._show_result(kind, None, "正在连接设备，请稍候（最长约 10 秒，窗口可照常使用）…")
        started = self.bridge.run_test(kind, job, timeout_s=TEST_TIMEOUT_S[kind])
        if not started and button.property("testing") and not self.results[kind].property("answered"):
            self._done(kind)
            self._show_result(kind, False, "上一次测试仍在进行，请稍候再试。")
        return started

    def _on_tested(self, kind: str, ok: bool, sentence: str) -> None:
        if kind not in self.test_buttons:
            return
        self._done(kind)
        self._show_result(kind, ok, sentence)

    def _done(self, kind: str) -> None:
        button = self.test_buttons[kind]
        button.setProperty("testing", False)
        button.setText(TEST_BUTTON_TEXT)
        self._driver_fields()
        button.setEnabled(kind != "idcard" or self.id_driver.currentData() != "none")

    def _show_result(self, kind: str, ok: bool | None, sentence: str) -> None:
        label = self.results[kind]
        colour = {True: "#1f7a3a", False: "#a12a2a", None: "#555555"}[ok]
        mark = {True: "✓ ", False: "✗ ", None: ""}[ok]
        label.setStyleSheet(f"color:{colour};")
        label.setText(mark + sentence)
        label.setProperty("ok", ok)
        label.setProperty("answered", ok is not None)

    # --- 保存 ----------------------------------------------------------------------------
    def save(self) -> None:
        s = self.settings()
        found = problems(s)
        if found:
            show_message(self.message, "\n".join(found), "error")
            return
        self.save_button.setEnabled(False)
        self.ops.run_write(lambda: save_device_settings(self.ctx, self.actor, s.to_dict()),
                           lambda _value: self._saved(s), self._save_failed)

    def _save_failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        show_message(self.message, error_text(exc), "error")

    def _saved(self, s: DeviceSettings) -> None:
        self.save_button.setEnabled(True)
        notes = []
        try:
            self.bridge.set_reader(None if s.idcard.driver == "none" else open_id_reader(s.idcard))
        except DeviceError as err:
            self.bridge.set_reader(None)
            notes.append(f"阅读器未能启用：{err.message}")
        try:
            self.bridge.set_camera(open_camera(s.camera))
        except DeviceError as err:
            self.bridge.set_camera(None)
            notes.append(f"高拍仪未能启用：{err.message}")
        show_message(self.message, "设备设置已保存，已生效。" + "".join(notes), "warn" if notes else "ok")
        self.saved.emit(s)

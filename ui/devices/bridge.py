"""Device work off the UI thread; results only as Qt signals (like ui/sync/bridge.py).

A read or a capture runs in its own daemon thread; its outcome is emitted on a carrier QObject
living in the GUI thread, so slots run there through a queued connection and widgets are only
touched by the GUI thread. Each job has a watchdog timer (the driver's own timeout plus a
grace period): a driver that never returns — a vendor DLL stuck in a call, a port that hangs —
is abandoned with a clear message, its device is closed from a helper thread, and its late
result is ignored. Daemon threads rather than QThreadPool because a pool waits for every job
when it is destroyed: one hung DLL call would then freeze the window on exit.

States per device kind ("idcard", "camera"): off (not configured), idle, busy, error.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from devices.camera.base import DEFAULT_CAPTURE_TIMEOUT_S, DocumentCamera
from devices.errors import DeviceError
from devices.idcard.reader import DEFAULT_READ_TIMEOUT_S, IdCardReader

log = logging.getLogger("clerkdesk.ui.devices")

KIND_LABELS = {"idcard": "身份证阅读器", "camera": "高拍仪", "signature": "签名板"}
STATE_LABELS = {"off": "未配置", "idle": "就绪", "busy": "工作中", "error": "故障"}
# Failures that say the device itself is not working (status light red); the others (no card
# on the reader, card moved) are the applicant's, and the device stays ready.
FAULT_CODES = {"DEVICE_GONE", "DEVICE_OPEN_FAILED", "DEVICE_UNSUPPORTED", "DEVICE_TIMEOUT", "DEVICE_BUSY",
               "DEVICE_INTERNAL", "IDCARD_TIMEOUT", "IDCARD_FRAME", "IDCARD_MODULE", "CAMERA_UNAVAILABLE",
               "CAMERA_NOT_FOUND", "CAMERA_TIMEOUT"}
DEFAULT_GRACE_S = 3.0


class _Carrier(QObject):
    finished = Signal(str, int, object)  # slot, job id, value
    errored = Signal(str, int, str, str)  # slot, job id, code, message


@dataclass
class _Job:
    id: int
    kind: str
    timer: QTimer
    thread: threading.Thread
    device: Any
    deliver: Callable[[Any], None]
    fail: Callable[[str, str], None]


def _close_quietly(device: Any) -> None:
    try:
        device.close()
    except Exception:  # noqa: BLE001 — closing a broken device is best effort
        log.warning("closing %r failed", device, exc_info=True)


class DeviceBridge(QObject):
    card_read = Signal(object)  # devices.idcard.IdCard
    page_captured = Signal(object)  # devices.camera.CapturedPage
    failed = Signal(str, str)  # code, message (Chinese, for the clerk)
    state_changed = Signal(str, str)  # kind, state
    tested = Signal(str, bool, str)  # kind, ok, sentence — the settings dialog's "test device"

    def __init__(self, reader: IdCardReader | None = None, camera: DocumentCamera | None = None, *,
                 read_timeout_s: float = DEFAULT_READ_TIMEOUT_S, capture_timeout_s: float = DEFAULT_CAPTURE_TIMEOUT_S,
                 grace_s: float = DEFAULT_GRACE_S, parent: QObject | None = None):
        super().__init__(parent)
        self.read_timeout_s = read_timeout_s
        self.capture_timeout_s = capture_timeout_s
        self.grace_s = grace_s
        self._devices: dict[str, Any] = {"idcard": reader, "camera": camera}
        self._states = {kind: "idle" if dev is not None else "off" for kind, dev in self._devices.items()}
        self._jobs: dict[str, _Job] = {}  # by slot: "idcard", "camera", "test-idcard", …
        self._stuck: dict[str, threading.Thread] = {}  # abandoned jobs' threads, by kind
        self._ids = itertools.count(1)
        self._closed = False
        self._carrier = _Carrier(self)
        self._carrier.finished.connect(self._on_finished)
        self._carrier.errored.connect(self._on_errored)

    # --- what the window calls -----------------------------------------------------------
    def state(self, kind: str) -> str:
        return self._states[kind]

    def busy(self, kind: str) -> bool:
        return kind in self._jobs

    @property
    def reader(self) -> IdCardReader | None:
        return self._devices["idcard"]

    @property
    def camera(self) -> DocumentCamera | None:
        return self._devices["camera"]

    def set_reader(self, reader: IdCardReader | None) -> None:
        self._replace("idcard", reader)

    def set_camera(self, camera: DocumentCamera | None) -> None:
        self._replace("camera", camera)

    def read_card(self, timeout_s: float | None = None) -> bool:
        """Start a read (F4). Returns False when it cannot start (not configured, already reading,
        a previous read still hung); the reason is emitted on `failed` unless it is a repeat key press."""
        t = self.read_timeout_s if timeout_s is None else timeout_s
        return self._start("idcard", "idcard", lambda dev: dev.read(t), t, self.card_read.emit,
                           self.failed.emit)

    def capture_page(self, timeout_s: float | None = None) -> bool:
        """Start a capture (F6); the page arrives on `page_captured`."""
        t = self.capture_timeout_s if timeout_s is None else timeout_s
        return self._start("camera", "camera", lambda dev: dev.capture(t), t, self.page_captured.emit,
                           self.failed.emit)

    def run_test(self, kind: str, test: Callable[[], Any], timeout_s: float = 10.0) -> bool:
        """Run a settings test (ui.devices.device_settings.check_id_reader / check_camera) off the UI
        thread; the outcome arrives on `tested(kind, ok, sentence)`. The live device is closed
        first so the test can open the same port; it reopens on its next use."""
        live = self._devices.get(kind)

        def work(_device: Any) -> Any:
            if live is not None:
                _close_quietly(live)
            return test()

        return self._start(f"test-{kind}", kind, work, timeout_s,
                           lambda r: self.tested.emit(kind, bool(r.ok), str(r.sentence)),
                           lambda code, msg: self.tested.emit(kind, False, f"测试未通过：{msg}（{code}）"),
                           device=live, guard_busy=True)

    def shutdown(self) -> None:
        """On close: stop watching, ignore late results, release the devices without waiting."""
        self._closed = True
        for job in self._jobs.values():
            job.timer.stop()
        self._jobs.clear()
        for device in self._devices.values():
            if device is not None:
                threading.Thread(target=_close_quietly, args=(device,), daemon=True).start()

    # --- internals -----------------------------------------------------------------------
    def _set_state(self, kind: str, state: str) -> None:
        if self._states.get(kind) != state:
            self._states[kind] = state
            self.state_changed.emit(kind, state)

    def _replace(self, kind: str, device: Any) -> None:
        old = self._devices.get(kind)
        if old is not None and old is not device:
            threading.Thread(target=_close_quietly, args=(old,), daemon=True).start()
        self._devices[kind] = device
        self._stuck.pop(kind, None)
        if kind not in self._jobs:
            self._set_state(kind, "idle" if device is not None else "off")

    def _start(self, slot: str, kind: str, call: Callable[[Any], Any], timeout_s: float,
               deliver: Callable[[Any], None], fail: Callable[[str, str], None], *, device: Any = None,
               guard_busy: bool = False) -> bool:
        if self._closed:
            return False
        if slot in self._jobs:
            return False  # the same key pressed twice: the first read is still on its way
        label = KIND_LABELS[kind]
        if not slot.startswith("test-"):
            device = self._devices.get(kind)
            if device is None:
                fail("DEVICE_NOT_CONFIGURED", f"本窗口没有设置{label}。请在“设备设置”中选择驱动和端口。")
                return False
        if not slot.startswith("test-") and f"test-{kind}" in self._jobs:
            fail("DEVICE_BUSY", f"正在测试{label}，请稍候。")
            return False
        if guard_busy and kind in self._jobs:
            fail("DEVICE_BUSY", f"{label}正在使用中，请稍后再测试。")
            return False
        stuck = self._stuck.get(kind)
        if stuck is not None and stuck.is_alive():
            fail("DEVICE_BUSY", f"{label}上一次操作仍无响应。请拔下{label}再插上；如仍不行，请重启受理台。")
            return False
        job_id = next(self._ids)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._on_watchdog(slot, job_id))
        thread = threading.Thread(target=self._work, args=(slot, job_id, call, device), daemon=True,
                                  name=f"device-{slot}")
        self._jobs[slot] = _Job(job_id, kind, timer, thread, device, deliver, fail)
        self._set_state(kind, "busy")
        timer.start(int((timeout_s + self.grace_s) * 1000))
        thread.start()
        return True

    def _work(self, slot: str, job_id: int, call: Callable[[Any], Any], device: Any) -> None:
        """Runs in the job's own thread: never touches widgets, only emits."""
        try:
            try:
                value = call(device)
            except DeviceError as err:
                self._carrier.errored.emit(slot, job_id, err.code, err.message)
            except Exception:  # noqa: BLE001 — a driver bug must reach the clerk as a message, not kill the thread
                log.exception("device job %s failed", slot)
                self._carrier.errored.emit(slot, job_id, "DEVICE_INTERNAL",
                                           "设备程序出错，请重试；如仍失败，请联系信息中心。")
            else:
                self._carrier.finished.emit(slot, job_id, value)
        except RuntimeError:
            pass  # the bridge was deleted while the device was working: nobody is listening

    def _take(self, slot: str, job_id: int) -> _Job | None:
        job = self._jobs.get(slot)
        if job is None or job.id != job_id or self._closed:
            return None  # abandoned by the watchdog, or the window is closing
        del self._jobs[slot]
        job.timer.stop()
        job.timer.deleteLater()
        return job

    @Slot(str, int, object)
    def _on_finished(self, slot: str, job_id: int, value: object) -> None:
        job = self._take(slot, job_id)
        if job is None:
            return
        self._set_state(job.kind, "idle" if self._devices.get(job.kind) is not None else "off")
        job.deliver(value)

    @Slot(str, int, str, str)
    def _on_errored(self, slot: str, job_id: int, code: str, message: str) -> None:
        job = self._take(slot, job_id)
        if job is None:
            return
        fault = code in FAULT_CODES
        self._set_state(job.kind, "error" if fault else ("idle" if self._devices.get(job.kind) is not None else "off"))
        job.fail(code, message)

    def _on_watchdog(self, slot: str, job_id: int) -> None:
        job = self._jobs.get(slot)
        if job is None or job.id != job_id:
            return
        del self._jobs[slot]
        job.timer.deleteLater()
        log.error("device job %s did not return in time; abandoned", slot)
        self._stuck[job.kind] = job.thread
        if job.device is not None:
            # Closing cancels a serial read in progress; a hung DLL call may ignore it, so never here.
            threading.Thread(target=_close_quietly, args=(job.device,), daemon=True).start()
        self._set_state(job.kind, "error")
        label = KIND_LABELS[job.kind]
        job.fail("DEVICE_TIMEOUT", f"{label}没有响应，已停止等待。请检查{label}的连线和电源后重试。")

"""A real document camera (高拍仪) through Qt Multimedia: almost all of them are UVC cameras,
which Qt's camera backends (FFmpeg/V4L2 on Linux, Media Foundation on Windows) drive without
vendor software. QtMultimedia is imported only when a QtCamera is made, so a terminal without
the multimedia libraries still starts and can use the folder simulator.

UNTESTED HERE against a camera: the test machines have none, and QtMultimedia does not even
load there (libpulse is missing) — the tests check only that this gives CAMERA_UNAVAILABLE or
CAMERA_NOT_FOUND with a Chinese message instead of crashing. Try it on a terminal with a
camera before relying on it.

Threading: QCamera and QImageCapture live in their own QThread with an event loop (Qt
delivers their signals there). `capture()` may be called from any other thread: it posts a
request to the camera thread and waits for the picture; the JPEG compression then runs in
the caller's thread. Do not call it from the UI thread (the bridge never does).
"""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from devices.camera.base import DEFAULT_CAPTURE_TIMEOUT_S, DEFAULT_QUALITY, CapturedPage, Crop, encode_page
from devices.errors import DeviceError, device_gone


def _multimedia() -> Any:
    try:
        from PySide6 import QtMultimedia
    except ImportError as exc:
        raise DeviceError("CAMERA_UNAVAILABLE",
                          "本机的 Qt 多媒体组件无法加载，不能使用高拍仪（缺少系统音视频库）。请联系信息中心，或暂用模拟高拍仪。",
                          str(exc)) from exc
    return QtMultimedia


def list_cameras() -> list[tuple[str, str]]:
    """(id, description) of every camera the system offers, for the settings dialog."""
    mm = _multimedia()
    return [(bytes(d.id().data()).decode(errors="replace"), d.description()) for d in mm.QMediaDevices.videoInputs()]


def _pick_device(mm: Any, device_id: str) -> Any:
    devices = mm.QMediaDevices.videoInputs()
    if not devices:
        raise DeviceError("CAMERA_NOT_FOUND", "没有找到高拍仪（摄像头）。请检查高拍仪的 USB 连线后重试。")
    if not device_id:
        default = mm.QMediaDevices.defaultVideoInput()
        return default if not default.isNull() else devices[0]
    for d in devices:
        if bytes(d.id().data()).decode(errors="replace") == device_id or d.description() == device_id:
            return d
    names = "、".join(d.description() for d in devices)
    raise DeviceError("CAMERA_NOT_FOUND", f"没有找到设置中指定的高拍仪“{device_id}”。本机可用的有：{names}。")


def _pick_format(device: Any, resolution: tuple[int, int] | None) -> Any | None:
    """The smallest format at least as large as asked for, else the largest there is."""
    formats = list(device.videoFormats())
    if not formats:
        return None

    def area(f: Any) -> int:
        return f.resolution().width() * f.resolution().height()

    if resolution:
        w, h = resolution
        big_enough = [f for f in formats if f.resolution().width() >= w and f.resolution().height() >= h]
        if big_enough:
            return min(big_enough, key=area)
    return max(formats, key=area)


class _CameraWorker(QObject):
    """Lives in the camera thread; all Qt Multimedia objects are created and used there."""

    request = Signal(int)
    shutdown_requested = Signal()

    def __init__(self, device: Any, resolution: tuple[int, int] | None):
        super().__init__()
        self._device, self._resolution = device, resolution
        self.pending: dict[int, Future] = {}
        self.lock = threading.Lock()
        self.started = threading.Event()
        self.start_error: DeviceError | None = None
        self._by_qt_id: dict[int, int] = {}
        self._waiting_ready: list[int] = []
        self.request.connect(self._capture)
        self.shutdown_requested.connect(self._shutdown)

    @Slot()
    def setup(self) -> None:
        try:
            mm = _multimedia()
            self._camera = mm.QCamera(self._device)
            fmt = _pick_format(self._device, self._resolution)
            if fmt is not None:
                self._camera.setCameraFormat(fmt)
            self._capture_obj = mm.QImageCapture()
            self._capture_obj.setQuality(mm.QImageCapture.Quality.VeryHighQuality)
            self._session = mm.QMediaCaptureSession()
            self._session.setCamera(self._camera)
            self._session.setImageCapture(self._capture_obj)
            self._capture_obj.imageAvailable.connect(self._on_frame)
            self._capture_obj.errorOccurred.connect(self._on_capture_error)
            self._capture_obj.readyForCaptureChanged.connect(self._on_ready)
            self._camera.errorOccurred.connect(self._on_camera_error)
            self._camera.start()
        except DeviceError as err:
            self.start_error = err
        except Exception as exc:  # noqa: BLE001 — any backend failure must become a message, not a dead thread
            self.start_error = DeviceError("CAMERA_UNAVAILABLE", "高拍仪无法启动，请检查连线后重试。", repr(exc))
        finally:
            self.started.set()

    def _fail(self, request_id: int, error: DeviceError) -> None:
        with self.lock:
            fut = self.pending.pop(request_id, None)
        if fut is not None and not fut.done():
            fut.set_exception(error)

    @Slot(int)
    def _capture(self, request_id: int) -> None:
        if not self._capture_obj.isReadyForCapture():
            self._waiting_ready.append(request_id)  # taken when readyForCaptureChanged(True) arrives
            return
        qt_id = self._capture_obj.capture()
        if qt_id < 0:
            self._fail(request_id, DeviceError("CAMERA_BAD_IMAGE", "高拍仪拍照失败，请重拍。",
                                               self._capture_obj.errorString()))
        else:
            self._by_qt_id[qt_id] = request_id

    @Slot(bool)
    def _on_ready(self, ready: bool) -> None:
        if ready:
            waiting, self._waiting_ready = self._waiting_ready, []
            for request_id in waiting:
                self._capture(request_id)

    def _on_frame(self, qt_id: int, frame: Any) -> None:
        request_id = self._by_qt_id.pop(qt_id, None)
        if request_id is None:
            return
        image: QImage = frame.toImage()
        with self.lock:
            fut = self.pending.pop(request_id, None)
        if fut is not None and not fut.done():
            fut.set_result(image.copy())  # detach from the frame's buffer before it is reused

    def _on_capture_error(self, qt_id: int, _error: Any, text: str) -> None:
        request_id = self._by_qt_id.pop(qt_id, None)
        if request_id is not None:
            self._fail(request_id, DeviceError("CAMERA_BAD_IMAGE", "高拍仪拍照失败，请重拍。", text))

    def _on_camera_error(self, _error: Any, text: str) -> None:
        with self.lock:
            ids = list(self.pending)
        for request_id in ids:
            self._fail(request_id, device_gone("高拍仪", text))

    @Slot()
    def _shutdown(self) -> None:
        camera = getattr(self, "_camera", None)
        if camera is not None:
            camera.stop()
        QThread.currentThread().quit()


class QtCamera:
    """A UVC document camera. device_id: the Qt camera id or description ('' = system default);
    resolution: the smallest mode at least this large is chosen (else the largest)."""

    _ids = itertools.count(1)

    def __init__(self, device_id: str = "", *, quality: int = DEFAULT_QUALITY, crop: Crop | None = None,
                 resolution: tuple[int, int] | None = (2592, 1944), start_timeout_s: float = 10.0):
        mm = _multimedia()
        device = _pick_device(mm, device_id)
        self.description = device.description()
        self.quality, self.crop = quality, crop
        self._thread = QThread()
        self._thread.setObjectName("document-camera")
        self._worker = _CameraWorker(device, resolution)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.setup)
        self._thread.start()
        if not self._worker.started.wait(start_timeout_s):
            self.close()
            raise DeviceError("CAMERA_TIMEOUT", "高拍仪启动超时，请检查连线后重试。")
        if self._worker.start_error is not None:
            self.close()
            raise self._worker.start_error

    def capture(self, timeout_s: float = DEFAULT_CAPTURE_TIMEOUT_S) -> CapturedPage:
        if QThread.currentThread() == self._thread:
            raise RuntimeError("QtCamera.capture() called from the camera thread would wait for itself")
        request_id = next(self._ids)
        fut: Future = Future()
        with self._worker.lock:
            self._worker.pending[request_id] = fut
        self._worker.request.emit(request_id)
        try:
            image = fut.result(timeout=timeout_s)
        except FutureTimeout:
            with self._worker.lock:
                self._worker.pending.pop(request_id, None)
            raise DeviceError("CAMERA_TIMEOUT", f"高拍仪在 {timeout_s:g} 秒内没有拍到画面，请检查连线后重拍。") from None
        return encode_page(image, self.quality, self.crop)

    def close(self) -> None:
        if self._thread.isRunning():
            self._worker.shutdown_requested.emit()
            if not self._thread.wait(3000):
                self._thread.quit()
                self._thread.wait(1000)

    def __repr__(self) -> str:
        return f"QtCamera({self.description!r})"

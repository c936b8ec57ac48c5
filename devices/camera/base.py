"""The camera interface and the one place a picture becomes a stored page (crop + JPEG)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect
from PySide6.QtGui import QImage, QPainter

from devices.errors import DeviceError

DEFAULT_QUALITY = 85  # text stays crisp; an A4 page at 150 dpi lands around 100–300 KB
DEFAULT_CAPTURE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Crop:
    """A rectangle in the captured picture's pixels (e.g. the paper on the camera's base plate)."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, repr=False)
class CapturedPage:
    jpeg: bytes
    width: int
    height: int

    mime_type = "image/jpeg"

    @property
    def sha256(self) -> str:
        """The content hash attachments are keyed and de-duplicated by."""
        return hashlib.sha256(self.jpeg).hexdigest()

    @property
    def size(self) -> int:
        return len(self.jpeg)

    def __repr__(self) -> str:
        return f"CapturedPage({self.width}x{self.height}, {len(self.jpeg)} bytes)"


@runtime_checkable
class DocumentCamera(Protocol):
    """`capture` blocks until a page is taken (run it off the UI thread) and raises DeviceError."""

    def capture(self, timeout_s: float = DEFAULT_CAPTURE_TIMEOUT_S) -> CapturedPage: ...

    def close(self) -> None: ...


def encode_page(image: QImage, quality: int = DEFAULT_QUALITY, crop: Crop | None = None) -> CapturedPage:
    """Crop (clipped to the picture) and compress to JPEG. QImage is reentrant: safe off the UI thread."""
    if image.isNull():
        raise DeviceError("CAMERA_BAD_IMAGE", "高拍仪没有拍到画面，请重拍。")
    if not 1 <= quality <= 100:
        raise ValueError(f"JPEG quality {quality} outside 1..100")
    if crop is not None:
        area = QRect(crop.x, crop.y, crop.width, crop.height).intersected(image.rect())
        if area.isEmpty():
            raise DeviceError("CAMERA_CROP", "裁切范围不在画面内，请在设备设置中重新设定裁切范围。",
                              f"crop {crop} on {image.width()}x{image.height()}")
        image = image.copy(area)
    # JPEG has no alpha; converting first avoids a black background where the source was transparent.
    if image.hasAlphaChannel():
        flat = QImage(image.size(), QImage.Format.Format_RGB888)
        flat.fill(0xFFFFFF)
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        image = flat
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPG", quality):
        raise DeviceError("CAMERA_BAD_IMAGE", "页面压缩失败，请重拍。", "QImage.save JPG returned False")
    buffer.close()
    return CapturedPage(bytes(data.data()), image.width(), image.height())

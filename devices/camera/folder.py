"""The document camera simulator: each capture serves the next image of a folder, in name order."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtGui import QImage

from devices.camera.base import DEFAULT_CAPTURE_TIMEOUT_S, DEFAULT_QUALITY, CapturedPage, Crop, encode_page
from devices.errors import DeviceError

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
PICKUP_SAMPLES_DIR = SAMPLES_DIR / "pickup"  # what an agent brings to the pick-up desk: 授权委托书, ID copy
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


class FolderCamera:
    """Serves the folder's images in turn, starting over after the last one; each goes through
    the same crop-and-compress step as a real capture. Default folder: the shipped sample pages."""

    def __init__(self, folder: Path | str | None = None, *, quality: int = DEFAULT_QUALITY, crop: Crop | None = None):
        self.folder = Path(folder) if folder else SAMPLES_DIR
        self.quality = quality
        self.crop = crop
        self._next = 0
        self._lock = threading.Lock()

    def images(self) -> list[Path]:
        if not self.folder.is_dir():
            raise DeviceError("CAMERA_NOT_FOUND", f"模拟高拍仪的图片文件夹不存在：{self.folder}", str(self.folder))
        return sorted(f for f in self.folder.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES and f.is_file())

    def capture(self, timeout_s: float = DEFAULT_CAPTURE_TIMEOUT_S) -> CapturedPage:
        files = self.images()
        if not files:
            raise DeviceError("CAMERA_EMPTY", f"模拟高拍仪的文件夹里没有图片：{self.folder}", str(self.folder))
        with self._lock:
            path = files[self._next % len(files)]
            self._next += 1
        image = QImage(str(path))
        if image.isNull():
            raise DeviceError("CAMERA_BAD_IMAGE", f"图片无法打开：{path.name}", str(path))
        return encode_page(image, self.quality, self.crop)

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"FolderCamera({str(self.folder)!r})"

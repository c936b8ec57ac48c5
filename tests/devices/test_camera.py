"""The document camera: the folder simulator's pages are real JPEGs, cropping works, failures
are messages. (QtCamera cannot capture here: no camera and no multimedia backend.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from devices.camera import SAMPLES_DIR, Crop, FolderCamera, encode_page
from devices.errors import DeviceError


def decode(page) -> QImage:
    image = QImage.fromData(page.jpeg)
    assert not image.isNull(), "not a decodable image"
    return image


def test_shipped_samples_are_small():
    files = sorted(SAMPLES_DIR.glob("*.jpg"))
    assert 2 <= len(files) <= 3
    assert all(f.stat().st_size < 60_000 for f in files)


def test_folder_camera_serves_each_page_in_turn_as_jpeg():
    cam = FolderCamera()
    pages = [cam.capture() for _ in range(4)]
    for page in pages:
        image = decode(page)
        assert (image.width(), image.height()) == (page.width, page.height) == (900, 1240)
        assert page.jpeg[:3] == b"\xff\xd8\xff" and page.mime_type == "image/jpeg"
    assert len({pg.sha256 for pg in pages[:3]}) == 3  # three different pages
    assert pages[3].sha256 == pages[0].sha256  # then it starts over


def test_crop_keeps_only_the_paper():
    page = FolderCamera(crop=Crop(40, 40, 820, 1160)).capture()
    image = decode(page)
    assert (page.width, page.height) == (image.width(), image.height()) == (820, 1160)
    # The uncropped corner is the camera's dark base plate; the cropped corner is paper.
    full = decode(FolderCamera().capture())
    assert QColor(full.pixel(5, 5)).lightness() < 100
    assert QColor(image.pixel(5, 5)).lightness() > 200


def test_crop_is_clipped_to_the_picture_and_outside_is_an_error():
    page = FolderCamera(crop=Crop(800, 1200, 500, 500)).capture()
    assert (page.width, page.height) == (100, 40)
    with pytest.raises(DeviceError) as e:
        FolderCamera(crop=Crop(5000, 5000, 10, 10)).capture()
    assert e.value.code == "CAMERA_CROP" and "裁切" in e.value.message


def test_lower_quality_gives_smaller_pages():
    small = FolderCamera(quality=30).capture()
    large = FolderCamera(quality=95).capture()
    assert small.size < large.size


def test_transparent_source_gets_a_white_background():
    image = QImage(40, 30, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    page = encode_page(image)
    assert QColor(decode(page).pixel(10, 10)).lightness() > 240


def test_empty_missing_and_broken_folders(tmp_path):
    with pytest.raises(DeviceError) as e:
        FolderCamera(tmp_path).capture()
    assert e.value.code == "CAMERA_EMPTY"
    with pytest.raises(DeviceError) as e:
        FolderCamera(tmp_path / "nowhere").capture()
    assert e.value.code == "CAMERA_NOT_FOUND"
    (tmp_path / "scan.jpg").write_bytes(b"not a picture")
    with pytest.raises(DeviceError) as e:
        FolderCamera(tmp_path).capture()
    assert e.value.code == "CAMERA_BAD_IMAGE" and "scan.jpg" in e.value.message


def test_qt_camera_without_camera_or_backend_is_a_clear_device_error(qapp):
    from devices.camera.qt_camera import QtCamera

    with pytest.raises(DeviceError) as e:
        QtCamera()
    assert e.value.code in {"CAMERA_UNAVAILABLE", "CAMERA_NOT_FOUND"}
    assert "高拍仪" in e.value.message

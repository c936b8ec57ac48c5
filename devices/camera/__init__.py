"""高拍仪 (document camera): capture a page as a compressed image.

    from devices.camera import FolderCamera, CapturedPage, Crop
    from devices.camera.qt_camera import QtCamera   # a UVC camera via Qt Multimedia (imports it lazily)
"""

from devices.camera.base import CapturedPage, Crop, DocumentCamera, encode_page
from devices.camera.folder import SAMPLES_DIR, FolderCamera

__all__ = ["SAMPLES_DIR", "CapturedPage", "Crop", "DocumentCamera", "FolderCamera", "encode_page"]

"""The counter's devices as this terminal's settings say (setting "devices", JSON of
DeviceSettings); a demo or training terminal without settings gets the simulators, a real one
gets nothing until an administrator configures it — never a fake reader in production."""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QObject

from app.context import AppContext
from devices.errors import DeviceError
from ui.devices.bridge import DeviceBridge
from ui.devices.device_settings import DeviceSettings, open_camera, open_id_reader

log = logging.getLogger("clerkdesk.ui.devices")


def device_settings(ctx: AppContext) -> DeviceSettings | None:
    raw = ctx.settings.get("devices")
    if raw:
        try:
            return DeviceSettings.from_dict(json.loads(raw))
        except (ValueError, TypeError):
            log.warning("device settings unreadable, devices off")
            return None
    return DeviceSettings() if ctx.settings.get("demo") == "1" else None


def open_devices(ctx: AppContext, parent: QObject | None = None) -> DeviceBridge:
    settings = device_settings(ctx)
    reader = camera = None
    if settings is not None:
        try:
            reader = None if settings.idcard.driver == "none" else open_id_reader(settings.idcard)
        except DeviceError as err:
            log.warning("ID reader not opened: %s %s", err.code, err.message)
        try:
            camera = open_camera(settings.camera)
        except DeviceError as err:
            log.warning("camera not opened: %s %s", err.code, err.message)
    return DeviceBridge(reader, camera, parent=parent)

"""The counter's devices, as this terminal's settings (key "devices", JSON): which ID reader
driver and port, which camera. app/ stores and checks the shape; devices/ and ui/ read it."""

from __future__ import annotations

import json

from app.actor import Actor
from app.changes import OpResult
from app.context import AppContext
from app.permissions import Perm
from app.rules.problems import Problem, RuleError

ID_DRIVERS = ("simulator", "sam", "vendor", "none")
CAMERA_DRIVERS = ("folder", "qt", "none")


def save_device_settings(ctx: AppContext, actor: Actor, settings: dict) -> OpResult[str]:
    """An administrator sets the window's devices; audited; the window picks them up on start."""
    actor.require(Perm.SYNC_CONFIGURE)
    problems = []
    idcard, camera = settings.get("idcard", {}), settings.get("camera", {})
    if not isinstance(idcard, dict) or not isinstance(camera, dict):
        raise RuleError(Problem("DEVICE_SETTINGS_SHAPE", "设备设置格式不对。"))
    if idcard.get("driver", "simulator") not in ID_DRIVERS:
        problems.append(Problem("DEVICE_DRIVER_UNKNOWN", f"不认识的阅读器驱动“{idcard.get('driver')}”。", "driver"))
    if idcard.get("driver") in ("sam", "vendor") and not str(idcard.get("port", "")).strip():
        problems.append(Problem("DEVICE_PORT_MISSING", "请填写阅读器的端口（如 COM3、/dev/ttyUSB0 或 1001）。", "port"))
    if camera.get("driver", "folder") not in CAMERA_DRIVERS:
        problems.append(Problem("DEVICE_DRIVER_UNKNOWN", f"不认识的高拍仪驱动“{camera.get('driver')}”。", "camera"))
    if problems:
        raise RuleError(problems)
    value = json.dumps({"idcard": idcard, "camera": camera}, ensure_ascii=False, sort_keys=True)
    with ctx.unit_of_work(actor) as uow:
        before = uow.put_setting("devices", value)
        uow.audit("settings.change", "setting", "devices", {"from": before, "to": value})
    return OpResult(value, uow.changes.freeze())

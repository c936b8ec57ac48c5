"""The counter's devices (DESIGN.md §3): one small interface per kind, a simulator for each,
real drivers chosen by settings.

- `devices.idcard`: 二代身份证阅读器 — the SAM serial protocol over pyserial, vendor DLLs
  through ctypes (Windows), a byte-exact simulator on a pseudo-terminal and an in-process one.
- `devices.camera`: 高拍仪 — Qt Multimedia for a UVC camera, a folder of images as simulator.
- `devices.signature`: signatures as vectors, rendered to PNG, hashed; a simulated signer.

Nothing here touches the UI or the database: drivers block, and the UI runs them off its
thread (ui/devices/bridge.py). Every failure is a `DeviceError` with a code and a Chinese
sentence for the clerk.
"""

from devices.errors import DeviceError

__all__ = ["DeviceError"]

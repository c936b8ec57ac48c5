"""An administrator sets the window's devices from the command line; the window then opens them
(issue 13 #2: settings per terminal choose the driver and port)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.bootstrap import start_terminal
from app.config import Paths
from app.context import open_context
from app.usecases.setup import DEMO_PASSWORD
from tests.helpers import run_admin
from ui.devices.setup import device_settings


def _admin(data_dir: Path, *args: str, password: str | None = DEMO_PASSWORD) -> subprocess.CompletedProcess:
    return run_admin(["device", "configure", *args], data_dir, password)


def test_configure_stores_the_reader_and_a_missing_port_is_refused_in_chinese(tmp_path) -> None:
    data = tmp_path / "t"
    start_terminal(Paths(data)).close()  # a demo terminal: admin01 is its administrator
    assert _admin(data, "--id-driver", "sam", "--id-port", "COM3", password=None).returncode == 6  # no password
    bad = _admin(data, "--id-driver", "sam")
    assert bad.returncode == 2 and "DEVICE_PORT_MISSING" in bad.stderr and "端口" in bad.stderr
    ok = _admin(data, "--id-driver", "sam", "--id-port", "/dev/ttyUSB0", "--id-baud", "115200")
    assert ok.returncode == 0 and "已保存" in ok.stdout
    ctx = open_context(Paths(data))
    try:
        got = device_settings(ctx)
    finally:
        ctx.close()
    assert got is not None and got.idcard.driver == "sam" and got.idcard.port == "/dev/ttyUSB0"
    assert got.idcard.baudrate == 115200

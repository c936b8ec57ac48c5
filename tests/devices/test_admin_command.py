"""`clerkdesk-admin device read-id` as the admin runs it: the installed console script in a
subprocess, against the simulated reader on a pseudo-terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from devices.idcard.simulator import PtySamSimulator, sample_card
from tests.devices.conftest import needs_pty
from tests.helpers import run_admin

ADMIN = Path(sys.executable).with_name("clerkdesk-admin.exe" if sys.platform == "win32" else "clerkdesk-admin")


def admin(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    # CLERKDESK_DATA_DIR points at a directory that must still not exist afterwards: no stored data
    # touched. No password: reading a card needs no login.
    return run_admin(["device", *args], user=None, command=[str(ADMIN)], env={"CLERKDESK_DATA_DIR": str(data_dir)},
                     timeout=60)


@needs_pty
def test_read_id_prints_the_card_as_json(tmp_path):
    data_dir = tmp_path / "terminal"
    with PtySamSimulator(sample_card("long_term")) as sim:
        out = admin("read-id", "--driver", "sam", "--port", sim.port, "--baud", "115200", "--timeout", "5",
                    data_dir=data_dir)
        commands = list(sim.module.commands)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "name": "巴特尔", "sex": "男", "nation": "蒙古", "birth": "1960-05-12",
        "address": "内蒙古自治区呼和浩特市新城区示例街道8号", "id_number": "150102196005120131",
        "authority": "呼和浩特市公安局新城分局", "valid_from": "2010-08-20", "valid_to": "长期",
    }
    assert "巴特尔" in out.stdout  # ensure_ascii=False: readable Chinese, not \\u escapes
    assert commands[-3:] == [(0x20, 0x01), (0x20, 0x02), (0x30, 0x01)]
    assert not data_dir.exists()


@needs_pty
def test_read_id_without_a_card_fails_with_code_and_chinese_message(tmp_path):
    with PtySamSimulator(sample_card()) as sim:
        sim.module.remove_card()
        out = admin("read-id", "--driver", "sam", "--port", sim.port, "--timeout", "1", data_dir=tmp_path / "d")
    assert out.returncode == 1
    assert out.stdout == ""
    assert "错误 [IDCARD_NO_CARD]：未检测到身份证" in out.stderr


def test_read_id_on_a_missing_port(tmp_path):
    out = admin("read-id", "--driver", "sam", "--port", "/dev/clerkdesk-no-such-port", data_dir=tmp_path / "d")
    assert out.returncode == 1 and "错误 [DEVICE_OPEN_FAILED]" in out.stderr


def test_simulator_driver_reads_the_builtin_card_and_warns_when_expired(tmp_path):
    out = admin("read-id", "--driver", "simulator", "--card", "expired", data_dir=tmp_path / "d")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["name"] == "陈建华"
    assert "警告：身份证已过有效期" in out.stderr


def test_the_vendor_driver_without_its_dll_says_why(tmp_path):
    """Off Windows it cannot run at all; on Windows without the vendor's DLL installed it cannot
    load: either way the admin reads why, with a code, and nothing crashes."""
    out = admin("read-id", "--driver", "vendor", "--port", "1001", data_dir=tmp_path / "d")
    assert out.returncode == 1
    if sys.platform == "win32":
        assert "错误 [DEVICE_OPEN_FAILED]" in out.stderr and "sdtapi.dll" in out.stderr
    else:
        assert "错误 [DEVICE_UNSUPPORTED]" in out.stderr and "Windows" in out.stderr


@needs_pty
def test_test_reader_reports_the_security_module(tmp_path):
    with PtySamSimulator(sample_card()) as sim:
        out = admin("test-reader", "--driver", "sam", "--port", sim.port, data_dir=tmp_path / "d")
    assert out.returncode == 0, out.stderr
    assert "阅读器连接正常" in out.stdout and sim.port in out.stdout


@needs_pty
def test_simulate_command_serves_a_reader_other_tools_can_use(tmp_path):
    env = {**os.environ, "CLERKDESK_DATA_DIR": str(tmp_path / "d"), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([str(ADMIN), "device", "simulate", "--card", "expired", "--seconds", "20"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    try:
        port = proc.stdout.readline().strip()
        assert port.startswith("/dev/")
        out = admin("read-id", "--driver", "sam", "--port", port, data_dir=tmp_path / "d")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["valid_to"] == "2016-04-10" and "已过有效期" in out.stderr

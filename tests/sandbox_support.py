"""The real sandbox platform for tests: a subprocess (`python -m sandbox`) on 127.0.0.1, a free
port, its own data dir. Registered as a pytest plugin (tests/conftest.py), so any test can ask
for the `sandbox` fixture (a fresh platform per test) or `sandbox_module` (one per module).

    def test_something(sandbox):
        reg = sandbox.register_terminal("T-01")
        requests.get(sandbox.url + "/api/v1/catalog/changes", headers=sandbox.auth(reg["token"]))
        sandbox.set_faults(drop_next=1)
        sandbox.suspend_item(code, since="2026-01-01")
        sandbox.restart()            # killed (-9) and started again: same port, same data
        assert sandbox.stats()["events"]["most_applications_of_one_event"] == 1

It runs in test mode: control calls (and `sandbox.http` requests under /sandbox/) carry the
control token the sandbox wrote into its data dir at start, read afresh for each request (a
restart writes a new one).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
CONTROL_TOKEN_FILE = "control-token"  # sandbox.config
CONTROL_TOKEN_HEADER = "X-Sandbox-Control-Token"
ENROLMENT_CODE = "YC-DEMO-2026"  # sandbox.config.DEFAULT_ENROLMENT_CODE
AREA_CODE = "620321"  # the demo terminal's area (app/context.py)
START_TIMEOUT = 30.0


class SandboxError(RuntimeError):
    pass


class Sandbox:
    """One sandbox process. Control calls raise on a non-2xx answer."""

    def __init__(self, data_dir: Path, *, back_office_delay: float = 0.0, token_ttl: float | None = None,
                 catalog: Path | None = None, extra_args: tuple[str, ...] = (), mode: str = "test"):
        self.data_dir = Path(data_dir)
        self.port = 0
        self.url = ""
        self.mode = mode
        self._args = ["--mode", mode, "--back-office-delay", str(back_office_delay), *extra_args]
        if token_ttl is not None:
            self._args += ["--token-ttl", str(token_ttl)]
        if catalog is not None:
            self._args += ["--catalog", str(catalog)]
        self.proc: subprocess.Popen | None = None
        self.http = self._session()

    def control_token(self) -> str:
        """What the running sandbox wrote at start (its data dir, 0600)."""
        return (self.data_dir / CONTROL_TOKEN_FILE).read_text(encoding="ascii")

    def control_headers(self) -> dict[str, str]:
        return {CONTROL_TOKEN_HEADER: self.control_token()}

    def _with_control_token(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if r.path_url.startswith("/sandbox/") and CONTROL_TOKEN_HEADER not in r.headers:
            r.headers.update(self.control_headers())
        return r

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.auth = self._with_control_token
        return session

    # --- process ------------------------------------------------------------------------

    def start(self) -> Sandbox:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        out = self.data_dir / "sandbox.stdout"
        out.write_text("")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "sandbox", "--port", str(self.port), "--data-dir", str(self.data_dir), *self._args]
        with open(out, "ab") as stdout, open(self.data_dir / "sandbox.stderr", "ab") as stderr:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr, env=env)
        self.url = self._read_url(out)
        self.port = int(self.url.rsplit(":", 1)[1])
        self.wait_ready()
        return self

    def _read_url(self, out: Path) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for line in out.read_text().splitlines():
                if line.startswith("SANDBOX_URL "):
                    return line.split()[1]
            if self.proc and self.proc.poll() is not None:
                raise SandboxError(f"sandbox exited with {self.proc.returncode}: {self.log_tail()}")
            time.sleep(0.05)
        raise SandboxError(f"sandbox printed no URL in {START_TIMEOUT}s: {self.log_tail()}")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until /sandbox/health answers (it ignores the fault switches); in production mode,
        which has no control switches, /api/v1/health."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise SandboxError(f"sandbox exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                path = "/api/v1/health" if self.mode == "production" else "/sandbox/health"
                if self.http.get(self.url + path, timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise SandboxError(f"sandbox not ready in {timeout}s: {self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        err = self.data_dir / "sandbox.stderr"
        return err.read_text(errors="replace")[-chars:] if err.exists() else ""

    def kill(self) -> None:
        """SIGKILL, as a power cut would: nothing gets to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.http.close()
        self.http = self._session()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.http.close()

    def restart(self) -> None:
        """The process is killed (if still running) and started again on the same port and
        data dir. Faults switched at run time are gone; the data is not."""
        self.kill()
        self.start()

    def wait_exit(self, timeout: float = 10.0) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    # --- control switches ---------------------------------------------------------------

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        r = self.http.request(method, self.url + path, timeout=10, **kwargs)
        if not r.ok:
            raise SandboxError(f"{method} {path}: {r.status_code} {r.text}")
        return r.json()

    def set_faults(self, **faults: Any) -> dict:
        """latency_ms (latency_path: only there), error_share, error_next, drop_share, drop_next, lose_response_share,
        lose_response_next, maintenance, retry_after_seconds, exit_on_next_batch."""
        return self._control("POST", "/sandbox/faults", json=faults)

    def clear_faults(self) -> dict:
        return self._control("DELETE", "/sandbox/faults")

    def faults(self) -> dict:
        return self._control("GET", "/sandbox/faults")

    def configure(self, **tunables: Any) -> dict:
        """token_ttl_seconds, back_office_delay_seconds, denial_share."""
        return self._control("POST", "/sandbox/config", json=tunables)

    def stats(self) -> dict:
        return self._control("GET", "/sandbox/stats")

    def applied_events(self, case_number: str = "") -> list[dict]:
        return self._control("GET", "/sandbox/events", params={"case_number": case_number})["events"]

    def case(self, case_number: str) -> dict:
        return self._control("GET", f"/sandbox/cases/{case_number}")

    def set_item_status(self, code: str, status: str, reason: str = "", since: str | None = None) -> dict:
        body = {"status": status, "reason": reason} | ({"since": since} if since else {})
        return self._control("POST", f"/sandbox/items/{code}/status", json=body)

    def suspend_item(self, code: str, reason: str = "业务系统升级，暂停受理", since: str | None = None) -> dict:
        return self.set_item_status(code, "suspended", reason, since)

    def resume_item(self, code: str, since: str | None = None) -> dict:
        return self.set_item_status(code, "active", "", since)

    def terminate_item(self, code: str, reason: str = "事项已取消", since: str | None = None) -> dict:
        return self.set_item_status(code, "terminated", reason, since)

    def expire_tokens(self) -> int:
        return self._control("POST", "/sandbox/tokens/expire")["expired"]

    def load_catalog(self, path: Path) -> dict:
        return self._control("POST", "/sandbox/catalog/load", json={"path": str(path)})

    # --- contract shortcuts for tests ---------------------------------------------------

    def register_terminal(self, terminal_id: str = "T-TEST-01", area_code: str = AREA_CODE,
                          name: str = "测试终端") -> dict:
        """Registers a terminal; the answer's `token` is ready for Authorization: Bearer."""
        body = {"terminal_id": terminal_id, "area_code": area_code, "name": name, "enrolment_code": ENROLMENT_CODE}
        return self._control("POST", "/api/v1/terminals/register", json=body)

    def enrolment_code(self, hall: str = "", window: str = "", desk: str = "window", area_code: str = "",
                       replaces: str = "") -> str:
        """A new one-time enrolment code (control switch; the CLI `enrolment-code` does the same)."""
        return self._control("POST", "/sandbox/enrolment-codes", json={
            "hall": hall, "window": window, "desk": desk, "area_code": area_code, "replaces": replaces})["code"]

    def enrol(self, code: str | None = None, **code_options: Any) -> dict:
        """Enrols with a one-time code (a new one made with `code_options` when none given):
        the answer carries the platform-assigned identity, secret, token and first block."""
        code = code or self.enrolment_code(**code_options)
        r = self.http.post(self.url + "/api/v1/terminals/register", json={"enrolment_code": code}, timeout=10)
        if not r.ok:
            raise SandboxError(f"enrol: {r.status_code} {r.text}")
        return r.json()

    def hand_over(self, case_number: str, hall: str) -> dict:
        return self._control("POST", f"/sandbox/cases/{case_number}/handover", json={"hall": hall})

    def terminal(self, terminal_id: str) -> dict:
        return self._control("GET", f"/sandbox/terminals/{terminal_id}")

    def deliver(self, case_number: str, signed_by: str = "") -> dict:
        """The courier's delivery confirmation (妥投) of a mailed certificate."""
        return self._control("POST", f"/sandbox/cases/{case_number}/deliver", json={"signed_by": signed_by})

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def start_sandbox(data_dir: Path, **kwargs: Any) -> Sandbox:
    return Sandbox(data_dir, **kwargs).start()


@pytest.fixture
def sandbox(tmp_path: Path):
    """A fresh sandbox for one test (back office at once: delay 0)."""
    box = start_sandbox(tmp_path / "platform")
    yield box
    box.stop()


@pytest.fixture(scope="module")
def sandbox_module(tmp_path_factory: pytest.TempPathFactory):
    """One sandbox for a whole module (cheaper; tests must not depend on each other's data)."""
    box = start_sandbox(tmp_path_factory.mktemp("platform"))
    yield box
    box.stop()

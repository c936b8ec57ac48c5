"""Demo mode: a sandbox platform on this machine, so a newcomer sees sync working out of the box.

The sandbox runs as its own process (`clerkdesk-sandbox`), exactly as a real platform would be
somewhere else; ClerkDesk only talks HTTP to it and never imports it. It keeps its data beside
the terminal's, so the demo platform remembers the cases it received between runs.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

PREFERRED_PORT = 8765  # the same address each run keeps the terminal's registration valid
URL_LINE = "SANDBOX_URL"
DEMO_ENROLMENT_CODE = "YC-DEMO-2026"  # the demo hall's enrolment code the sandbox accepts by default
# The sandbox's control switches (/sandbox/*) take the token it writes at start into its data
# dir (sandbox.config; ui never imports the sandbox): a trainer's tools read it from there.
CONTROL_TOKEN_FILE = "control-token"
CONTROL_TOKEN_HEADER = "X-Sandbox-Control-Token"
# A demo's back office should look like one: a step every two minutes (办理中 → 办结 → 待领取),
# and almost every case approved. `clerkdesk --demo-back-office-seconds N` changes the pace.
BACK_OFFICE_DELAY_SECONDS = 120
DEMO_DENIAL_SHARE = 0.02


class DemoPlatformError(RuntimeError):
    pass


def _die_with_parent() -> None:
    """In the child, before exec (Linux): if ClerkDesk is killed, the demo platform goes too."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the platform is stopped on a normal exit only


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def sandbox_command() -> list[str]:
    """The installed `clerkdesk-sandbox` beside this Python (or this program), else the module
    (a source checkout)."""
    name = "clerkdesk-sandbox.exe" if os.name == "nt" else "clerkdesk-sandbox"
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    found = shutil.which("clerkdesk-sandbox")
    if found:
        return [found]
    if getattr(sys, "frozen", False):
        # The PyInstaller folder (build.spec) is a production install: no sandbox inside, and
        # `sys.executable -m sandbox` would start this window a second time.
        raise DemoPlatformError("本安装包不含演示/培训平台（clerkdesk-sandbox）。培训室请按 README“部署”一节安装培训平台。")
    return [sys.executable, "-m", "sandbox"]


class DemoPlatform:
    def __init__(self, data_dir: Path, back_office_delay: float = BACK_OFFICE_DELAY_SECONDS,
                 denial_share: float = DEMO_DENIAL_SHARE, mode: str = "demo"):
        self.data_dir = data_dir
        self.mode = mode  # demo or training: the sandbox's control switches need its token
        self.back_office_delay = back_office_delay
        self.denial_share = denial_share
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, timeout: float = 60.0) -> str:
        """Start the sandbox and return its address once it listens."""
        self.launch()
        return self.wait_url(timeout)

    def launch(self) -> None:
        """Start the process. Call it on the thread that lives as long as the app (the UI
        thread): on Linux the platform is told to stop when that *thread* ends."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = PREFERRED_PORT if _port_free(PREFERRED_PORT) else 0
        cmd = [*sandbox_command(), "--port", str(port), "--data-dir", str(self.data_dir), "--mode", self.mode,
               "--back-office-delay", str(self.back_office_delay), "--denial-share", str(self.denial_share),
               # the demo's courier: a mailed certificate is reported delivered like the other steps
               "--courier-delay", str(max(self.back_office_delay, 1.0))]
        errors = open(self.data_dir / "sandbox.log", "a", encoding="utf-8")  # noqa: SIM115 — lives with the process
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)

    def wait_url(self, timeout: float = 60.0) -> str:
        """The address, once the launched platform listens (any thread may wait)."""
        assert self.process is not None
        self.url = self._read_url(timeout)
        log.info("demo platform at %s (pid %s)", self.url, self.process.pid)
        return self.url

    def _read_url(self, timeout: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        stdout = self.process.stdout
        found: list[str] = []
        ready = threading.Event()

        def read() -> None:
            # Keeps draining after the address line, so a chatty sandbox never fills the pipe.
            for line in stdout:
                if not found and line.startswith(URL_LINE):
                    found.append(line.split()[1])
                    ready.set()
            ready.set()  # the process ended

        threading.Thread(target=read, daemon=True, name="demo-platform-stdout").start()
        ready.wait(timeout)
        if not found:
            self.stop()
            raise DemoPlatformError(f"演示平台未能启动，详见 {self.data_dir / 'sandbox.log'}")
        return found[0]

    def control_headers(self) -> dict[str, str]:
        """For the sandbox's control switches: the token this start wrote (0600, its data dir)."""
        return {CONTROL_TOKEN_HEADER: (self.data_dir / CONTROL_TOKEN_FILE).read_text(encoding="ascii")}

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

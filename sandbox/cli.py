"""clerkdesk-sandbox: start the sandbox platform on 127.0.0.1.

    clerkdesk-sandbox --port 0 --data-dir /tmp/platform --back-office-delay 5
    clerkdesk-sandbox --data-dir /tmp/platform enrolment-code --hall 永昌县政务服务中心 --window 综合受理5号窗

The second form prints a new one-time enrolment code (注册码) for one terminal and exits; it
writes to the same store, so the sandbox may be running meanwhile. `--replaces TERMINAL_ID`
issues the code for a replaced PC (the old terminal is retired when the new one enrols).

Port 0 picks a free port. Once it listens, the line `SANDBOX_URL http://127.0.0.1:PORT` goes
to stdout (flushed) for a parent process to read; logs go to stderr.

`--mode demo|training|test` (default demo) has the control switches under /sandbox/*, each
request carrying the token written at start to DATA_DIR/control-token (0600) in the header
X-Sandbox-Control-Token; `--mode production` has none of them (404) and no standing enrolment
code. The catalog and calendar options are read once, at start, by whoever starts it.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

import uvicorn

from sandbox.app import create_app
from sandbox.config import DEFAULT_ENROLMENT_CODE, DEMO_CATALOG, MODES, SandboxConfig, Tunables
from sandbox.faults import Faults, FaultState, TrackedH11Protocol

HOST = "127.0.0.1"  # loopback only: the sandbox is for this machine's demos and tests
URL_LINE = "SANDBOX_URL"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clerkdesk-sandbox", description="ClerkDesk sandbox platform (政务服务平台沙箱)")
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1; 0 = any free port")
    p.add_argument("--data-dir", type=Path, required=True, help="where the sandbox keeps its SQLite store")
    p.add_argument("--mode", choices=MODES, default="demo",
                   help="demo, training, test: control switches under /sandbox (control token needed); "
                        "production: none, and no standing enrolment code")
    p.add_argument("--back-office-delay", type=float, default=30.0, help="seconds per back-office step (0 = at once)")
    p.add_argument("--denial-share", type=float, default=0.1, help="share of accepted cases concluded 不予许可")
    p.add_argument("--courier-delay", type=float, default=0.0,
                   help="seconds until the simulated courier reports a mailed certificate delivered (0 = never by itself)")
    p.add_argument("--token-ttl", type=float, default=8 * 3600, help="seconds a bearer token is valid")
    p.add_argument("--catalog", type=Path, default=DEMO_CATALOG, help="catalog file (clerkdesk.catalog/v1) to publish")
    p.add_argument("--calendar-dir", type=Path, default=None, help="clerkdesk.calendar/v1 files overriding the defaults")
    p.add_argument("--enrolment-code", default=DEFAULT_ENROLMENT_CODE,
                   help="the standing demo code (demo and training only; \"\" = none, one-time codes only)")
    faults = p.add_argument_group("faults (also switchable at POST /sandbox/faults)")
    faults.add_argument("--latency-ms", type=int, default=0)
    faults.add_argument("--latency-path", default="", help="delay only paths starting with this (e.g. /api/v1/events)")
    faults.add_argument("--error-share", type=float, default=0.0, help="share of /api/v1 requests answered 500")
    faults.add_argument("--drop-share", type=float, default=0.0, help="share of connections closed without an answer")
    faults.add_argument("--lose-response-share", type=float, default=0.0,
                        help="share of event batches / leases applied whose answer is then lost")
    faults.add_argument("--maintenance", action="store_true", help="answer 503 with Retry-After")
    faults.add_argument("--log-level", default="warning")
    return p


def bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart takes the same port at once
    sock.bind((HOST, port))
    sock.listen(128)
    return sock


def relaunch_argv(argv: list[str], port: int) -> list[str]:
    """The command that starts this sandbox again on the port it actually got."""
    rest, skip = [], False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--port":
            skip = i + 1 < len(argv)
            continue
        if arg.startswith("--port="):
            continue
        rest.append(arg)
    return [sys.executable, "-m", "sandbox", *rest, "--port", str(port)]


def build_code_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clerkdesk-sandbox enrolment-code", description="签发一次性终端注册码")
    p.add_argument("--data-dir", type=Path, required=True, help="the sandbox's data dir (it may be running)")
    p.add_argument("command", choices=["enrolment-code"])
    p.add_argument("--hall", default="", help="hall or station the terminal belongs to (default: the demo hall)")
    p.add_argument("--window", default="", help="the window or desk (default: 综合受理窗口)")
    p.add_argument("--desk", choices=["window", "pickup"], default="window", help="pickup: the hall's 发证窗口")
    p.add_argument("--area-code", default="", help="行政区划代码 (default: the demo county 620321)")
    p.add_argument("--replaces", default="", help="terminal id of a replaced PC (retired when the new one enrols)")
    return p


def print_enrolment_code(argv: list[str]) -> int:
    from sandbox.enrolment import issue_code
    from sandbox.store import Store

    args = build_code_parser().parse_args(argv)
    store = Store(args.data_dir)
    try:
        with store.transaction() as s:
            code, row = issue_code(s, hall=args.hall, window=args.window, desk=args.desk, area_code=args.area_code,
                                   replaces=args.replaces)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(code)
    where = f"{row.hall} {row.window}" + (f"（替换终端 {row.replaces}）" if row.replaces else "")
    print(f"一次性注册码，仅可注册一台终端：{where}，地区 {row.area_code}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "enrolment-code" in argv:
        sys.exit(print_enrolment_code(argv))
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = SandboxConfig(
        data_dir=args.data_dir, catalog_file=args.catalog, calendar_dir=args.calendar_dir,
        enrolment_code="" if args.mode == "production" else args.enrolment_code, mode=args.mode,
        tunables=Tunables(token_ttl_seconds=args.token_ttl, back_office_delay_seconds=args.back_office_delay,
                          denial_share=args.denial_share, courier_delay_seconds=args.courier_delay))
    faults = FaultState(Faults(latency_ms=args.latency_ms, latency_path=args.latency_path,
                               error_share=args.error_share, drop_share=args.drop_share,
                               lose_response_share=args.lose_response_share, maintenance=args.maintenance))
    sock = bind(args.port)
    port = sock.getsockname()[1]
    app = create_app(config, faults, relaunch_argv(argv, port))
    server = uvicorn.Server(uvicorn.Config(app, http=TrackedH11Protocol, log_level=args.log_level, access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=2))
    print(f"{URL_LINE} http://{HOST}:{port}", flush=True)
    server.run(sockets=[sock])

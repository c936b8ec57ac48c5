"""`clerkdesk-admin device …`: for the IT admin setting up a window's devices. read-id,
test-reader and simulate need no login and touch no stored data: they only talk to the device
(and --data-dir is ignored). configure stores the terminal's settings: an administrator only.

    clerkdesk-admin device read-id --driver sam --port /dev/ttyUSB0 [--baud 115200] [--timeout 5]
    clerkdesk-admin device read-id --driver vendor --vendor-library sdtapi --port 1001
    clerkdesk-admin device read-id --driver simulator [--card long_term]
    clerkdesk-admin device test-reader --driver sam --port COM3
    clerkdesk-admin device simulate [--card standard|long_term|expired|none] [--realistic-timing]

read-id prints the card's fields as JSON on stdout (name, sex, nation, birth, address,
id_number, authority, valid_from, valid_to); warnings (an expired card) go to stderr. Errors
print `错误 [CODE]：message` on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date

from app.admin_cli import NO_LOGIN
from app.permissions import Perm
from devices.errors import DeviceError
from devices.idcard.reader import DEFAULT_READ_TIMEOUT_S, IdCardReader
from devices.idcard.sam_serial import DEFAULT_BAUDRATE

DRIVERS = ["sam", "vendor", "simulator"]
SAMPLE_KINDS = ["standard", "long_term", "expired"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("device", help="测试窗口设备：读身份证、检测阅读器、运行模拟阅读器")
    sub = p.add_subparsers(dest="device_command", required=True)

    r = sub.add_parser("read-id", help="读一张身份证，把信息以 JSON 输出")
    _reader_options(r)
    r.add_argument("--card", choices=SAMPLE_KINDS, default="standard", help="模拟阅读器上的示例证件")
    r.set_defaults(func=_cmd_read_id, needs=NO_LOGIN)

    t = sub.add_parser("test-reader", help="检测阅读器连接与安全模块（无需放卡）")
    _reader_options(t)
    t.set_defaults(func=_cmd_test_reader, card="standard", needs=NO_LOGIN)

    c = sub.add_parser("configure", help="设置本窗口使用的身份证阅读器和高拍仪（保存到本终端设置）")
    c.add_argument("--id-driver", choices=["simulator", "sam", "vendor", "none"], required=True, help="身份证阅读器驱动")
    c.add_argument("--id-port", default="", help="阅读器串口或端口号")
    c.add_argument("--id-baud", type=int, default=DEFAULT_BAUDRATE, help="阅读器波特率")
    c.add_argument("--vendor-library", choices=["sdtapi", "termb"], default="sdtapi")
    c.add_argument("--camera", choices=["folder", "qt", "none"], default="none", help="高拍仪驱动")
    c.add_argument("--camera-folder", default="", help="folder 驱动的图片文件夹（培训用）")
    c.set_defaults(func=_cmd_configure, needs=Perm.SYNC_CONFIGURE)

    s = sub.add_parser("simulate", help="在伪终端上运行模拟阅读器（培训、联调用），按 Ctrl+C 结束")
    s.add_argument("--card", choices=[*SAMPLE_KINDS, "none"], default="standard", help="放在模拟阅读器上的示例证件")
    s.add_argument("--baud", type=int, default=DEFAULT_BAUDRATE, help="模拟的波特率（配合 --realistic-timing）")
    s.add_argument("--realistic-timing", action="store_true", help="按波特率的真实速度发送应答")
    s.add_argument("--seconds", type=float, default=0, help="运行多少秒后自动退出（默认一直运行）")
    s.set_defaults(func=_cmd_simulate, needs=NO_LOGIN)


def _cmd_configure(args: argparse.Namespace) -> int:
    """Stores the window's devices through the app (the terminal's settings, audited)."""
    from app.bootstrap import start_terminal
    from app.config import resolve_paths
    from app.rules.problems import RuleError
    from app.usecases.device_settings import save_device_settings

    settings = {"idcard": {"driver": args.id_driver, "port": args.id_port, "baudrate": args.id_baud,
                           "vendor_library": args.vendor_library},
                "camera": {"driver": args.camera, "folder": args.camera_folder}}
    ctx = start_terminal(resolve_paths(args.data_dir), demo=False)
    try:
        save_device_settings(ctx, args.actor, settings)
    except RuleError as err:
        for p in err.problems:
            print(f"错误 [{p.code}]：{p.message}", file=sys.stderr)
        return 2
    finally:
        ctx.close()
    print(f"已保存：身份证阅读器 {args.id_driver} {args.id_port}，高拍仪 {args.camera}。重新启动窗口受理台后生效。")
    return 0


def _reader_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--driver", choices=DRIVERS, required=True, help="sam：串口 SAM 协议；vendor：厂商 DLL（Windows）；simulator：内置模拟")
    p.add_argument("--port", default="", help="串口（COM3、/dev/ttyUSB0）；vendor 驱动为端口号（USB 1001–1016，串口 1–16）")
    p.add_argument("--baud", type=int, default=DEFAULT_BAUDRATE, help=f"波特率（默认 {DEFAULT_BAUDRATE}）")
    p.add_argument("--timeout", type=float, default=DEFAULT_READ_TIMEOUT_S, help="等待放卡和应答的秒数")
    p.add_argument("--vendor-library", choices=["sdtapi", "termb"], default="sdtapi", help="vendor 驱动用哪个厂商 DLL")


def _fail(err: DeviceError) -> int:
    print(f"错误 [{err.code}]：{err.message}", file=sys.stderr)
    if err.detail:
        print(f"  详情：{err.detail}", file=sys.stderr)
    return 1


def _open_reader(args: argparse.Namespace) -> IdCardReader:
    if args.driver == "sam":
        if not args.port:
            raise DeviceError("DEVICE_OPEN_FAILED", "请用 --port 指定阅读器所在的串口，例如 COM3 或 /dev/ttyUSB0。")
        from devices.idcard.sam_serial import SamSerialReader

        return SamSerialReader(args.port, args.baud)
    if args.driver == "vendor":
        from devices.idcard.vendor_dll import open_vendor_reader

        try:
            port = int(args.port or "1001")
        except ValueError:
            raise DeviceError("DEVICE_OPEN_FAILED", "vendor 驱动的 --port 应为端口号：USB 1001–1016，串口 1–16。") from None
        return open_vendor_reader(args.vendor_library, port)
    from devices.idcard.simulator import SimulatedReader, sample_card

    return SimulatedReader(sample_card(args.card))


def _cmd_read_id(args: argparse.Namespace) -> int:
    try:
        reader = _open_reader(args)
        try:
            card = reader.read(args.timeout)
        finally:
            reader.close()
    except DeviceError as err:
        return _fail(err)
    print(json.dumps(card.json_dict(), ensure_ascii=False, indent=2))
    for warning in card.warnings(date.today()):
        print(f"警告：{warning}", file=sys.stderr)
    return 0


def _cmd_test_reader(args: argparse.Namespace) -> int:
    from devices.idcard.sam_serial import SamReader

    try:
        reader = _open_reader(args)
        try:
            if isinstance(reader, SamReader):
                status = reader.check(min(args.timeout, 5.0))
                where = "内置模拟阅读器" if args.driver == "simulator" else f"端口 {args.port}，{args.baud} 波特"
                print(f"阅读器连接正常（{where}），安全模块自检通过" + (f"，模块号 {status.sam_id}。" if status.sam_id else "。"))
            else:
                print(f"已加载厂商驱动 {args.vendor_library}，端口 {args.port or 1001}。请放一张身份证并用 read-id 试读。")
        finally:
            reader.close()
    except DeviceError as err:
        return _fail(err)
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from devices.idcard.simulator import PtySamSimulator, sample_card

    sim = PtySamSimulator(None if args.card == "none" else sample_card(args.card), baudrate=args.baud,
                          realistic_timing=args.realistic_timing)
    if args.card == "none":
        sim.module.remove_card()
    try:
        port = sim.start()
    except DeviceError as err:
        return _fail(err)
    print(port, flush=True)  # first line: the port, for scripts
    print(f"模拟阅读器已就绪：{port}（示例证件：{args.card}）。按 Ctrl+C 结束。", file=sys.stderr, flush=True)
    try:
        end = time.monotonic() + args.seconds if args.seconds > 0 else None
        while end is None or time.monotonic() < end:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0

"""`clerkdesk-admin sync …`, `enrol …` and `terminal`: registered through the entry point group
`clerkdesk.admin_commands` (entry "sync"), so app/ never imports sync/.

    clerkdesk-admin enrol --platform URL --code CODE [--admin-password-file F] [--admin-user admin]
    clerkdesk-admin terminal        this terminal's identity, or "not enrolled" (exit 1)

`sync` (status, a new platform address, a sync run) needs an administrator (SYNC_CONFIGURE).
`enrol` of a fresh install needs no login — the platform's one-time code is its key and there
is no administrator yet (it is created from --admin-password-file or on the first-run screen);
it acts as the terminal (SYSTEM), as the first-run screen does. `enrol --again` (an enrolled
terminal) needs an administrator. `terminal` needs none: it shows what every printed document
number shows anyway, nothing personal and no credential.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.actor import SYSTEM
from app.admin_cli import NO_LOGIN, read_password_file
from app.config import resolve_paths
from app.context import AppContext
from app.permissions import Perm

ENV_ENROLMENT = "CLERKDESK_ENROLMENT_CODE"
EXIT_UNREACHABLE = 3
EXIT_PARTIAL = 4
EXIT_NOT_ENROLLED = 1
EXIT_REFUSED = 5  # the platform refused the enrolment code (wrong, used, rate-limited)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sync", help="与政务服务平台同步（注册终端、上报事件、拉取目录/日历/号段/进度）")
    p.add_argument("--once", action="store_true", help="立即同步一次并打印结果")
    p.add_argument("--platform", help="平台地址，例如 https://zwfw.example.gov.cn（保存为本终端配置）")
    p.add_argument("--enrolment-code", default=os.environ.get(ENV_ENROLMENT, ""),
                   help=f"首次注册终端用的注册码（县管理员提供；也可用环境变量 {ENV_ENROLMENT}）")
    p.add_argument("--batch-size", type=int, help="每批上报的事件数")
    p.set_defaults(func=_cmd_sync, needs=Perm.SYNC_CONFIGURE)
    p = subparsers.add_parser("enrol", help="用一次性注册码在平台注册本终端（平台分配终端编号、大厅、窗口、文号代码和首个号段）")
    p.add_argument("--platform", required=True, help="平台地址，例如 https://zwfw.example.gov.cn")
    p.add_argument("--code", default=os.environ.get(ENV_ENROLMENT, ""),
                   help=f"一次性注册码（也可用环境变量 {ENV_ENROLMENT}）")
    p.add_argument("--admin-password-file", type=Path,
                   help="首个本机管理员的密码文件（第一行为密码；密码绝不写在命令行上）")
    p.add_argument("--admin-user", default="admin", help="首个本机管理员的用户名（默认 admin）")
    p.add_argument("--admin-name", default="本机管理员", help="首个本机管理员的姓名")
    p.add_argument("--again", action="store_true",
                   help="本终端凭据丢失或被停用时，用“替换本终端”的新注册码重新注册（保留本机办件和待上报事件）")
    p.set_defaults(func=_cmd_enrol, needs=lambda a: Perm.SYNC_CONFIGURE if a.again else NO_LOGIN)
    p = subparsers.add_parser("terminal", help="显示本终端身份：终端编号、大厅、窗口、地区代码、文号代码、剩余号码")
    p.set_defaults(func=_cmd_terminal, needs=NO_LOGIN)


def _cmd_sync(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal
    from app.usecases.sync_state import set_sync_setting

    ctx = start_terminal(resolve_paths(args.data_dir))
    try:
        if args.platform and args.platform.rstrip("/") != ctx.settings.get("platform_url"):
            set_sync_setting(ctx, args.actor, "platform_url", args.platform)
            print(f"平台地址已设为 {ctx.settings.get('platform_url')}")
        if not args.once:
            _print_status(ctx)
            return 0
        return _sync_once(ctx, args.enrolment_code, args.batch_size)
    finally:
        ctx.close()


def _sync_once(ctx: AppContext, enrolment_code: str, batch_size: int | None) -> int:
    from sync.connection import ensure_registered, open_api
    from sync.cycle import run_once, summary_lines
    from sync.http import PlatformError

    url = ctx.settings.get("platform_url")
    try:
        reg, newly = ensure_registered(ctx, url, enrolment_code) if url else (None, False)
    except PlatformError as err:
        print(f"注册终端失败 [{err.code}]：{err.message}")
        return EXIT_UNREACHABLE if err.code in ("PLATFORM_UNREACHABLE", "PLATFORM_MAINTENANCE") else EXIT_PARTIAL
    if newly:
        print(f"本终端已在平台注册，终端编号 {reg.terminal_id}")
    api = open_api(ctx)  # raises PLATFORM_NOT_CONFIGURED (exit 2 via admin_cli) without an address
    try:
        report = run_once(ctx, api, batch_size=batch_size)
    finally:
        api.close()
    for line in summary_lines(report):
        print(line)
    _print_status(ctx)
    if not report.reachable:
        return EXIT_UNREACHABLE
    return 0 if report.ok else EXIT_PARTIAL


def _print_status(ctx: AppContext) -> None:
    from app.usecases.sync_state import sync_overview

    ov = sync_overview(ctx)
    last = f"{ov.last_answer_at:%Y-%m-%d %H:%M:%S}" if ov.last_answer_at else "从未"
    print(f"平台：{ov.platform_url or '未设置（仅离线工作）'}；待上报 {ov.queued} 条；待上传扫描件 {ov.attachments} 页；"
          f"待人工处理 {ov.attention} 条；平台最近答复：{last}")


def _cmd_enrol(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal
    from app.rules.problems import RuleError
    from app.usecases.enrolment import FirstAdmin
    from sync.connection import enrol
    from sync.http import PlatformError, PlatformRefused

    if not args.code.strip():
        print(f"错误 [ENROLMENT_CODE_MISSING]：请用 --code 或环境变量 {ENV_ENROLMENT} 给出注册码。", file=sys.stderr)
        return 2
    admin = None
    if args.admin_password_file is not None:
        admin = FirstAdmin(args.admin_user, args.admin_name, read_password_file(args.admin_password_file))
    ctx = start_terminal(resolve_paths(args.data_dir), demo=False)  # never turns into a demo terminal
    try:
        try:
            who = enrol(ctx, args.actor or SYSTEM, args.platform, args.code, admin, again=args.again)
        except RuleError as err:
            if err.code != "ENROLMENT_ALREADY_DONE":
                raise
            # A script run twice: the goal (this code enrolled this PC) holds, so success.
            print(err.problems[0].message)
            _print_identity(ctx)
            return 0
        except PlatformError as err:
            print(f"注册失败 [{err.platform_code or err.code}]：{err.message}", file=sys.stderr)
            if isinstance(err, PlatformRefused):
                return EXIT_REFUSED
            # The request (its id and this PC's own secret) is on disk: the same command fetches
            # the answer, even if the platform already used the code.
            print("注册请求已保存在本机。网络恢复后用同一注册码再次运行本命令即可，注册码不会因此作废。", file=sys.stderr)
            return EXIT_UNREACHABLE if err.code in ("PLATFORM_UNREACHABLE", "PLATFORM_MAINTENANCE") else EXIT_PARTIAL
        print(f"本终端已注册：终端编号 {who.terminal_id}，{who.hall} {who.window}")
        if admin is None:
            print("尚未设置本机管理员：请在本机启动 ClerkDesk，在首次运行界面设置。")
        _print_identity(ctx)
        return 0
    finally:
        ctx.close()


def _cmd_terminal(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal

    ctx = start_terminal(resolve_paths(args.data_dir), demo=False)
    try:
        return _print_identity(ctx)
    finally:
        ctx.close()


def _print_identity(ctx: AppContext) -> int:
    from app.usecases.terminal import MODE_LABELS, terminal_identity

    who = terminal_identity(ctx)
    if not who.enrolled:
        print("本终端尚未注册，没有终端身份。请运行 clerkdesk-admin enrol --platform 平台地址 --code 注册码。")
        return EXIT_NOT_ENROLLED
    desk = "（发证窗口）" if who.desk == "pickup" else ""
    print(f"模式：{MODE_LABELS[who.mode]}")
    print(f"终端编号：{who.terminal_id}")
    print(f"大厅/便民站：{who.hall}")
    print(f"窗口：{who.window or '—'}{desk}")
    print(f"地区代码：{who.area_code}")
    print(f"文号代码：{who.document_code}")
    print(f"本年剩余办件编号：{who.numbers_left}")
    print(f"平台：{who.platform_url or '未设置'}")
    return 0

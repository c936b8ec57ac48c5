"""`clerkdesk-admin sync …`: registered through the entry point group
`clerkdesk.admin_commands`, so app/ never imports sync/."""

from __future__ import annotations

import argparse
import os

from app.actor import ADMIN_COMMAND
from app.config import resolve_paths
from app.context import AppContext

ENV_ENROLMENT = "CLERKDESK_ENROLMENT_CODE"
EXIT_UNREACHABLE = 3
EXIT_PARTIAL = 4


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sync", help="与政务服务平台同步（注册终端、上报事件、拉取目录/日历/号段/进度）")
    p.add_argument("--once", action="store_true", help="立即同步一次并打印结果")
    p.add_argument("--platform", help="平台地址，例如 https://zwfw.example.gov.cn（保存为本终端配置）")
    p.add_argument("--enrolment-code", default=os.environ.get(ENV_ENROLMENT, ""),
                   help=f"首次注册终端用的注册码（县管理员提供；也可用环境变量 {ENV_ENROLMENT}）")
    p.add_argument("--batch-size", type=int, help="每批上报的事件数")
    p.set_defaults(func=_cmd_sync)


def _cmd_sync(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal
    from app.usecases.sync_state import set_sync_setting

    ctx = start_terminal(resolve_paths(args.data_dir))
    try:
        if args.platform and args.platform.rstrip("/") != ctx.settings.get("platform_url"):
            set_sync_setting(ctx, ADMIN_COMMAND, "platform_url", args.platform)
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
    print(f"平台：{ov.platform_url or '未设置（仅离线工作）'}；待上报 {ov.queued} 条；待人工处理 {ov.attention} 条；"
          f"平台最近答复：{last}")

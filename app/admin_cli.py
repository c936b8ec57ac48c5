"""clerkdesk-admin: the county IT admin's and supervisor's command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

from app.actor import ADMIN_COMMAND
from app.config import resolve_paths
from app.rules.problems import ClerkDeskError, RuleError
from app.rules.workdays import WorkCalendar, parse_calendar_file

ADMIN_COMMANDS_GROUP = "clerkdesk.admin_commands"


def _cmd_import_catalog(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal
    from app.usecases.catalog import import_catalog, load_catalog_file

    ctx = start_terminal(resolve_paths(args.data_dir))
    result = import_catalog(ctx, ADMIN_COMMAND, load_catalog_file(Path(args.file)))
    s = result.value
    print(f"导入完成：新增 {s.added}，更新 {s.updated}，状态变更 {s.status_changed}，未变 {s.unchanged}（目录版本 {s.revision}）")
    return 0


def _cmd_import_calendar(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal
    from app.usecases.calendar import import_calendar

    ctx = start_terminal(resolve_paths(args.data_dir))
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    year = import_calendar(ctx, ADMIN_COMMAND, data).value
    print(f"已导入 {year} 年节假日安排，覆盖内置日历。")
    return 0


def _cmd_due_date(args: argparse.Namespace) -> int:
    try:
        start = date.fromisoformat(args.from_date)
    except ValueError:
        print("错误 [DATE_FORMAT]：--from 应为 YYYY-MM-DD", file=sys.stderr)
        return 2
    if args.data_dir or args.calendar is None:
        # Use the terminal's own calendar (platform overrides included) when it has one.
        from app.context import open_context

        cal = open_context(resolve_paths(args.data_dir)).calendar
    else:
        cal = WorkCalendar()
    if args.calendar:
        cal = WorkCalendar({c.year: c for c in [parse_calendar_file(json.loads(Path(f).read_text(encoding="utf-8"))) for f in args.calendar]})
    due = cal.add_working_days(start, args.days)
    note = "" if due.confirmed else "  unconfirmed（该年度尚无官方节假日安排，仅按周末计算）"
    print(f"{due.date.isoformat()}{note}")
    return 0


def _existing(args: argparse.Namespace):  # noqa: ANN202 — Paths, or None after saying why
    paths = resolve_paths(args.data_dir, create=False)
    if not paths.database.exists():
        print(f"错误 [STORAGE_NO_DATABASE]：{paths.data_dir} 中没有 ClerkDesk 数据库（路径是否写错？）。", file=sys.stderr)
        return None
    return paths


def _cmd_verify_audit(args: argparse.Namespace) -> int:
    """The chain, the chain against the platform's latest receipt, and the case and party rows
    against their last audited state. Exit 0 only when nothing was found."""
    from app.context import open_context
    from app.usecases.audit_integrity import verify_audit

    paths = _existing(args)
    if paths is None:
        return 2
    ctx = open_context(paths)
    try:
        report = verify_audit(ctx, ADMIN_COMMAND)
    finally:
        ctx.close()
    for finding in report.findings:
        print(f"错误 [{finding.code}]：{finding.message}")
    if report.ok:
        print(f"审计链完整：共 {report.records} 条记录；核对了 {report.rows_checked} 条办件和当事人数据。")
    for note in report.notes:
        print(note)
    return 0 if report.ok else 1


def _cmd_backup(args: argparse.Namespace) -> int:
    from app.usecases.backups import make_backup

    paths = _existing(args)
    if paths is None:
        return 2
    check = make_backup(paths, "manual", Path(args.to) if args.to else None)
    print(f"已备份到 {check.path}（加密）。{check.message}")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from app.context import open_context
    from app.usecases.backups import restore

    paths = _existing(args)
    if paths is None:
        return 2
    check, carried, kept = restore(paths, Path(args.file))
    ctx = open_context(paths)  # migrates the restored database if it is older, then audits the restore
    try:
        with ctx.unit_of_work(ADMIN_COMMAND) as uow:
            uow.audit("backup.restore", "database", str(Path(args.file).name),
                      {"carried_events": carried, "replaced_kept_at": str(kept)})
            uow.rebind_rows()  # the rows are the backup's again: their audited state starts afresh
    finally:
        ctx.close()
    print(f"已从 {args.file} 恢复。{check.message}备份之后排队未上报的 {carried} 条事件已保留，会照常上报；"
          f"被替换的数据库保存在 {kept}。")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clerkdesk-admin", description="ClerkDesk 窗口受理台 管理命令")
    p.add_argument("--data-dir", help="数据目录（默认 CLERKDESK_DATA_DIR 或用户数据目录）")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("import-catalog", help="从平台导出的 JSON 文件导入事项目录")
    c.add_argument("file")
    c.set_defaults(func=_cmd_import_catalog)
    c = sub.add_parser("import-calendar", help="导入平台下发的年度节假日文件")
    c.add_argument("file")
    c.set_defaults(func=_cmd_import_calendar)
    c = sub.add_parser("due-date", help="计算 N 个工作日后的到期日")
    c.add_argument("--from", dest="from_date", required=True, help="起算日 YYYY-MM-DD")
    c.add_argument("--days", type=int, required=True, help="工作日数")
    c.add_argument("--calendar", action="append", help="额外的年度日历文件（可多次）")
    c.set_defaults(func=_cmd_due_date)
    c = sub.add_parser("verify-audit", help="校验审计日志：哈希链、平台回执（截断、改写、伪造）、办件和当事人数据是否被直接改动")
    c.set_defaults(func=_cmd_verify_audit)
    c = sub.add_parser("backup", help="立即备份（加密，写入后校验完整性和审计链）")
    c.add_argument("--to", help="备份到此文件夹（如移动硬盘），默认数据目录下 backups/")
    c.set_defaults(func=_cmd_backup)
    c = sub.add_parser("restore", help="从备份恢复（先校验；备份之后排队的事件不会丢失）")
    c.add_argument("file", help="备份文件")
    c.set_defaults(func=_cmd_restore)
    _add_plugin_commands(sub)
    return p


def _add_plugin_commands(sub: argparse._SubParsersAction) -> None:
    """Commands that need printing/ or sync/ register themselves through the entry point group
    `clerkdesk.admin_commands` (a callable taking the subparsers), so app/ never imports them."""
    for ep in sorted(entry_points(group=ADMIN_COMMANDS_GROUP), key=lambda e: e.name):
        try:
            register = ep.load()
        except ImportError as exc:  # a broken install loses one command, not the whole tool
            print(f"警告 [ADMIN_PLUGIN_MISSING]：管理命令“{ep.name}”未能加载（{exc}），请重新安装。", file=sys.stderr)
            continue
        register(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RuleError as err:
        for prob in err.problems:
            print(f"错误 [{prob.code}]：{prob.message}", file=sys.stderr)
        return 2
    except ClerkDeskError as err:  # storage, platform: the sentence and the code, never a traceback
        print(f"错误 [{err.code}]：{err.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

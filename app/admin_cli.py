"""clerkdesk-admin: the county IT admin's and supervisor's command line.

A command that touches stored data acts only after a password: the person's (`--user`, by
default the terminal's local administrator), typed at the prompt on a terminal or read from
`--password-file` (unattended scripts; never the password itself on the command line). It is
checked like a login at the window (same lockout), the command needs the permission it
declares (`needs=` on its parser: a Perm, NO_LOGIN, or a function of the arguments; a command
that declares nothing is for administrators only), and the run is audited under that name.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

from app.actor import Actor
from app.config import Paths, resolve_paths
from app.permissions import Perm
from app.rules.problems import ClerkDeskError, Problem, RuleError
from app.rules.workdays import WorkCalendar, parse_calendar_file

ADMIN_COMMANDS_GROUP = "clerkdesk.admin_commands"
NO_LOGIN = "no-login"  # `needs=` of a command that touches no stored data (due-date, render --sample, device read-id)
EXIT_NOT_AUTHORISED = 6  # no password, wrong password, unknown user, locked account, or not allowed


def read_password_file(path: Path) -> str:
    """The first line of a password file that only its owner can read (else refused: anyone
    who can read it can act as that person)."""
    try:
        mode = path.stat().st_mode
        if os.name == "posix" and mode & 0o077:
            raise RuleError(Problem("PASSWORD_FILE_OPEN", f"密码文件 {path} 其他用户也能读取（权限 {mode & 0o777:o}），"
                                                          f"已拒绝使用。请执行 chmod 600 {path} 后重试。"))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(Problem("PASSWORD_FILE_UNREADABLE", f"无法读取密码文件 {path}（{exc.__class__.__name__}）。")) from exc
    lines = text.splitlines()
    return lines[0] if lines else ""


# (name, register): a command group of printing/, sync/ or devices/; `register` adds its subparsers.
AdminPlugin = tuple[str, Callable[[argparse._SubParsersAction], None]]


def _cmd_import_catalog(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal
    from app.usecases.catalog import import_catalog, load_catalog_file

    ctx = start_terminal(resolve_paths(args.data_dir), demo=False)
    result = import_catalog(ctx, args.actor, load_catalog_file(Path(args.file)))
    s = result.value
    print(f"导入完成：新增 {s.added}，更新 {s.updated}，状态变更 {s.status_changed}，未变 {s.unchanged}（目录版本 {s.revision}）")
    return 0


def _cmd_import_calendar(args: argparse.Namespace) -> int:
    from app.bootstrap import start_terminal
    from app.usecases.calendar import import_calendar

    ctx = start_terminal(resolve_paths(args.data_dir), demo=False)
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    year = import_calendar(ctx, args.actor, data).value
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


def _existing(args: argparse.Namespace) -> Paths | None:  # None after saying why
    paths = resolve_paths(args.data_dir, create=False)
    if not paths.database.exists():
        print(f"错误 [STORAGE_NO_DATABASE]：{paths.data_dir} 中没有 ClerkDesk 数据库（路径是否写错？）。", file=sys.stderr)
        return None
    return paths


def _verify_before_sign_in(args: argparse.Namespace) -> object:
    """verify-audit looks at the log as it was found: signing in writes to it (login.success,
    admin.command), and a record written on top of a truncated chain would hide how it was
    truncated. So the checks run first and nothing is shown until the person is signed in."""
    from app.context import open_context
    from app.usecases.audit_integrity import verify_audit

    paths = _existing(args)
    if paths is None:
        return None
    ctx = open_context(paths)
    try:
        return verify_audit(ctx)
    finally:
        ctx.close()


def _cmd_verify_audit(args: argparse.Namespace) -> int:
    """The chain, the chain against the platform's latest receipt, and the case and party rows
    against their last audited state. Exit 0 only when nothing was found."""
    report = args.prepared
    if report is None:
        return 2
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
        with ctx.unit_of_work(args.actor) as uow:
            uow.audit("backup.restore", "database", str(Path(args.file).name),
                      {"carried_events": carried, "replaced_kept_at": str(kept)})
            uow.rebind_rows()  # the rows are the backup's again: their audited state starts afresh
    finally:
        ctx.close()
    print(f"已从 {args.file} 恢复。{check.message}备份之后排队未上报的 {carried} 条事件已保留，会照常上报；"
          f"被替换的数据库保存在 {kept}。")
    return 0


def build_parser(plugins: Sequence[AdminPlugin] | None = None) -> argparse.ArgumentParser:
    # allow_abbrev=False: `--password X` must not be taken for `--password-file X`.
    p = argparse.ArgumentParser(prog="clerkdesk-admin", description="ClerkDesk 窗口受理台 管理命令", allow_abbrev=False)
    p.add_argument("--data-dir", help="数据目录（默认 CLERKDESK_DATA_DIR 或用户数据目录）")
    p.add_argument("--user", help="执行命令的账号（默认本机管理员）")
    p.add_argument("--password-file", type=Path,
                   help="无人值守时：密码文件（仅本人可读，chmod 600；第一行为密码）。在终端上运行时不给此项会提示输入密码")
    p.set_defaults(actor=None)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("import-catalog", help="从平台导出的 JSON 文件导入事项目录")
    c.add_argument("file")
    c.set_defaults(func=_cmd_import_catalog, needs=Perm.CATALOG_IMPORT)
    c = sub.add_parser("import-calendar", help="导入平台下发的年度节假日文件")
    c.add_argument("file")
    c.set_defaults(func=_cmd_import_calendar, needs=Perm.CALENDAR_IMPORT)
    c = sub.add_parser("due-date", help="计算 N 个工作日后的到期日")
    c.add_argument("--from", dest="from_date", required=True, help="起算日 YYYY-MM-DD")
    c.add_argument("--days", type=int, required=True, help="工作日数")
    c.add_argument("--calendar", action="append", help="额外的年度日历文件（可多次）")
    c.set_defaults(func=_cmd_due_date, needs=NO_LOGIN)  # the holiday calendar only: nothing personal
    c = sub.add_parser("verify-audit", help="校验审计日志：哈希链、平台回执（截断、改写、伪造）、办件和当事人数据是否被直接改动")
    c.set_defaults(func=_cmd_verify_audit, needs=Perm.AUDIT_VERIFY, before_sign_in=_verify_before_sign_in)
    c = sub.add_parser("backup", help="立即备份（加密，写入后校验完整性和审计链）")
    c.add_argument("--to", help="备份到此文件夹（如移动硬盘），默认数据目录下 backups/")
    c.set_defaults(func=_cmd_backup, needs=Perm.DATA_BACKUP)
    c = sub.add_parser("restore", help="从备份恢复（先校验；备份之后排队的事件不会丢失）")
    c.add_argument("file", help="备份文件")
    c.set_defaults(func=_cmd_restore, needs=Perm.DATA_BACKUP)
    _add_plugin_commands(sub, plugins)
    return p


def _add_plugin_commands(sub: argparse._SubParsersAction, plugins: Sequence[AdminPlugin] | None) -> None:
    """Commands that need printing/ or sync/ register themselves through the entry point group
    `clerkdesk.admin_commands` (a callable taking the subparsers), so app/ never imports them.
    A frozen build has no package metadata: its launcher passes `plugins` instead
    (launchers/clerkdesk_admin.py)."""
    if plugins is not None:
        for _name, register in sorted(plugins, key=lambda p: p[0]):
            register(sub)
        return
    for ep in sorted(entry_points(group=ADMIN_COMMANDS_GROUP), key=lambda e: e.name):
        try:
            register = ep.load()
        except ImportError as exc:  # a broken install loses one command, not the whole tool
            print(f"警告 [ADMIN_PLUGIN_MISSING]：管理命令“{ep.name}”未能加载（{exc}），请重新安装。", file=sys.stderr)
            continue
        register(sub)


Needs = Perm | str | Callable[[argparse.Namespace], "Perm | str"] | None


def needed(args: argparse.Namespace) -> Perm | str | None:
    """What the parsed command needs: NO_LOGIN, a Perm, or None (an administrator)."""
    needs: Needs = getattr(args, "needs", None)
    return needs(args) if callable(needs) else needs


def _sub_argv(args: argparse.Namespace, argv: list[str]) -> list[str]:
    """The command and its own arguments, for the audit (global options and paths to
    password files are not worth keeping; nothing secret is ever on the command line)."""
    rest = argv[argv.index(args.command):] if args.command in argv else [args.command]
    return [a[:200] for a in rest[:30]]


def _password(args: argparse.Namespace, user: str) -> str:
    if args.password_file is not None:
        return read_password_file(args.password_file)
    if sys.stdin.isatty():
        return getpass.getpass(f"账号 {user} 的密码：")
    raise RuleError(Problem("ADMIN_PASSWORD_MISSING", "此命令需要管理员密码：在终端上运行时会提示输入；无人值守（脚本、计划任务）"
                                                      "时请用 --password-file 给出密码文件（仅本人可读，第一行为密码）。"))


def sign_in(args: argparse.Namespace, argv: list[str], needs: Perm | None) -> Actor | int:
    """The person running the command, or the exit code after saying why not."""
    from app.context import open_context
    from app.usecases.admin_login import authorise_command

    if args.password_file is not None:
        read_password_file(args.password_file)  # an open file is refused before anything is opened
    paths = _existing(args)
    if paths is None:
        return 2
    ctx = open_context(paths)  # not start_terminal: signing in never turns a folder into a demo terminal
    try:
        user = (args.user or ctx.settings.get("local_admin") or "").strip()
        if not user and sys.stdin.isatty():
            user = input("管理员账号：").strip()
        if not user:
            raise RuleError(Problem("ADMIN_USER_MISSING", "本终端没有本机管理员：请用 --user 指明执行命令的账号。"))
        command = " ".join(filter(None, [args.command, getattr(args, "device_command", None)]))
        return authorise_command(ctx, user, _password(args, user), command, needs, {"argv": _sub_argv(args, argv)})
    finally:
        ctx.close()


def main(argv: list[str] | None = None, plugins: Sequence[AdminPlugin] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(plugins).parse_args(argv)
    try:
        needs = needed(args)
        before = getattr(args, "before_sign_in", None)
        args.prepared = before(args) if before is not None else None
        if needs != NO_LOGIN:
            try:
                who = sign_in(args, argv, needs)
            except RuleError as err:
                _say(err)
                return EXIT_NOT_AUTHORISED
            if isinstance(who, int):
                return who
            args.actor = who
        return args.func(args)
    except RuleError as err:
        _say(err)
        return 2
    except ClerkDeskError as err:  # storage, platform: the sentence and the code, never a traceback
        print(f"错误 [{err.code}]：{err.message}", file=sys.stderr)
        return 2


def _say(err: RuleError) -> None:
    for prob in err.problems:
        print(f"错误 [{prob.code}]：{prob.message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

"""First start of a terminal: settings, the demo accounts, the demo catalog and a demo
number block — the embedded default a newcomer sees on a fresh machine."""

from __future__ import annotations

from sqlalchemy import func, select

from app.config import demo_catalog_path
from app.context import DEFAULT_SETTINGS, AppContext
from app.permissions import Role
from app.storage.models import Clerk, NumberBlock, Setting
from app.usecases.auth import create_clerk
from app.usecases.catalog import catalog_size, import_catalog, load_catalog_file
from app.usecases.numbers import DEMO_BLOCK, add_block
from app.usecases.recording import record

DEMO_PASSWORD = "demo1234"
# username, name shown, role, window
DEMO_CLERKS = [
    ("clerk01", "李晓燕", Role.CLERK, "综合受理3号窗"),
    ("station01", "王建国", Role.STATION, "河西堡镇便民服务中心"),
    ("pickup01", "张丽", Role.PICKUP, "发证窗口"),
    ("super01", "赵志刚", Role.SUPERVISOR, "值班主任"),
    ("admin01", "陈工", Role.ADMIN, "信息中心"),
]


def ensure_settings(ctx: AppContext) -> None:
    with ctx.unit_of_work() as s:
        have = {row.key for row in s.scalars(select(Setting))}
        for key, value in DEFAULT_SETTINGS.items():
            if key not in have:
                s.add(Setting(key=key, value=value))
    ctx.reload_settings()


def ensure_demo_numbers(ctx: AppContext) -> None:
    """In demo mode a terminal always has this year's block (the sync issue leases real ones)."""
    if ctx.setting("demo") != "1":
        return
    year = ctx.today().year
    prefix = f"{ctx.setting('area_code')}{year}"
    with ctx.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(NumberBlock).where(NumberBlock.prefix == prefix)):
            return
        add_block(s, ctx, year, *DEMO_BLOCK, source="demo")
        record(s, ctx, "setup", "numbers.demo_block", "number_block", prefix, {"first": DEMO_BLOCK[0], "last": DEMO_BLOCK[1]})


def ensure_demo_data(ctx: AppContext) -> None:
    ensure_settings(ctx)
    with ctx.read() as s:
        has_clerks = bool(s.scalar(select(func.count()).select_from(Clerk)))
    if not has_clerks and ctx.setting("demo") == "1":
        for username, name, role, window in DEMO_CLERKS:
            create_clerk(ctx, None, username, name, role, DEMO_PASSWORD, window)
    if catalog_size(ctx) == 0 and ctx.setting("demo") == "1":
        import_catalog(ctx, None, load_catalog_file(demo_catalog_path()))
    ensure_demo_numbers(ctx)

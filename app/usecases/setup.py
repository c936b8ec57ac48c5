"""First start of a demo (or training) terminal: settings, the demo accounts, the demo catalog
and a demo number block — the embedded default a newcomer sees with `--demo-platform`. A
production terminal never runs any of this (app/bootstrap.py): it gets its identity and its
first administrator at enrolment (app/usecases/enrolment.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.actor import SYSTEM
from app.config import demo_catalog_path
from app.context import AppContext
from app.permissions import Role
from app.settings import DEMO_IDENTITY
from app.storage.models import Clerk, NumberBlock, Setting
from app.usecases.auth import add_clerk
from app.usecases.catalog import catalog_size, import_catalog, load_catalog_file
from app.usecases.numbers import DEMO_BLOCK, add_block

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
    """A demo terminal stores its identity (so the settings table shows it); nothing else."""
    with ctx.unit_of_work(SYSTEM) as uow:
        have = set(uow.session.scalars(select(Setting.key)))
        for key, value in DEMO_IDENTITY.items():
            if key not in have:
                uow.put_setting(key, value)


TRAINING_BANNER = "培训模式：数据仅供练习，不是正式办件；打印件均为“培训样张 无效”"


def ensure_training(ctx: AppContext) -> None:
    """Mark a training terminal (its own data dir, see app/config.training_paths): the banner
    every screen shows, and the flag sync/connection.py checks to refuse any platform that is
    not on this machine."""
    with ctx.unit_of_work(SYSTEM) as uow:
        if uow.settings.get("training") != "1":
            uow.put_setting("training", "1")
            uow.audit("settings.change", "setting", "training", {"from": "", "to": "1"})
        if not uow.settings.get("training_banner"):
            uow.put_setting("training_banner", TRAINING_BANNER)


def ensure_demo_numbers(ctx: AppContext) -> None:
    """In demo mode a terminal always has this year's block (the sync issue leases real ones)."""
    if ctx.settings.get("demo") != "1":
        return
    with ctx.unit_of_work(SYSTEM) as uow:
        year = uow.today.year
        prefix = f"{uow.settings.get('area_code')}{year}"
        if uow.session.scalar(select(func.count()).select_from(NumberBlock).where(NumberBlock.prefix == prefix)):
            return
        add_block(uow, year, *DEMO_BLOCK, source="demo")
        uow.audit("numbers.demo_block", "number_block", prefix, {"first": DEMO_BLOCK[0], "last": DEMO_BLOCK[1]})


def ensure_demo_data(ctx: AppContext) -> None:
    ensure_settings(ctx)
    if ctx.settings.get("demo") == "1":
        # All accounts in one transaction: a kill during the very first start leaves none or all
        # (it once left one account, for good); missing ones are added on any later start.
        with ctx.read() as s:
            have = set(s.scalars(select(Clerk.username)))
        missing = [c for c in DEMO_CLERKS if c[0] not in have]
        if missing:
            with ctx.unit_of_work(SYSTEM) as uow:
                for username, name, role, window in missing:
                    add_clerk(uow, username, name, role, DEMO_PASSWORD, window)
    if catalog_size(ctx) == 0 and ctx.settings.get("demo") == "1":
        import_catalog(ctx, SYSTEM, load_catalog_file(demo_catalog_path()))
    ensure_demo_numbers(ctx)

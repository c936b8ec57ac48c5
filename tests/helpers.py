"""Test data builders: valid applicants and material ticks for a demo item."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from app.context import AppContext
from app.rules.decisions import Provided, Tick
from app.rules.handover import CardRead, Collector
from app.rules.party import PartyInput
from app.usecases.catalog import ItemGuide, build_index, item_guide


def resident_id(area: str, birth: str, seq: str) -> str:
    """A valid 18-digit number (ISO 7064 MOD 11-2), computed here, independent of the app."""
    body = f"{area}{birth}{seq}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


APPLICANT_ID = resident_id("620321", "19850612", "231")  # 男, 1985-06-12


def person(name: str = "张桂兰", id_number: str = APPLICANT_ID, phone: str = "13893512345") -> PartyInput:
    return PartyInput("person", name, id_number=id_number, phone=phone, address="永昌县城关镇北海子路12号")


def find_item(ctx: AppContext, query: str) -> ItemGuide:
    hits = build_index(ctx).search(query)
    assert hits, f"no demo item matches {query!r}"
    return item_guide(ctx, hits[0].item_id)


def active_item_with_tolerable(ctx: AppContext) -> ItemGuide:
    for hit in build_index(ctx).search("", limit=10_000):
        g = item_guide(ctx, hit.item_id)
        if g.can_take_in and any(m.tolerable and m.required for m in g.materials) and g.committed_limit_days >= 3:
            return g
    raise AssertionError("demo catalog has no active item with a tolerable required material")


def all_provided(g: ItemGuide) -> list[Tick]:
    return [
        Tick(m.material_id, m.name, platform_verified=True) if m.platform_verifiable
        else Tick(m.material_id, m.name, Provided.ORIGINAL, pages=2)
        for m in g.materials
    ]


def missing(g: ItemGuide, names: set[str]) -> list[Tick]:
    return [Tick(m.material_id, m.name) if m.name in names else t for m, t in zip(g.materials, all_provided(g), strict=True)]


def first_required_non_verifiable(g: ItemGuide) -> str:
    return next(m.name for m in g.materials if m.required and not m.platform_verifiable)


TODAY = date(2026, 11, 20)


def raw_db(db_path):  # noqa: ANN001, ANN201 — a DB-API connection
    """The terminal's encrypted database as a plain DB-API connection, with its key (as a tool
    on the same PC and OS account would have it)."""
    from app.storage.db import connect_raw
    from app.storage.keys import database_key

    return connect_raw(db_path, database_key(db_path, create=False))


def terminal_engine(db_path):  # noqa: ANN001, ANN201 — an Engine
    """An engine on a terminal's database with the terminal's own key (made if new), as
    open_context would open it — for tests that build an older schema first."""
    from app.storage.db import make_engine
    from app.storage.keys import database_key

    return make_engine(db_path, database_key(db_path, create=True))


ROOT = Path(__file__).resolve().parents[1]
ADMIN_USER = "admin01"  # the demo terminal's administrator (password setup.DEMO_PASSWORD)


def run_admin(argv: list[str], data_dir: Path | None = None, password: str | None = None, user: str | None = ADMIN_USER,
              env: dict | None = None, command: list[str] | None = None, stdin: str | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    """`clerkdesk-admin` as a county admin's script runs it: a subprocess with no terminal on
    stdin, `--data-dir`, and — when `password` is given — `--user` and a `--password-file`
    written 0600 in a throw-away folder (never the password on the command line). `user=None`
    leaves the account to the command's default (the terminal's local administrator);
    `command` replaces `python -m app.admin_cli` (e.g. the installed console script)."""
    cmd = list(command or [sys.executable, "-m", "app.admin_cli"])
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    with tempfile.TemporaryDirectory(prefix="clerkdesk-admin-pw-") as tmp:
        cmd += ["--user", user] if user else []
        if password is not None:
            pw = Path(tmp) / "password"
            pw.touch(mode=0o600)
            pw.write_text(password + "\n", encoding="utf-8")
            cmd += ["--password-file", str(pw)]
        return subprocess.run([*cmd, *argv], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})})


def card_holder(mode: str, name: str, id_number: str, **more) -> Collector:  # noqa: ANN003
    """A collector at the pick-up desk whose own ID card was read there (F4)."""
    return Collector(mode, name, id_number, CardRead(name, id_number), **more)

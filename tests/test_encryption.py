"""Citizens' data encrypted at rest (issue 12 #1), as an attacker with a copied file would try:
the database, its WAL and every backup are unreadable without the terminal's key; the key is
not in the data folder; files 0600, folders 0700; a plain database from before is encrypted on
start after an encrypted backup; a data folder copied to another PC does not open."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.case_states import Action
from app.config import Paths
from app.context import open_context
from app.errors import StorageError
from app.storage.keys import key_path
from app.storage.migrate import backup_database, upgrade
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from tests.helpers import APPLICANT_ID, all_provided, find_item, person, raw_db

SECRETS = ("张桂兰".encode(), APPLICANT_ID.encode(), b"13893512345", "北海子路".encode())


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".log"]


def test_a_copied_database_wal_and_backup_hold_no_readable_personal_data(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT))
    backup_database(ctx.paths.database, ctx.paths.backups, "manual", _key(ctx))
    files = _files(ctx.paths.data_dir)
    assert any(p.name.endswith("-wal") for p in files) and any(p.parent.name == "backups" for p in files)
    for p in files:
        data = p.read_bytes()
        assert not any(s in data for s in SECRETS), f"{p.name} holds personal data in the clear"
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(ctx.paths.database).execute("SELECT name FROM parties").fetchall()
    with raw_db(ctx.paths.database) as db:  # with the key, on this PC: all there
        assert db.execute("SELECT name FROM parties").fetchone()[0] == "张桂兰"


def _key(ctx) -> bytes:  # noqa: ANN001
    from app.storage.keys import database_key

    return database_key(ctx.paths.database, create=False)


def test_the_key_is_not_beside_the_data_and_files_are_the_users_alone(ctx) -> None:
    key = key_path(ctx.paths.database)
    assert key.exists() and ctx.paths.data_dir not in key.parents
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(ctx.paths.data_dir.stat().st_mode) == 0o700
    for p in _files(ctx.paths.data_dir):
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, f"{p.name} is readable by others"


def test_a_data_folder_copied_to_another_pc_does_not_open(ctx, tmp_path, monkeypatch) -> None:
    ctx.close()
    stolen = tmp_path / "stolen"
    shutil.copytree(ctx.paths.data_dir, stolen)
    monkeypatch.setenv("CLERKDESK_KEY_DIR", str(tmp_path / "another-pc-keys"))
    with pytest.raises(StorageError) as err:
        open_context(Paths(stolen))
    assert err.value.code == "STORAGE_KEY_MISSING" and "加密" in err.value.message and "备份" in err.value.message


def test_a_plain_database_from_before_is_encrypted_on_start_with_nothing_lost(tmp_path) -> None:
    data = tmp_path / "old-terminal"
    data.mkdir()
    db = data / "clerkdesk.db"
    plain = create_engine(f"sqlite:///{db}")  # how an earlier ClerkDesk wrote it
    upgrade(plain, "head")
    with plain.begin() as conn:
        conn.execute(text("INSERT INTO parties (id, kind, name, id_type, id_number, phone, address, legal_rep, created_at) "
                          "VALUES (1, 'person', '张桂兰', '居民身份证', :n, '', '', '', '2026-01-01 00:00:00')"),
                     {"n": APPLICANT_ID})
    plain.dispose()
    assert db.read_bytes().startswith(b"SQLite format 3")
    ctx = open_context(Paths(data))
    try:
        with ctx.read() as s:
            assert s.execute(text("SELECT name FROM parties")).scalar() == "张桂兰"
    finally:
        ctx.close()
    assert not db.read_bytes().startswith(b"SQLite format 3") and "张桂兰".encode() not in db.read_bytes()
    [backup] = (data / "backups").glob("clerkdesk-before-encryption-*.db")
    assert "张桂兰".encode() not in backup.read_bytes()  # the backup is encrypted too
    with _keyed(backup, db) as b:
        assert b.execute("SELECT id_number FROM parties").fetchone()[0] == APPLICANT_ID


def _keyed(backup: Path, db: Path):  # noqa: ANN202 — the backup opens with the database's key
    from app.storage.db import connect_raw
    from app.storage.keys import database_key

    return connect_raw(backup, database_key(db, create=False))

"""Helpers for the tamper tests: a terminal whose chain the platform has confirmed, raw SQL as
someone with the database key would run it, and the one way these tests run the admin CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.storage.audit import mac_key_from, record_hash, record_mac
from app.usecases.setup import DEMO_PASSWORD
from tests.helpers import raw_db, run_admin

ROOT = Path(__file__).resolve().parents[2]


def admin_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """clerkdesk-admin as an administrator runs it (a real subprocess, the administrator's
    password in a 0600 file): the ONE place these tests start the admin command line."""
    return run_admin(list(args), data_dir, password=DEMO_PASSWORD)


def tamper(db: Path, *statements: str) -> None:
    """Raw SQL through the SQLCipher connection, committed."""
    conn = raw_db(db)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def rehash_from(db: Path, first_seq: int) -> int:
    """What a careful intruder does after deleting or editing a record: recompute every later
    record's link, hash — and MAC, with the key read out of the database. Returns how many."""
    conn = raw_db(db)
    try:
        private = bytes.fromhex(conn.execute("SELECT private_key FROM terminal_keys").fetchone()[0])
        mac_key = mac_key_from(private)
        prev = conn.execute("SELECT hash FROM audit_records WHERE seq < ? ORDER BY seq DESC LIMIT 1",
                            (first_seq,)).fetchone()
        prev_hash = prev[0] if prev else "0" * 64
        rows = conn.execute("SELECT seq, at, actor, action, entity, entity_key, detail, state FROM audit_records "
                            "WHERE seq >= ? ORDER BY seq", (first_seq,)).fetchall()
        for seq, at, actor, action, entity, key, detail, state in rows:
            h = record_hash(prev_hash, at, actor, action, entity, key, detail, state)
            conn.execute("UPDATE audit_records SET prev_hash = ?, hash = ?, mac = ? WHERE seq = ?",
                         (prev_hash, h, record_mac(mac_key, h) if state is not None else "", seq))
            prev_hash = h
        conn.commit()
        return len(rows)
    finally:
        conn.close()


def audit_count(db: Path) -> int:
    conn = raw_db(db)
    try:
        return conn.execute("SELECT count(*) FROM audit_records").fetchone()[0]
    finally:
        conn.close()


def head_seq(db: Path) -> int:
    conn = raw_db(db)
    try:
        return conn.execute("SELECT max(seq) FROM audit_records").fetchone()[0] or 0
    finally:
        conn.close()

"""A terminal from before migration 0010 (records without row states or MACs, no key): its
first unit of work after the upgrade makes the key and binds every existing case and party
row with a baseline, so a direct edit of an OLD row is caught too."""

from __future__ import annotations

from app.bootstrap import start_terminal
from app.config import Paths
from app.storage.audit import GENESIS, record_hash
from app.usecases.auth import login
from tests.audit.support import admin_cli, tamper
from tests.helpers import raw_db
from tests.sync.support import take_in


def make_pre_0010(db) -> None:  # noqa: ANN001
    """Exactly what 0010's upgrade leaves of an older database: state and mac "" (their
    defaults), hashes by the old recipe, no terminal key."""
    conn = raw_db(db)
    prev = GENESIS
    for seq, at, actor, action, entity, key, detail in conn.execute(
            "SELECT seq, at, actor, action, entity, entity_key, detail FROM audit_records ORDER BY seq").fetchall():
        h = record_hash(prev, at, actor, action, entity, key, detail)
        conn.execute("UPDATE audit_records SET prev_hash = ?, hash = ?, state = '', mac = '' WHERE seq = ?", (prev, h, seq))
        prev = h
    conn.execute("DELETE FROM terminal_keys")
    conn.commit()
    conn.close()


def test_an_upgraded_terminal_binds_its_existing_rows(tmp_path, clock) -> None:  # noqa: ANN001
    data = tmp_path / "terminal"
    data.mkdir()
    ctx = start_terminal(Paths(data), clock=clock)
    take_in(ctx, login(ctx, "clerk01", "demo1234"), 2)
    ctx.close()
    db = data / "clerkdesk.db"
    make_pre_0010(db)
    out = admin_cli(data, "verify-audit")
    assert out.returncode == 0 and "尚未生成签名密钥" in out.stdout  # the old chain itself is fine

    ctx = start_terminal(Paths(data), clock=clock)
    try:
        login(ctx, "clerk01", "demo1234")  # the first audited act after the upgrade
    finally:
        ctx.close()
    conn = raw_db(db)
    actions = [r[0] for r in conn.execute("SELECT action FROM audit_records WHERE mac != '' ORDER BY seq")]
    conn.close()
    assert actions[:3] == ["terminal.key_create", "audit.baseline", "audit.baseline"]  # cases, parties
    out = admin_cli(data, "verify-audit")
    assert out.returncode == 0, out.stdout
    tamper(db, "UPDATE parties SET address = '别处' WHERE id = 1")
    out = admin_cli(data, "verify-audit")
    assert out.returncode == 1 and "[AUDIT_ROW_EDITED]" in out.stdout and "当事人 #1" in out.stdout
    # A record without a MAC slipped in after the key exists is not taken for an old one.
    tamper(db, "UPDATE parties SET address = '永昌县城关镇北海子路12号' WHERE id = 1",
           "UPDATE audit_records SET mac = '' WHERE seq = (SELECT max(seq) FROM audit_records)")
    out = admin_cli(data, "verify-audit")
    assert out.returncode == 1 and "[AUDIT_RECORD_FORGED]" in out.stdout

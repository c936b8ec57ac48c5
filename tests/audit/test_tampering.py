"""Every way of rewriting the audit log that issue 12 lists, done with raw SQL through the
SQLCipher connection (as someone with the database key would), then `verify-audit` run as an
administrator runs it: a Chinese sentence, the error code, exit 1."""

from __future__ import annotations

import pytest

from app.actor import SYSTEM
from app.usecases.sync_state import set_sync_setting
from tests.audit.support import admin_cli, audit_count, head_seq, rehash_from, tamper
from tests.sync.support import connect, sync, take_in


@pytest.fixture
def synced(ctx, clerk, sandbox, data_dir):
    """A terminal with cases whose chain the platform has just confirmed (receipt = last record)."""
    take_in(ctx, clerk, 3)
    connect(ctx, sandbox)
    report = sync(ctx)
    assert report.ok, report.errors
    assert report.receipt is not None and report.receipt.seq == head_seq(data_dir / "clerkdesk.db")
    return data_dir


def verify(data_dir):  # noqa: ANN001, ANN201
    return admin_cli(data_dir, "verify-audit")


def assert_found(out, code: str, *words: str) -> None:  # noqa: ANN001
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"[{code}]" in out.stdout, out.stdout
    for w in words:
        assert w in out.stdout, out.stdout


def test_untouched_synced_terminal_verifies_against_its_receipt(synced) -> None:
    out = verify(synced)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "审计链完整" in out.stdout and "与平台回执一致" in out.stdout


def test_never_synced_terminal_says_only_local_consistency_was_checked(ctx, clerk, data_dir) -> None:
    take_in(ctx, clerk, 1)
    out = verify(data_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "只检查了本机记录前后是否一致" in out.stdout


def test_deleting_the_last_record_is_truncation(synced) -> None:
    db = synced / "clerkdesk.db"
    last = head_seq(db)
    tamper(db, f"DELETE FROM audit_records WHERE seq = {last}")
    assert_found(verify(synced), "AUDIT_TRUNCATED", f"确认本机记录到第 {last} 条", f"现在最后一条是第 {last - 1} 条")


def test_deleting_the_last_500_records_is_truncation(ctx, clerk, sandbox, data_dir) -> None:
    for i in range(520):  # cheap audited changes, so the chain is long enough
        set_sync_setting(ctx, SYSTEM, "sync_interval_seconds", str(30 + i % 7))
    take_in(ctx, clerk, 1)
    connect(ctx, sandbox)
    assert sync(ctx).receipt is not None
    db = data_dir / "clerkdesk.db"
    last = head_seq(db)
    tamper(db, f"DELETE FROM audit_records WHERE seq > {last - 500}")
    assert audit_count(db) == last - 500
    assert_found(verify(data_dir), "AUDIT_TRUNCATED", f"第 {last} 条", f"现在最后一条是第 {last - 500} 条")


def test_deleting_every_record_is_truncation(synced) -> None:
    db = synced / "clerkdesk.db"
    tamper(db, "DELETE FROM audit_records")
    assert_found(verify(synced), "AUDIT_TRUNCATED", "审计记录被全部删除")


def test_deleting_a_record_and_rehashing_the_rest_is_a_rewrite(synced) -> None:
    db = synced / "clerkdesk.db"
    victim = head_seq(db) // 2
    tamper(db, f"DELETE FROM audit_records WHERE seq = {victim}")
    # Renumber too, so not even a gap in the seqs is left; every later link and MAC recomputed.
    tamper(db, f"UPDATE audit_records SET seq = seq - 1 WHERE seq > {victim}")
    rehash_from(db, victim)
    out = verify(synced)
    # Locally the chain is consistent again; only the platform's receipt tells.
    assert "AUDIT_CHAIN_BROKEN" not in out.stdout and "AUDIT_RECORD_FORGED" not in out.stdout
    assert_found(out, "AUDIT_TRUNCATED")


def test_deleting_a_record_and_rehashing_the_rest_keeping_the_count_is_a_rewrite(synced) -> None:
    """The careful variant: a record deleted, the rest re-hashed and one appended at the end so
    the seqs and the count are as the platform saw them."""
    db = synced / "clerkdesk.db"
    last = head_seq(db)
    victim = last // 2
    tamper(db, f"DELETE FROM audit_records WHERE seq = {victim}",
           f"UPDATE audit_records SET seq = seq - 1 WHERE seq > {victim}",
           f"INSERT INTO audit_records (seq, at, actor, action, entity, entity_key, detail, prev_hash, hash, state, mac) "
           f"SELECT {last}, at, actor, 'settings.change', 'setting', 'x', '{{}}', '', '', '', '' FROM audit_records "
           f"WHERE seq = {last - 1}")
    rehash_from(db, victim)
    out = verify(synced)
    assert "AUDIT_CHAIN_BROKEN" not in out.stdout and "AUDIT_RECORD_FORGED" not in out.stdout
    assert_found(out, "AUDIT_REWRITTEN", f"第 {last} 条与平台", "重新计算了哈希")


def test_editing_a_record_and_rehashing_the_rest_is_a_rewrite(synced) -> None:
    db = synced / "clerkdesk.db"
    victim = head_seq(db) // 2
    tamper(db, f"UPDATE audit_records SET actor = 'super01' WHERE seq = {victim}")
    assert_found(verify(synced), "AUDIT_CHAIN_BROKEN", f"记录 {victim}")  # the plain edit: seen locally
    rehash_from(db, victim)
    out = verify(synced)
    assert "AUDIT_CHAIN_BROKEN" not in out.stdout and "AUDIT_RECORD_FORGED" not in out.stdout
    assert_found(out, "AUDIT_REWRITTEN", "被改写")


def test_an_appended_forged_record_is_told_apart(synced) -> None:
    """Linked and hashed by the public recipe, but without the MAC only this terminal's
    software (holding the key inside the encrypted database) writes."""
    from app.storage.audit import record_hash

    db = synced / "clerkdesk.db"
    from tests.helpers import raw_db

    conn = raw_db(db)
    seq, prev = conn.execute("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    at, detail = "2026-11-20T10:00:00", '{"role":"supervisor"}'
    h = record_hash(prev, at, "clerk01", "login.success", "clerk", "clerk01", detail)
    tamper(db, "INSERT INTO audit_records (seq, at, actor, action, entity, entity_key, detail, prev_hash, hash, state, mac) "
               f"VALUES ({seq + 1}, '{at}', 'clerk01', 'login.success', 'clerk', 'clerk01', '{detail}', '{prev}', '{h}', '', '')")
    assert_found(verify(synced), "AUDIT_RECORD_FORGED", f"记录 {seq + 1}", "伪造")


def test_editing_a_party_directly_is_detected(synced) -> None:
    db = synced / "clerkdesk.db"
    tamper(db, "UPDATE parties SET phone = '13900000000' WHERE id = (SELECT min(id) FROM parties)")
    assert_found(verify(synced), "AUDIT_ROW_EDITED", "当事人 #")


def test_editing_a_case_directly_is_detected(synced) -> None:
    from tests.helpers import raw_db

    db = synced / "clerkdesk.db"
    conn = raw_db(db)
    number = conn.execute("SELECT number FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    tamper(db, f"UPDATE cases SET state = 'rejected', reject_reason = '不符合条件' WHERE number = '{number}'")
    assert_found(verify(synced), "AUDIT_ROW_EDITED", f"办件 {number}")


def test_a_party_inserted_directly_is_detected(synced) -> None:
    db = synced / "clerkdesk.db"
    tamper(db, "INSERT INTO parties (kind, name, id_type, id_number, phone, address, legal_rep, created_at) "
               "VALUES ('person', '王五', '', '', '', '', '', '2026-11-20 10:00:00')")
    assert_found(verify(synced), "AUDIT_ROW_UNAUDITED", "当事人 #")


def test_verify_audit_on_a_missing_database_says_so(tmp_path) -> None:
    out = admin_cli(tmp_path / "typo", "verify-audit")
    assert out.returncode == 2 and "STORAGE_NO_DATABASE" in out.stderr
    assert not (tmp_path / "typo" / "clerkdesk.db").exists()

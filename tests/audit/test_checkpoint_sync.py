"""A real sync against the real sandbox on 127.0.0.1: the checkpoint goes once per cycle, the
countersigned receipt is kept, a rewritten chain is refused without holding any event back,
a lost receipt is recovered, and a key copied into another terminal's database does not sign
for that terminal."""

from __future__ import annotations

from sqlalchemy import select

from app.actor import SYSTEM
from app.storage.integrity import public_key_valid, stored_keys
from app.storage.integrity_models import AuditCheckpoint
from app.storage.models import AuditRecord
from app.storage.sync_models import PlatformRegistration
from app.usecases.audit_integrity import receipt_text
from app.usecases.registration import Registration, save_registration
from app.usecases.sync_state import set_sync_setting
from sync.cycle import summary_lines
from tests.audit.support import admin_cli, head_seq, rehash_from, tamper
from tests.hall.support import enrolled_terminal
from tests.helpers import raw_db
from tests.sync.support import connect, sync, take_in


def checkpoints(ctx) -> list[AuditCheckpoint]:  # noqa: ANN001
    with ctx.read() as s:
        return list(s.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))


def test_a_real_sync_stores_the_platforms_countersigned_receipt(ctx, clerk, sandbox, data_dir) -> None:
    take_in(ctx, clerk, 2)
    connect(ctx, sandbox)
    report = sync(ctx)
    assert report.ok, report.errors
    [cp] = checkpoints(ctx)
    assert cp.outcome == "confirmed" and cp.terminal_id == ctx.settings.get("terminal_id")
    with ctx.read() as s:
        head = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).first()
        pinned = s.scalars(select(PlatformRegistration)).first().platform_key
    assert (cp.seq, cp.head_hash) == (head.seq, head.hash)  # the receipt covers the very last record
    # Countersigned with the platform's own key, which the terminal pinned at registration.
    assert pinned == sandbox.register_terminal("T-SOMEONE-ELSE")["platform_key"]
    assert public_key_valid(pinned, receipt_text(cp.terminal_id, cp.seq, cp.head_hash, cp.confirmed_at),
                            cp.platform_signature)
    assert sandbox.terminal(cp.terminal_id)["audit_checkpoints"] == 1
    assert any("审计检查点：平台已确认本机审计记录到第" in line for line in summary_lines(report))
    # Nothing new: the next sync sends no checkpoint at all (the push stays cheap).
    assert sync(ctx).receipt is None and len(checkpoints(ctx)) == 1
    take_in(ctx, clerk, 1)
    assert sync(ctx).receipt.seq > cp.seq and sandbox.terminal(cp.terminal_id)["audit_checkpoints"] == 2
    assert admin_cli(data_dir, "verify-audit").returncode == 0


def test_a_rewritten_chain_is_refused_and_said_but_every_event_still_goes(ctx, clerk, sandbox, data_dir) -> None:
    take_in(ctx, clerk, 2)
    connect(ctx, sandbox)
    assert sync(ctx).ok
    db = data_dir / "clerkdesk.db"
    tamper(db, "UPDATE audit_records SET actor = 'super01' WHERE seq = 5")
    rehash_from(db, 5)
    [new_case] = take_in(ctx, clerk, 1)
    report = sync(ctx)
    assert report.errors[0].code == "AUDIT_CHAIN_REWRITTEN"
    assert "审计记录核对未通过" in report.errors[0].message and "请立即报告县信息中心" in report.errors[0].message
    # The events were pushed all the same.
    assert report.pushed.applied == 2 and len(sandbox.applied_events(new_case)) == 2
    assert checkpoints(ctx)[-1].outcome == "rejected" and checkpoints(ctx)[-1].code == "AUDIT_CHAIN_REWRITTEN"
    # And the next cycle says it again: the platform never takes a rewritten chain.
    assert sync(ctx).errors[0].code == "AUDIT_CHAIN_REWRITTEN"


def test_a_lost_receipt_is_fetched_back_and_the_chain_still_anchored(ctx, clerk, sandbox, data_dir) -> None:
    take_in(ctx, clerk, 1)
    connect(ctx, sandbox)
    first = sync(ctx).receipt
    # Receipts deleted (or the answer never came): the platform still holds the chain to `first`.
    tamper(data_dir / "clerkdesk.db", "DELETE FROM audit_checkpoints")
    assert "只检查了本机记录" in admin_cli(data_dir, "verify-audit").stdout
    take_in(ctx, clerk, 1)
    report = sync(ctx)
    assert report.ok, report.errors
    assert [cp.seq for cp in checkpoints(ctx)] == [first.seq, report.receipt.seq]  # the platform's last came back
    # Deleting the receipts does not hide a rewrite either: the anchor is this terminal's own record.
    tamper(data_dir / "clerkdesk.db", "DELETE FROM audit_checkpoints", "UPDATE audit_records SET action = 'x' WHERE seq = 3")
    rehash_from(data_dir / "clerkdesk.db", 3)
    assert sync(ctx).errors[0].code == "AUDIT_CHAIN_REWRITTEN"
    out = admin_cli(data_dir, "verify-audit")
    assert out.returncode == 1 and "AUDIT_REWRITTEN" in out.stdout


def test_a_key_copied_into_another_terminals_database_does_not_sign_for_it(sandbox, tmp_path) -> None:  # noqa: ANN001
    a = enrolled_terminal(sandbox, tmp_path / "a")
    b = enrolled_terminal(sandbox, tmp_path / "b", window="综合受理5号窗")
    try:
        assert sync(a).receipt is not None and sync(b).receipt is not None
        conn = raw_db(tmp_path / "a" / "clerkdesk.db")
        private, public = conn.execute("SELECT private_key, public_key FROM terminal_keys").fetchone()
        conn.close()
        tamper(tmp_path / "b" / "clerkdesk.db", f"UPDATE terminal_keys SET private_key = '{private}', public_key = '{public}'")
        b.terminal_keys = None  # as a freshly started terminal: the key is read from its database
        set_sync_setting(b, SYSTEM, "sync_interval_seconds", "50")  # something new to checkpoint
        report = sync(b)
        assert report.errors[0].code == "CHECKPOINT_SIGNATURE_INVALID"
        assert sandbox.terminal(b.settings.get("terminal_id"))["public_key"] not in ("", public)
    finally:
        a.close()
        b.close()


def test_a_terminal_registered_before_keys_registers_its_key_at_the_next_sync(ctx, clerk, sandbox) -> None:
    """As a terminal enrolled before this version: registered without a key. The next sync
    sends its public key with its bearer token, pins the platform's, and gets a receipt."""
    set_sync_setting(ctx, SYSTEM, "platform_url", sandbox.url)
    tid = ctx.settings.get("terminal_id")
    got = sandbox.register_terminal(tid)  # no public_key in the body: the old contract
    assert sandbox.terminal(tid)["public_key"] == ""
    save_registration(ctx, SYSTEM, Registration(sandbox.url, tid, got["terminal_secret"], got["token"], None))
    take_in(ctx, clerk, 1)
    report = sync(ctx)
    assert report.ok, report.errors
    with ctx.read() as s:
        reg = s.scalars(select(PlatformRegistration)).first()
        mine = stored_keys(s).public_key_hex
    assert sandbox.terminal(tid)["public_key"] == mine
    assert reg.platform_key == got["platform_key"] and reg.key_registered_at is not None
    assert report.receipt is not None and report.receipt.seq == head_seq(ctx.paths.database)


def test_a_restore_keeps_the_chain_the_platform_confirmed(ctx, clerk, sandbox, data_dir) -> None:
    """A legitimate restore is not a truncation: the audit records after the backup come
    along (same hashes), the rows are stated afresh, the platform still takes the chain."""
    from app.usecases.backups import make_backup

    take_in(ctx, clerk, 1)
    connect(ctx, sandbox)
    backup = make_backup(ctx.paths).path
    take_in(ctx, clerk, 2)  # cases and records after the backup
    confirmed = sync(ctx).receipt
    ctx.close()
    out = admin_cli(data_dir, "restore", str(backup))
    assert out.returncode == 0, out.stderr
    out = admin_cli(data_dir, "verify-audit")
    assert out.returncode == 0, out.stdout
    assert f"确认本机审计记录到第 {confirmed.seq} 条" in out.stdout
    from app.context import open_context

    again = open_context(ctx.paths)
    try:
        report = sync(again)
        assert not [e for e in report.errors if e.code.startswith(("AUDIT", "CHECKPOINT"))], report.errors
        assert report.receipt is not None and report.receipt.seq > confirmed.seq
    finally:
        again.close()

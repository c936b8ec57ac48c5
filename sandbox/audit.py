"""Audit checkpoints on the platform side (sync/contract/audit.py): the terminals' public keys,
the platform's own signing key, and the history of confirmed checkpoints per terminal."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.auth import Principal
from sandbox.errors import PlatformProblem
from sandbox.store import CheckpointRow, SigningKey, Terminal
from sync.contract import AuditCheckpoint, AuditReceipt, ErrorCode, checkpoint_text, format_timestamp, receipt_text


def _private(s: Session) -> Ed25519PrivateKey:
    """The platform's key, made on first use and kept in its store."""
    row = s.scalars(select(SigningKey).order_by(SigningKey.id).limit(1)).first()
    if row is None:
        key = Ed25519PrivateKey.generate()
        row = SigningKey(private_key=key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex(),
                         created_at=clock.stored(clock.now()))
        s.add(row)
        s.flush()
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(row.private_key))


def platform_key(s: Session) -> str:
    return _private(s).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def register_key(s: Session, terminal_id: str, public_key: str, replace: bool = False, successor_of: str = "") -> str:
    """Keep a terminal's public key (the first one; `replace` only for the demo's standing code,
    which replaces the terminal's secret too). A key may be shared only with the terminal this
    one replaces (re-enrolment in place keeps the database, so its key). Returns the platform's key."""
    row = s.get(Terminal, terminal_id)
    if row is None:
        raise PlatformProblem(404, ErrorCode.NOT_FOUND, "没有这个终端。")
    if public_key:
        other = s.scalars(select(Terminal.terminal_id).where(Terminal.public_key == public_key,
                                                             Terminal.terminal_id != terminal_id)).first()
        if other is not None and other != successor_of:
            raise PlatformProblem(409, ErrorCode.TERMINAL_KEY_CONFLICT, "这个签名密钥已属于另一台终端，不能登记为本终端的密钥。")
        if row.public_key and row.public_key != public_key and not replace:
            raise PlatformProblem(409, ErrorCode.TERMINAL_KEY_CONFLICT,
                                  "本终端已登记过另一个签名密钥，平台不接受更换。请联系县信息中心重新注册本终端。")
        row.public_key = public_key
    return platform_key(s)


def last_checkpoint(s: Session, terminal_id: str) -> CheckpointRow | None:
    return s.scalars(select(CheckpointRow).where(CheckpointRow.terminal_id == terminal_id)
                     .order_by(CheckpointRow.id.desc()).limit(1)).first()


def receipt_of(row: CheckpointRow) -> AuditReceipt:
    return AuditReceipt(terminal_id=row.terminal_id, seq=row.seq, head_hash=row.head_hash,
                        confirmed_at=row.confirmed_at, platform_signature=row.platform_signature)


def accept_checkpoint(s: Session, who: Principal, cp: AuditCheckpoint) -> AuditReceipt:
    """Verify, check it extends the last confirmed checkpoint, keep it, countersign."""
    if cp.terminal_id != who.terminal_id:
        raise PlatformProblem(403, ErrorCode.CHECKPOINT_TERMINAL_MISMATCH,
                              f"检查点写的是终端 {cp.terminal_id}，登录的却是终端 {who.terminal_id}。")
    terminal = s.get(Terminal, who.terminal_id)
    if terminal is None or not terminal.public_key:
        raise PlatformProblem(409, ErrorCode.TERMINAL_KEY_MISSING, "本终端尚未向平台登记签名密钥。")
    message = checkpoint_text(cp.terminal_id, cp.seq, cp.head_hash, cp.anchor_seq, cp.anchor_hash, cp.signed_at)
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(terminal.public_key)).verify(bytes.fromhex(cp.signature), message)
    except Exception:  # noqa: BLE001 — InvalidSignature or a malformed key: refused the same way
        raise PlatformProblem(403, ErrorCode.CHECKPOINT_SIGNATURE_INVALID,
                              "审计检查点的签名不是本终端登记的密钥签的。") from None
    last = last_checkpoint(s, who.terminal_id)
    if last is not None:
        if cp.anchor_seq != last.seq:
            raise PlatformProblem(409, ErrorCode.CHECKPOINT_ANCHOR_STALE,
                                  f"平台最后确认的是第 {last.seq} 条审计记录，检查点须以它为基准。")
        if cp.seq < last.seq:
            raise PlatformProblem(409, ErrorCode.AUDIT_CHAIN_TRUNCATED,
                                  f"平台已确认本终端有 {last.seq} 条审计记录，现在只报来 {cp.seq} 条：记录被删除了。")
        if cp.anchor_hash != last.head_hash:
            raise PlatformProblem(409, ErrorCode.AUDIT_CHAIN_REWRITTEN,
                                  f"第 {last.seq} 条审计记录与平台确认过的不同：之前的记录被改写了。")
        if cp.seq == last.seq:
            if cp.head_hash != last.head_hash:
                raise PlatformProblem(409, ErrorCode.AUDIT_CHAIN_REWRITTEN,
                                      f"第 {last.seq} 条审计记录与平台确认过的不同：之前的记录被改写了。")
            return receipt_of(last)  # the same checkpoint again (a lost answer): the same receipt
    confirmed_at = format_timestamp(clock.now())
    signature = _private(s).sign(receipt_text(cp.terminal_id, cp.seq, cp.head_hash, confirmed_at)).hex()
    row = CheckpointRow(terminal_id=cp.terminal_id, seq=cp.seq, head_hash=cp.head_hash, anchor_seq=cp.anchor_seq,
                        signed_at=cp.signed_at, signature=cp.signature, confirmed_at=confirmed_at,
                        platform_signature=signature)
    s.add(row)
    return receipt_of(row)

"""Append-only, hash-chained audit log (DESIGN.md §2, 第三十一/三十六条).

Each record's hash covers its own fields and the previous record's hash, so changing,
removing or reordering any record breaks the chain from that point on. Since migration 0010
a record also carries
- `state`: the hashes of the case and party rows its transaction left behind (so a row edited
  behind the app's back no longer matches its last audited state), and
- `mac`: an HMAC of its hash with a key derived from the terminal's signing key, which lives
  only inside the encrypted database (so a record appended by someone who knows the public
  recipe but not the key is told apart from the app's own).
What stops a rewrite of the whole chain is the platform's countersigned checkpoint
(app/usecases/audit_integrity.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, bindparam, func, insert, select, text
from sqlalchemy.orm import Session

from app.storage.models import AuditRecord
from app.storage.prepared import Prepared

GENESIS = "0" * 64


def canonical_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def record_hash(prev_hash: str, at: str, actor: str, action: str, entity: str, entity_key: str, detail: str,
                state: str = "") -> str:
    fields = [prev_hash, at, actor, action, entity, entity_key, detail]
    if state:  # records from before 0010 have none: their hashes stay what they were
        fields.append(state)
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def record_mac(mac_key: bytes, hash_: str) -> str:
    return hmac.new(mac_key, hash_.encode("ascii"), hashlib.sha256).hexdigest()


def append_audit(
    session: Session, at: datetime, actor: str, action: str, entity: str, entity_key: str, detail: dict,
    mac_key: bytes | None = None, state: str = "",
) -> AuditRecord:
    """Must run inside the same transaction as the change it records."""
    prev = session.scalars(select(AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)).first() or GENESIS
    rec = AuditRecord(at=at.isoformat(), actor=actor, action=action, entity=entity, entity_key=entity_key,
                      detail=canonical_json(detail), prev_hash=prev, state=state)
    seal(rec, mac_key)
    session.add(rec)
    return rec


@dataclass(frozen=True)
class AuditDraft:
    """A record a unit of work has stated but not yet chained: `detail` is already the
    canonical JSON of what the caller passed (so a later change to the dict cannot alter it)."""

    at: str
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: str


_HEAD = select(AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
_INSERT = insert(AuditRecord.__table__)  # type: ignore[arg-type]
_COLUMNS = ("at", "actor", "action", "entity", "entity_key", "detail", "prev_hash", "hash", "state", "mac")
_PREV = bindparam("r_prev_hash", type_=String())
# The same row, inserted only if the chain's head (GENESIS when empty) is still the record it
# links to: the check and the append are one statement under the write lock.
_INSERT_IF_HEAD = Prepared(insert(AuditRecord.__table__).from_select(  # type: ignore[arg-type]
    list(_COLUMNS),
    select(*(_PREV if c == "prev_hash" else bindparam(f"r_{c}", type_=AuditRecord.__table__.c[c].type)
             for c in _COLUMNS))
    .where(func.coalesce(_HEAD.scalar_subquery(), GENESIS) == _PREV),
))


def _chained(drafts: list[AuditDraft], prev: str, mac_key: bytes | None, state: str) -> list[dict]:
    rows = []
    for i, d in enumerate(drafts):
        st = state if i == len(drafts) - 1 else ""
        h = record_hash(prev, d.at, d.actor, d.action, d.entity, d.entity_key, d.detail, st)
        rows.append({"at": d.at, "actor": d.actor, "action": d.action, "entity": d.entity, "entity_key": d.entity_key,
                     "detail": d.detail, "prev_hash": prev, "hash": h, "state": st,
                     "mac": record_mac(mac_key, h) if mac_key else ""})
        prev = h
    return rows


def append_drafts(session: Session, drafts: list[AuditDraft], mac_key: bytes | None, state: str = "",
                  head_guess: str | None = None) -> str:
    """Chain `drafts` after the last record, the last of them carrying `state`, in one INSERT;
    returns the new head's hash. The caller has flushed the session (records added through the
    ORM come first) and holds the write lock (BEGIN IMMEDIATE).

    `head_guess` is the head this process wrote last. Each row is then inserted only if the
    real head is the record it links to, checked inside the INSERT; if another program, a
    restore or a rolled-back transaction made the guess wrong, nothing is inserted and the
    head is read. Either way each record links to the real head: the guess saves a query,
    it is never trusted."""
    if not drafts:
        return ""
    conn = session.connection()  # the transaction's connection: no autoflush, no ORM bookkeeping
    if head_guess:
        rows = _chained(drafts, head_guess, mac_key, state)
        params = [{f"r_{k}": v for k, v in r.items()} for r in rows]
        inserted = _INSERT_IF_HEAD.run(conn, params[0]) if len(params) == 1 else _INSERT_IF_HEAD.run_many(conn, params)
        if inserted == len(rows):
            return rows[-1]["hash"]
        if inserted:  # the first row links to the head, so all of them do: never half a batch
            raise RuntimeError(f"audit chain: {inserted} of {len(rows)} records appended")
    rows = _chained(drafts, conn.execute(_HEAD).scalar() or GENESIS, mac_key, state)
    conn.execute(_INSERT, rows[0] if len(rows) == 1 else rows)
    return rows[-1]["hash"]


def seal(rec: AuditRecord, mac_key: bytes | None) -> None:
    """(Re)compute the record's hash and MAC — after its `state` was filled in at the end of
    its transaction, before anything is chained after it."""
    rec.hash = record_hash(rec.prev_hash, rec.at, rec.actor, rec.action, rec.entity, rec.entity_key, rec.detail,
                           rec.state or "")
    rec.mac = record_mac(mac_key, rec.hash) if mac_key else ""


@dataclass(frozen=True)
class AuditVerdict:
    records: int
    first_broken_seq: int | None
    reason: str
    code: str = ""  # AUDIT_CHAIN_BROKEN (a link broken) | AUDIT_RECORD_FORGED (no valid MAC)
    last_seq: int = 0
    last_hash: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


@dataclass(frozen=True)
class ChainRow:
    seq: int
    at: str
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: str
    prev_hash: str
    hash: str
    state: str = ""
    mac: str = ""


def chain_rows(session: Session, after_seq: int, batch: int) -> list[ChainRow]:
    """The next records by seq, read with whatever columns the database has (a backup made
    before 0010 has no state/mac)."""
    cols = {r[1] for r in session.execute(text("PRAGMA table_info(audit_records)"))}
    extra = ", state, mac" if "mac" in cols else ""
    rows = session.execute(text(f"SELECT seq, at, actor, action, entity, entity_key, detail, prev_hash, hash{extra} "
                                "FROM audit_records WHERE seq > :s ORDER BY seq LIMIT :n"), {"s": after_seq, "n": batch})
    return [ChainRow(*r) for r in rows]


def stored_mac_key(session: Session) -> bytes | None:
    """The MAC key of the database `session` reads (None before the terminal has a key)."""
    from app.storage.integrity_models import TerminalKey

    try:
        row = session.scalars(select(TerminalKey).order_by(TerminalKey.id).limit(1)).first()
    except Exception:  # noqa: BLE001 — a backup from before 0010 has no such table
        session.rollback()
        return None
    return mac_key_from(bytes.fromhex(row.private_key)) if row else None


def mac_key_from(private_key: bytes) -> bytes:
    """The audit MAC key, derived from (never equal to) the terminal's signing key."""
    return hmac.new(private_key, b"clerkdesk audit record mac v1", hashlib.sha256).digest()


def verify_chain(session: Session, batch: int = 5000, on_record: object = None) -> AuditVerdict:
    """Walk the chain from the start: links, hashes and MACs. `on_record(row)` sees every
    intact record (verify-audit collects the row states with it)."""
    mac_key = stored_mac_key(session)
    prev = GENESIS
    expected_seq = None
    count = 0
    last_seq = 0
    macs_started = False
    while True:
        rows = chain_rows(session, last_seq, batch)
        if not rows:
            return AuditVerdict(count, None, "", last_seq=last_seq, last_hash=prev if count else "")
        for r in rows:
            if expected_seq is not None and r.seq != expected_seq:
                return AuditVerdict(count, expected_seq, f"记录 {expected_seq} 缺失（序号跳到 {r.seq}）",
                                    "AUDIT_CHAIN_BROKEN", last_seq, prev)
            if r.prev_hash != prev:
                return AuditVerdict(count, r.seq, f"记录 {r.seq} 的前序哈希与上一条不符", "AUDIT_CHAIN_BROKEN", last_seq, prev)
            if record_hash(r.prev_hash, r.at, r.actor, r.action, r.entity, r.entity_key, r.detail, r.state or "") != r.hash:
                return AuditVerdict(count, r.seq, f"记录 {r.seq} 的内容与其哈希不符（已被改动）", "AUDIT_CHAIN_BROKEN",
                                    last_seq, prev)
            if r.mac or macs_started:
                # Once the terminal has its key every record carries a MAC; one without (or with
                # a wrong one) was not written by this terminal's software.
                if mac_key is None or not hmac.compare_digest(r.mac or "", record_mac(mac_key, r.hash)):
                    return AuditVerdict(count, r.seq, f"记录 {r.seq} 没有本终端的校验码（{r.action}，{r.at}），"
                                                      "不是本机软件写入的，是伪造的记录", "AUDIT_RECORD_FORGED", last_seq, prev)
                macs_started = True
            if on_record is not None:
                on_record(r)  # type: ignore[operator]
            prev = r.hash
            expected_seq = r.seq + 1
            last_seq = r.seq
            count += 1

"""What makes the audit log bind the data (issue 12, requirement 3), at the storage level:

- the terminal's Ed25519 key pair (made by the first unit of work that audits anything, kept
  only in the encrypted database) and the audit MAC key derived from it;
- row states: every unit of work that changed a case or party row records, in its last audit
  record, a hash of each such row as the transaction left it. verify-audit recomputes the
  current rows' hashes and compares them with the latest audited ones, so an UPDATE, INSERT
  or DELETE on `cases`/`parties` that did not come through a unit of work shows.

Row hash: SHA-256 (first 32 hex digits) of the canonical JSON of the row's columns as the
database returns them, leaving out NULL and "" values — so a later migration that adds a
nullable or empty-default column does not change any existing row's hash (a column added with
another default must append a new baseline: `append_baseline`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import Table, bindparam, event, select
from sqlalchemy.orm import Session

from app.storage.audit import append_audit, canonical_json, mac_key_from
from app.storage.integrity_models import TerminalKey
from app.storage.models import Case, Party

# The tables whose rows the audit binds, by the name used in a record's `state`.
ROW_TABLES: dict[str, Table] = {"cases": Case.__table__, "parties": Party.__table__}  # type: ignore[dict-item]
_MODELS = {Case: "cases", Party: "parties"}
TOUCHED = "audit_touched_rows"
BASELINE_CHUNK = 2000
BASELINE = "audit.baseline"


@dataclass(frozen=True)
class TerminalKeys:
    private_key: bytes
    public_key_hex: str

    @property
    def mac_key(self) -> bytes:
        return mac_key_from(self.private_key)

    def sign(self, message: bytes) -> str:
        return Ed25519PrivateKey.from_private_bytes(self.private_key).sign(message).hex()


def keys_of(row: TerminalKey) -> TerminalKeys:
    return TerminalKeys(bytes.fromhex(row.private_key), row.public_key)


def stored_keys(session: Session) -> TerminalKeys | None:
    row = session.scalars(select(TerminalKey).order_by(TerminalKey.id).limit(1)).first()
    return keys_of(row) if row else None


def create_keys(session: Session, now: datetime, actor: str) -> TerminalKeys:
    """Make the terminal's key pair inside the caller's transaction, audit it (public key
    only), and bind every case and party row that exists already (a terminal upgraded to
    0010) with a baseline."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    session.add(TerminalKey(private_key=raw.hex(), public_key=public, created_at=now))
    keys = TerminalKeys(raw, public)
    append_audit(session, now, actor, "terminal.key_create", "terminal", "", {"public_key": public},
                 mac_key=keys.mac_key)
    append_baseline(session, now, actor, keys.mac_key)
    return keys


def append_baseline(session: Session, now: datetime, actor: str, mac_key: bytes) -> int:
    """Audit records stating the current hash of every case and party row (in chunks). The
    first chunk of each table says `reset`: what was audited of that table before no longer
    counts (after a restore, rows audited since the backup are not in the database)."""
    chunks = 0
    for name, table in ROW_TABLES.items():
        ids = list(session.scalars(select(table.c.id).order_by(table.c.id)))
        for i in range(0, max(len(ids), 1), BASELINE_CHUNK):
            part = ids[i:i + BASELINE_CHUNK]
            state = canonical_json({name: current_hashes(session, name, part)})
            append_audit(session, now, actor, BASELINE, name, f"{part[0]}-{part[-1]}" if part else "",
                         {"rows": len(part), "reset": i == 0}, mac_key=mac_key, state=state)
            chunks += 1
    return chunks


def row_hash(mapping: Any) -> str:
    values = {}
    for key, value in mapping.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = int(value)
        values[key] = value if isinstance(value, int) else str(value)
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# Built once: every unit of work that writes a case reads it back by id at its seal.
_ROWS_BY_ID = {name: select(t).where(t.c.id.in_(bindparam("ids", expanding=True))) for name, t in ROW_TABLES.items()}


def current_hashes(session: Session, name: str, ids: Iterable[int] | None = None) -> dict[str, str]:
    """{row id: hash} of the rows as the database holds them now (all rows when ids is None)."""
    if ids is None:
        q, params = select(ROW_TABLES[name]), {}
    else:
        ids = list(ids)
        if not ids:
            return {}
        q, params = _ROWS_BY_ID[name], {"ids": ids}
    # Core on the session's connection: the rows as stored, without the ORM's execution layer.
    return {str(row.id): row_hash(row._mapping) for row in session.connection().execute(q, params)}


@event.listens_for(Session, "before_flush")
def _collect_touched(session: Session, _ctx: object, _instances: object) -> None:
    """Remember every case and party row a flush writes (autoflushes included), so the unit of
    work can state their hashes when it ends."""
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        name = _MODELS.get(type(obj))
        if name is not None:
            session.info.setdefault(TOUCHED, {}).setdefault(name, []).append(obj)


def note_touched(session: Session, name: str, row_id: int) -> None:
    """A case or party row written without the ORM (a Core or prepared statement): read back and stated at
    the end of the transaction like the rows a flush wrote."""
    session.info.setdefault(TOUCHED, {}).setdefault(name, []).append(row_id)


def note_written(session: Session, name: str, row: Mapping[str, Any]) -> None:
    """A case or party row as an INSERT … RETURNING gave it back (the stored values, the same
    as reading it): its hash now, so the seal need not read it again. If anything in the same
    transaction writes the row again (an ORM flush, `note_touched`), the row is read back
    at the seal instead."""
    session.info.setdefault(TOUCHED, {}).setdefault(name, []).append((int(row["id"]), row_hash(row)))


def touched_state(session: Session) -> str:
    """After the final flush: the state of every case/party row this transaction wrote, or ""."""
    touched: dict[str, list] = session.info.pop(TOUCHED, {})
    if not touched:
        return ""
    state = {}
    for name, entries in touched.items():
        known: dict[int, str] = {}
        ids: set[int] = set()
        for e in entries:
            if isinstance(e, tuple):
                known[e[0]] = e[1]
            elif isinstance(e, int):
                ids.add(e)
            elif e.id is not None:
                ids.add(e.id)
        hashes = current_hashes(session, name, ids)
        hashes.update({str(i): h for i, h in known.items() if i not in ids})  # written once, as returned
        # A row gone from the table (deleted through the ORM) is stated as "" — nothing is
        # ever deleted by the app, but the record must say so if it happens.
        state[name] = {str(i): hashes.get(str(i), "") for i in sorted(ids | known.keys())}
    return canonical_json(state)


def public_key_valid(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex), message)
    except Exception:  # noqa: BLE001 — a malformed key or signature is simply not valid
        return False
    return True

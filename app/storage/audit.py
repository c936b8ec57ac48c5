"""Append-only, hash-chained audit log (DESIGN.md §2, 第三十一/三十六条).

Each record's hash covers its own fields and the previous record's hash, so changing,
removing or reordering any record breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.storage.models import AuditRecord

GENESIS = "0" * 64


def canonical_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def record_hash(prev_hash: str, at: str, actor: str, action: str, entity: str, entity_key: str, detail: str) -> str:
    payload = "\x1f".join([prev_hash, at, actor, action, entity, entity_key, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_audit(
    session: Session, at: datetime, actor: str, action: str, entity: str, entity_key: str, detail: dict
) -> AuditRecord:
    """Must run inside the same transaction as the change it records."""
    prev = session.scalars(select(AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)).first() or GENESIS
    at_text = at.isoformat()
    detail_text = canonical_json(detail)
    rec = AuditRecord(
        at=at_text,
        actor=actor,
        action=action,
        entity=entity,
        entity_key=entity_key,
        detail=detail_text,
        prev_hash=prev,
        hash=record_hash(prev, at_text, actor, action, entity, entity_key, detail_text),
    )
    session.add(rec)
    return rec


@dataclass(frozen=True)
class AuditVerdict:
    records: int
    first_broken_seq: int | None
    reason: str

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session, batch: int = 5000) -> AuditVerdict:
    prev = GENESIS
    expected_seq = None
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.seq > last_seq).order_by(AuditRecord.seq).limit(batch)
        ).all()
        if not rows:
            return AuditVerdict(count, None, "")
        for r in rows:
            if expected_seq is not None and r.seq != expected_seq:
                return AuditVerdict(count, expected_seq, f"记录 {expected_seq} 缺失（序号跳到 {r.seq}）")
            if r.prev_hash != prev:
                return AuditVerdict(count, r.seq, f"记录 {r.seq} 的前序哈希与上一条不符")
            if record_hash(r.prev_hash, r.at, r.actor, r.action, r.entity, r.entity_key, r.detail) != r.hash:
                return AuditVerdict(count, r.seq, f"记录 {r.seq} 的内容与其哈希不符（已被改动）")
            prev = r.hash
            expected_seq = r.seq + 1
            last_seq = r.seq
            count += 1

"""The transactional outbox: events for the platform, written with the change they report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from app.storage.models import OutboxEvent


def enqueue(session: Session, kind: str, case_number: str, occurred_at: datetime, terminal_id: str, actor: str,
            data: dict) -> OutboxEvent:
    """`data` comes checked against its kind's type (app/events.py, UnitOfWork.send)."""
    event_id = str(uuid.uuid4())
    ev = OutboxEvent(
        event_id=event_id,
        kind=kind,
        case_number=case_number,
        payload={
            "event_id": event_id,
            "kind": kind,
            "case_number": case_number,
            "occurred_at": occurred_at.isoformat(),
            "terminal_id": terminal_id,
            "actor": actor,
            "data": data,
        },
        created_at=occurred_at,
    )
    session.add(ev)
    return ev

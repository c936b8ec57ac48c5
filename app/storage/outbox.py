"""The transactional outbox: events for the platform, written with the change they report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, insert

from app.storage.models import OutboxEvent
from app.storage.prepared import Prepared

_INSERT = Prepared(insert(OutboxEvent.__table__))  # type: ignore[arg-type]


def enqueue(conn: Connection, kind: str, case_number: str, occurred_at: datetime, terminal_id: str, actor: str,
            data: dict) -> str:
    """`data` comes checked against its kind's type (app/events.py, UnitOfWork.send). Written
    at once with a prepared INSERT in the caller's transaction (nothing refers to an outbox row, so
    it need not wait for the ORM's flush); returns the event id."""
    event_id = str(uuid.uuid4())
    _INSERT.run(conn, dict(
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
    ))
    return event_id

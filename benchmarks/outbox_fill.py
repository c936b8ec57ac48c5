"""A terminal with a long queue: N events waiting for the platform, as after days offline.

Taking thousands of cases in through the intake use case would take minutes, so a few real
cases are taken in and their events cloned under fresh case numbers and event ids — the
platform sees what it would see from a busy station: receive, then the decision, per case.
Used by the sync benchmark and by the UI responsiveness test.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import insert, select

from app.actor import SYSTEM, Actor
from app.case_states import Action
from app.context import AppContext
from app.rules.case_number import make_case_number, number_prefix
from app.rules.decisions import Provided, Tick
from app.rules.party import PartyInput
from app.storage.models import OutboxEvent
from app.usecases.catalog import build_index, item_guide
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput

ITEM = "个体工商户设立登记"
FIRST_CLONE_SERIAL = 9_500_000  # inside the demo block's range, far above what the sample cases use


def _sample_case(ctx: AppContext, actor: Actor) -> str:
    g = item_guide(ctx, build_index(ctx).search(ITEM)[0].item_id)
    ticks = [Tick(m.material_id, m.name, platform_verified=True) if m.platform_verifiable
             else Tick(m.material_id, m.name, Provided.ORIGINAL, pages=2) for m in g.materials]
    party = PartyInput("person", "王秀英", id_number="620321198506122313", phone="13893512345",
                       address="永昌县城关镇北海子路12号")
    return intake_and_decide(ctx, actor, IntakeInput(g.item_id, party, ticks), Decision(Action.ACCEPT)).value.number


def _events_of(ctx: AppContext, case_number: str) -> list[OutboxEvent]:
    with ctx.read() as s:
        return list(s.scalars(select(OutboxEvent).where(OutboxEvent.case_number == case_number)
                              .order_by(OutboxEvent.seq)))


def fill_outbox(ctx: AppContext, actor: Actor, events: int) -> int:
    """Queue at least `events` pending events; returns how many are pending in all."""
    template = _events_of(ctx, _sample_case(ctx, actor))
    prefix = number_prefix(ctx.settings.get("area_code"), ctx.today().year)
    per_case = len(template)
    rows = []
    for i in range((max(0, events - per_case) + per_case - 1) // per_case):
        number = make_case_number(prefix, FIRST_CLONE_SERIAL + i)
        for ev in template:
            event_id = str(uuid.uuid4())
            payload = json.loads(json.dumps(ev.payload).replace(ev.case_number, number))
            payload["event_id"] = event_id
            rows.append({"event_id": event_id, "kind": ev.kind, "case_number": number, "payload": payload,
                         "created_at": ev.created_at, "status": "pending"})
    with ctx.unit_of_work(SYSTEM) as uow:
        for start in range(0, len(rows), 2000):
            uow.session.execute(insert(OutboxEvent), rows[start:start + 2000])
    return len(rows) + per_case

"""The outbox pusher: sends queued events to the platform in batches, oldest first, and
marks each by the platform's answer (app/usecases/sync_state.py decides the order and the
marks; this module only moves batches over the wire).

Order per case: a batch never carries a case's event ahead of an earlier one of the same
case. When the platform rejects an event, it goes to "needs attention"; the case's later
events wait behind it (sending an acceptance for a case the platform refused to receive
would only be refused again), while every other case goes on. Resolved by a person, the
rejected event is sent again first, then the ones waiting behind it.
"""

from __future__ import annotations

from collections.abc import Callable

from app.context import AppContext
from app.usecases.sync_state import PushSummary, record_answers, take_batch
from sync.api import PlatformApi


def push_pending(ctx: AppContext, api: PlatformApi, batch_size: int | None = None,
                 on_batch: Callable[[PushSummary], None] | None = None) -> PushSummary:
    """Push until nothing sendable is left. A platform error propagates (the batch stays
    "sending" and goes again next time, under the same event ids)."""
    size = batch_size or ctx.settings.int("sync_batch_size")
    total = PushSummary()
    while True:
        batch = take_batch(ctx, size)
        if not batch.events:
            return total
        answers = api.push_events(batch.events)
        summary = record_answers(ctx, batch, answers).value
        total = total + summary
        if on_batch is not None:
            on_batch(total)
        if summary.unanswered == len(batch.events):
            return total  # the platform answered none of them: try again next cycle, not in a tight loop

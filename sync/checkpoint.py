"""The audit checkpoint of a sync (sync/contract/audit.py): once per cycle, after the events
and pulls, so it covers every record the cycle wrote and never holds an event back.

A refusal that says the chain was cut or rewritten is kept (app/usecases/audit_integrity.py)
and reported as the cycle's problem: the status bar turns yellow with the Chinese sentence and
the code, and the next cycle says it again until someone looks into it.
"""

from __future__ import annotations

from app.actor import SYSTEM
from app.context import AppContext
from app.rules.problems import Problem
from app.usecases.audit_integrity import (
    CheckpointDraft,
    Receipt,
    checkpoint_problem,
    draft_checkpoint,
    key_registration_needed,
    pin_platform_key,
    record_receipt,
    record_rejection,
    terminal_public_key,
)
from sync import contract as c
from sync.api import PlatformApi
from sync.http import PlatformRefused

# What the platform says when this terminal's chain does not extend what it confirmed.
REFUSALS = frozenset({c.ErrorCode.AUDIT_CHAIN_TRUNCATED, c.ErrorCode.AUDIT_CHAIN_REWRITTEN,
                      c.ErrorCode.CHECKPOINT_SIGNATURE_INVALID, c.ErrorCode.CHECKPOINT_TERMINAL_MISMATCH,
                      c.ErrorCode.TERMINAL_KEY_MISSING, c.ErrorCode.TERMINAL_KEY_CONFLICT,
                      "AUDIT_RECEIPT_INVALID", "PLATFORM_KEY_CHANGED"})  # the last two: said by this terminal


def send_checkpoint(ctx: AppContext, api: PlatformApi) -> tuple[Receipt | None, Problem | None]:
    """(receipt kept, None) — or (None, the refusal) — or (None, None) when nothing is new.
    A link failure propagates as PlatformError (the cycle reports it; next cycle tries again)."""
    url = api.http.base_url
    draft: CheckpointDraft | None = None
    try:
        if key_registration_needed(ctx, url):
            # A terminal from before keys existed: its public key goes with its bearer token
            # (the terminal credential), once; the platform keeps the first one it gets.
            pin_platform_key(ctx, SYSTEM, url, api.register_key(terminal_public_key(ctx)))
        draft = draft_checkpoint(ctx, url)
        if draft is None:
            return None, None
        try:
            receipt = api.audit_checkpoint(draft)
        except PlatformRefused as err:
            if err.platform_code != c.ErrorCode.CHECKPOINT_ANCHOR_STALE:
                raise
            # Our receipt of the platform's last confirmation was lost (an answer that never
            # came, receipts deleted, a restored database): fetch it, keep it, anchor on it.
            last = api.last_audit_receipt()
            if last is not None:
                record_receipt(ctx, url, last)
            draft = draft_checkpoint(ctx, url, anchor_seq=last.seq if last is not None else 0)
            if draft is None:
                return last, None
            receipt = api.audit_checkpoint(draft)
    except PlatformRefused as err:
        if err.platform_code not in REFUSALS:
            raise
        if draft is None:  # the key registration itself was refused
            return None, checkpoint_problem(err.platform_code, err.message)
        return None, record_rejection(ctx, url, draft, err.platform_code, err.message)
    return record_receipt(ctx, url, receipt, draft.signed_at), None

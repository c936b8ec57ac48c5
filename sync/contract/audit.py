"""Audit checkpoints: the platform holds the terminal's audit chain to what it confirmed.

Keys
----
Each terminal has an Ed25519 key pair (raw 32-byte keys, lower-case hex). It sends its public
key at registration (``TerminalRegistration.public_key``) and the platform answers its own
(``TerminalRegistered.platform_key``); the terminal pins that key. A terminal registered
before keys existed sends it once with ``PUT /api/v1/terminals/key`` (``TerminalKey``,
authenticated by the terminal's bearer token) and gets ``PlatformKey``. The platform keeps
the first key a terminal registers: another one later is 409 ``TERMINAL_KEY_CONFLICT`` (so is a
key already registered by another terminal); the same one again is answered as the first time.

Checkpoints
-----------
After pushing its events, the terminal sends ONE checkpoint per sync (``POST
/api/v1/audit/checkpoints``, ``AuditCheckpoint``): its last audit seq, that record's hash
(``head_hash``) and the *anchor* — the seq the platform confirmed last (0 for none) and the
terminal's own hash of that record now. Signed over ``checkpoint_text`` with the terminal's
key. The platform
- takes the terminal from the token: ``terminal_id`` must be the token's (403
  ``CHECKPOINT_TERMINAL_MISMATCH``), the signature must verify with THAT terminal's key (403
  ``CHECKPOINT_SIGNATURE_INVALID``; no key yet: 409 ``TERMINAL_KEY_MISSING``);
- accepts it only if it extends the last checkpoint it confirmed (seq L, hash H): anchor_seq
  must be L (else 409 ``CHECKPOINT_ANCHOR_STALE``: GET the last receipt, send again),
  seq >= L (else 409 ``AUDIT_CHAIN_TRUNCATED``), anchor_hash == H (else 409
  ``AUDIT_CHAIN_REWRITTEN``) — so a record deleted, edited or re-hashed anywhere up to L is
  refused for good. The same checkpoint again is answered with the same receipt.
- keeps every checkpoint it confirmed (the terminal's history) and answers ``AuditReceipt``,
  countersigned over ``receipt_text`` with the platform's key.
``GET /api/v1/audit/checkpoints`` answers the last receipt of the token's terminal (404
``NOT_FOUND`` when there is none).
Timestamps in signed texts are the exact strings sent (``signed_at``, ``confirmed_at``).
"""

from __future__ import annotations

from pydantic import Field

from sync.contract.wire import ContractModel

HEX_KEY = r"^[0-9a-f]{64}$"
HEX_HASH = r"^([0-9a-f]{64})?$"
HEX_SIGNATURE = r"^[0-9a-f]{128}$"


def checkpoint_text(terminal_id: str, seq: int, head_hash: str, anchor_seq: int, anchor_hash: str, signed_at: str) -> bytes:
    """What the terminal signs."""
    return "\n".join(["clerkdesk-audit-checkpoint/v1", terminal_id, str(seq), head_hash, str(anchor_seq),
                      anchor_hash, signed_at]).encode("utf-8")


def receipt_text(terminal_id: str, seq: int, head_hash: str, confirmed_at: str) -> bytes:
    """What the platform countersigns."""
    return "\n".join(["clerkdesk-audit-receipt/v1", terminal_id, str(seq), head_hash, confirmed_at]).encode("utf-8")


class TerminalKey(ContractModel):
    """PUT /terminals/key (terminal token)."""

    public_key: str = Field(pattern=HEX_KEY)


class PlatformKey(ContractModel):
    platform_key: str = Field(pattern=HEX_KEY)


class AuditCheckpoint(ContractModel):
    """POST /audit/checkpoints (terminal token)."""

    terminal_id: str = Field(max_length=64)
    seq: int = Field(ge=1)
    head_hash: str = Field(pattern=HEX_KEY)
    anchor_seq: int = Field(default=0, ge=0)
    anchor_hash: str = Field(default="", pattern=HEX_HASH)  # "" when anchor_seq is 0 or the record is gone
    signed_at: str = Field(max_length=40)
    signature: str = Field(pattern=HEX_SIGNATURE)


class AuditReceipt(ContractModel):
    terminal_id: str
    seq: int
    head_hash: str
    confirmed_at: str
    platform_signature: str = Field(pattern=HEX_SIGNATURE)

"""The case workflow both sides agree on: states and moves."""

from __future__ import annotations

from typing import Literal

# --- the case workflow both sides agree on ------------------------------------------------------
# States and moves of a case as the platform knows them. The terminal's own table
# (app/case_states.py CASE_WORKFLOW) has more columns (permissions, documents); every move it
# reports or receives must be one of these — tests/test_contract_agreement.py holds them equal.
# The sandbox applies exactly this table.

CASE_STATES = ("received", "awaiting_supplement", "rejected", "accepted", "in_progress", "suspended",
               "concluded_approved", "concluded_denied", "awaiting_pickup", "collected", "mailed", "delivered",
               "withdrawn")
CaseState = Literal["received", "awaiting_supplement", "rejected", "accepted", "in_progress", "suspended",
                    "concluded_approved", "concluded_denied", "awaiting_pickup", "collected", "mailed", "delivered",
                    "withdrawn"]

# (from, action, to); "" = the case does not exist yet. `by`: who reports the move —
# "terminal" (an event the terminal sends), "platform" (progress the platform reports), or both.
CASE_TRANSITIONS: tuple[tuple[str, str, str, str], ...] = (
    ("", "receive", "received", "terminal"),
    ("received", "accept", "accepted", "terminal"),
    ("received", "request_supplement", "awaiting_supplement", "terminal"),
    ("received", "reject", "rejected", "terminal"),
    ("received", "correct_on_spot", "received", "terminal"),
    ("received", "deem_accepted", "accepted", "terminal"),
    ("received", "withdraw", "withdrawn", "terminal"),
    ("awaiting_supplement", "resubmit", "received", "terminal"),
    ("awaiting_supplement", "withdraw", "withdrawn", "terminal"),
    ("accepted", "start_processing", "in_progress", "both"),
    ("accepted", "withdraw", "withdrawn", "terminal"),
    ("in_progress", "suspend_clock", "suspended", "terminal"),
    ("suspended", "resume_clock", "in_progress", "both"),
    ("in_progress", "conclude_approved", "concluded_approved", "platform"),
    ("in_progress", "conclude_denied", "concluded_denied", "platform"),
    ("in_progress", "withdraw", "withdrawn", "terminal"),
    ("concluded_approved", "certificate_ready", "awaiting_pickup", "platform"),
    ("awaiting_pickup", "collect", "collected", "both"),  # the platform tells the receiving terminal
    ("awaiting_pickup", "mail", "mailed", "both"),  # when the hall's pick-up desk handed it over
    ("mailed", "confirm_delivery", "delivered", "platform"),  # the courier's 妥投, relayed by the platform
)
TERMINAL_ACTIONS = frozenset(a for _f, a, _t, by in CASE_TRANSITIONS if by in ("terminal", "both"))
PLATFORM_ACTIONS = frozenset(a for _f, a, _t, by in CASE_TRANSITIONS if by in ("platform", "both"))


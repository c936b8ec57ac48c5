"""A save writes fewer index pages (issue 15, the slow PC's save).

Every index a row goes into is one more page written, encrypted and fsynced with each
commit: about 20 µs of CPU a page, before the commit's fsync. A new case wrote 28.
- `ix_cases_state` goes: `ix_cases_state_updated` starts with the state and serves every
  lookup by state.
- `ix_cases_received_on` goes: "received today" is a range of `ix_cases_received_at`, which
  the list is sorted by anyway.
- `ix_cases_agent_id` and `ix_outbox_events_answered_at` keep only the rows that have a
  value: most applicants come without an agent, and an event is queued unanswered.
(The number block's exhausted flag, also indexed, is now written only when a block runs
out: app/usecases/numbers.py.)

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cases_state", "cases")
    op.drop_index("ix_cases_received_on", "cases")
    op.drop_index("ix_cases_agent_id", "cases")
    op.create_index("ix_cases_agent_id", "cases", ["agent_id"], sqlite_where=sa.text("agent_id IS NOT NULL"))
    op.drop_index("ix_outbox_events_answered_at", "outbox_events")
    op.create_index("ix_outbox_events_answered_at", "outbox_events", ["answered_at"],
                    sqlite_where=sa.text("answered_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_outbox_events_answered_at", "outbox_events")
    op.create_index("ix_outbox_events_answered_at", "outbox_events", ["answered_at"])
    op.drop_index("ix_cases_agent_id", "cases")
    op.create_index("ix_cases_agent_id", "cases", ["agent_id"])
    op.create_index("ix_cases_received_on", "cases", ["received_on"])
    op.create_index("ix_cases_state", "cases", ["state"])

"""Indexes for the case lists at a million cases.

"全部" sorts every case by received_at and "我经办的" filters by clerk then sorts; with no
index for either, SQLite sorted the whole table (seconds at 1M cases, measured by
benchmarks/bench_lookup.py).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_received_at", "cases", ["received_at"])
    op.create_index("ix_cases_clerk_received", "cases", ["clerk_id", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_clerk_received", table_name="cases")
    op.drop_index("ix_cases_received_at", table_name="cases")

"""Store the deadline that matters in each case's current state, and the day it turns yellow.

The first schema computed "near or past deadline" per row; at a million cases that is a
full scan. These two columns make it an index range scan. Existing rows are backfilled:
cases still waiting for a decision watch their acceptance deadline, cases under way
watch their committed deadline.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watch_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("watch_yellow_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_watch_yellow_on"), ["watch_yellow_on"], unique=False)
    # Backfill with the deadline itself as the yellow day: conservative (no early warning
    # is lost for long) and recomputed exactly at the case's next transition.
    op.execute("UPDATE cases SET watch_due = acceptance_due, watch_yellow_on = acceptance_due WHERE state = 'received'")
    op.execute(
        "UPDATE cases SET watch_due = committed_due, watch_yellow_on = committed_due "
        "WHERE state IN ('accepted', 'in_progress')"
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_watch_yellow_on"))
        batch_op.drop_column("watch_yellow_on")
        batch_op.drop_column("watch_due")

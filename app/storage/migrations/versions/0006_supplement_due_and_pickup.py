"""The date the one-time notice gave the applicant (shown in the case list while 待补正), and an
index for the pick-up desk's list (待领取, oldest first).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("supplement_due", sa.Date(), nullable=True))  # no table copy at 1M cases
    op.create_index("ix_cases_state_updated", "cases", ["state", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_state_updated", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("supplement_due")

"""The pick-up desk's captured papers (授权委托书, the applicant's ID copy, a unit's letter)
reach the platform like intake scans: when each page was confirmed, and why the last attempt
failed.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("handover_pages", sa.Column("uploaded_at", sa.DateTime(), nullable=True))
    op.add_column("handover_pages", sa.Column("upload_error", sa.String(300), nullable=False, server_default=""))
    op.create_index("ix_handover_pages_uploaded_at", "handover_pages", ["uploaded_at"])


def downgrade() -> None:
    op.drop_index("ix_handover_pages_uploaded_at", "handover_pages")
    with op.batch_alter_table("handover_pages") as batch:
        batch.drop_column("upload_error")
        batch.drop_column("uploaded_at")

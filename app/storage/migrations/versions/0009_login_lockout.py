"""Login lockout: failed attempts and a lock time per local account.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("clerks", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("clerks", sa.Column("locked_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clerks") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")

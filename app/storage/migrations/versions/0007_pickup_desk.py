"""The pick-up desk: certificates handed over or mailed, and spoiled blanks.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("collector_name", sa.String(100), nullable=False),
        sa.Column("collector_id_masked", sa.String(32), nullable=False),
        sa.Column("identity_method", sa.String(40), nullable=False),
        sa.Column("blank_serial", sa.String(40), nullable=False),
        sa.Column("signature_sha256", sa.String(64), nullable=False),
        sa.Column("signature_png", sa.LargeBinary(), nullable=False),
        sa.Column("override_by", sa.String(40), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("courier", sa.String(40), nullable=False),
        sa.Column("tracking_no", sa.String(40), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(40), nullable=False),
    )
    op.create_index("ix_handovers_case_id", "handovers", ["case_id"])
    op.create_index("ix_handovers_tracking_no", "handovers", ["tracking_no"])
    op.create_index("ix_handovers_at", "handovers", ["at"])
    op.create_table(
        "spoiled_blanks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_number", sa.String(32), nullable=False),
        sa.Column("serial", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(40), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
    )
    op.create_index("ix_spoiled_blanks_case_number", "spoiled_blanks", ["case_number"])


def downgrade() -> None:
    op.drop_table("spoiled_blanks")
    op.drop_table("handovers")

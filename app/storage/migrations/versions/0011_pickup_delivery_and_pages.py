"""The pick-up desk, part 2: the certificate the platform sent with its progress, the pages
captured at the desk (授权委托书, the applicant's ID copy, a unit's letter) linked to the
hand-over, and the courier's delivery confirmation of a mailed certificate (已送达).

Revision ID: 0011
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_certificates",
        sa.Column("case_number", sa.String(32), primary_key=True),
        sa.Column("certificate_no", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("holder_name", sa.String(100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "handover_pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handover_id", sa.Integer(), sa.ForeignKey("handovers.id"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("attachments.sha256"), nullable=False),
    )
    op.create_index("ix_handover_pages_handover_id", "handover_pages", ["handover_id"])
    op.create_index("ix_handover_pages_case_id", "handover_pages", ["case_id"])
    op.add_column("handovers", sa.Column("delivered_at", sa.DateTime(), nullable=True))
    op.add_column("handovers", sa.Column("delivered_to", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("handovers") as batch:
        batch.drop_column("delivered_to")
        batch.drop_column("delivered_at")
    op.drop_table("handover_pages")
    op.drop_table("platform_certificates")

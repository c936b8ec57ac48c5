"""Scanned materials: page images by content hash, and the material each page belongs to.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "material_pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("material_name", sa.String(200), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("attachments.sha256"), nullable=False),
    )
    op.create_index("ix_material_pages_case_id", "material_pages", ["case_id"])
    op.create_index("ix_material_pages_sha256", "material_pages", ["sha256"])


def downgrade() -> None:
    op.drop_table("material_pages")
    op.drop_table("attachments")

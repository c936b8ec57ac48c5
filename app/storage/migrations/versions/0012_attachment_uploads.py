"""Scanned pages reach the platform: when each page was confirmed by the platform (linked to
its case there, content held), and why the last attempt failed.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("material_pages", sa.Column("uploaded_at", sa.DateTime(), nullable=True))
    op.add_column("material_pages", sa.Column("upload_error", sa.String(300), nullable=False, server_default=""))
    op.create_index("ix_material_pages_uploaded_at", "material_pages", ["uploaded_at"])


def downgrade() -> None:
    op.drop_index("ix_material_pages_uploaded_at", "material_pages")
    with op.batch_alter_table("material_pages") as batch:
        batch.drop_column("upload_error")
        batch.drop_column("uploaded_at")

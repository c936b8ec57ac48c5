"""Issued documents with their snapshots and hashes, their prints, and each department's
yearly document serial.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("doc_number", sa.String(length=60), nullable=False),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("doc_number"),
    )
    op.create_index("ix_documents_case_number", "documents", ["case_number"])
    op.create_table(
        "document_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=40), nullable=False),
        sa.Column("reprint", sa.Boolean(), nullable=False),
        sa.Column("printer", sa.String(length=200), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_prints_document_id", "document_prints", ["document_id"])
    op.create_table(
        "document_sequences",
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("department", "year"),
    )


def downgrade() -> None:
    op.drop_table("document_sequences")
    op.drop_index("ix_document_prints_document_id", table_name="document_prints")
    op.drop_table("document_prints")
    op.drop_index("ix_documents_case_number", table_name="documents")
    op.drop_table("documents")

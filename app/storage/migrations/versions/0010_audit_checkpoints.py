"""Tamper-evident audit: row states and a MAC on audit records, the terminal's signing key,
signed checkpoints with the platform's receipts, the platform's pinned key.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_records", sa.Column("state", sa.Text(), nullable=False, server_default=""))
    op.add_column("audit_records", sa.Column("mac", sa.String(64), nullable=False, server_default=""))
    op.add_column("platform_registrations", sa.Column("platform_key", sa.String(64), nullable=False, server_default=""))
    op.add_column("platform_registrations", sa.Column("key_registered_at", sa.DateTime(), nullable=True))
    op.create_table(
        "terminal_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("private_key", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform_url", sa.String(300), nullable=False),
        sa.Column("terminal_id", sa.String(60), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("code", sa.String(60), nullable=False, server_default=""),
        sa.Column("message", sa.Text(), nullable=False, server_default=""),
        sa.Column("confirmed_at", sa.String(40), nullable=False, server_default=""),
        sa.Column("platform_signature", sa.String(128), nullable=False, server_default=""),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_audit_checkpoints_seq", "audit_checkpoints", ["seq"])
    op.create_index("ix_audit_checkpoints_outcome", "audit_checkpoints", ["outcome"])


def downgrade() -> None:
    op.drop_table("audit_checkpoints")
    op.drop_table("terminal_keys")
    with op.batch_alter_table("platform_registrations") as batch:
        batch.drop_column("key_registered_at")
        batch.drop_column("platform_key")
    with op.batch_alter_table("audit_records") as batch:
        batch.drop_column("mac")
        batch.drop_column("state")

"""Sync with the platform: cursors, the terminal's registration, credentials cached at
online login, the "needs attention" list, and the outbox's send bookkeeping.

Existing outbox rows keep status "pending" and get empty batch/answer columns, so every
event queued before this upgrade is sent at the first sync.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "platform_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_url", sa.String(length=300), nullable=False),
        sa.Column("terminal_id", sa.String(length=60), nullable=False),
        sa.Column("terminal_secret", sa.String(length=200), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform_url"),
    )
    op.create_table(
        "online_credentials",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("window_no", sa.String(length=20), nullable=False),
        sa.Column("last_online_login_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "attention_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("resolution", sa.String(length=12), nullable=False),
        sa.Column("resolved_by", sa.String(length=40), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_seq"], ["outbox_events.seq"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attention_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attention_items_case_number"), ["case_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_attention_items_event_seq"), ["event_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_attention_items_resolution"), ["resolution"], unique=False)
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.String(length=36), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.String(length=12), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_column("answer")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("batch_id")
    op.drop_table("attention_items")
    op.drop_table("online_credentials")
    op.drop_table("platform_registrations")
    op.drop_table("sync_cursors")

"""The mail outbox (kht.mail): reminder mail is written in the reminder's transaction and sent
after its commit, so a rolled-back run mails nobody and a server that is down loses nothing.

Revision ID: 0012_core
Revises: 0011_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0012_core"
down_revision = "0011_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("claimed_until", UtcDateTime(), nullable=True),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_status_next", "mail_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_status_next", table_name="mail_outbox")
    op.drop_table("mail_outbox")

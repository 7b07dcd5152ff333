"""Mass SMS through the worker in batches: sends and their recipients, and each message's
origin (a campaign) and first reply.

Revision ID: 0038_core
Revises: 0037_core
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0038_core"
down_revision = "0037_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sms_messages") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=100), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("replied_at", UtcDateTime(), nullable=True))
    op.create_table(
        "sms_mass_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("template_code", sa.String(length=60), nullable=False),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("view_id", sa.Integer(), nullable=True),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("next_batch_at", UtcDateTime(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("skipped", JSONType, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["sms_templates.id"],
            name=op.f("fk_sms_mass_sends_template_id_sms_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_sms_mass_sends_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_mass_sends")),
    )
    with op.batch_alter_table("sms_mass_sends") as batch:
        batch.create_index(batch.f("ix_sms_mass_sends_origin"), ["origin"], unique=False)
        batch.create_index(
            batch.f("ix_sms_mass_sends_created_by_id"), ["created_by_id"], unique=False
        )
    op.create_table(
        "sms_mass_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("send_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["send_id"],
            ["sms_mass_sends.id"],
            name=op.f("fk_sms_mass_recipients_send_id_sms_mass_sends"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_mass_recipients")),
        sa.UniqueConstraint("send_id", "number", name=op.f("uq_sms_mass_recipients_send_id")),
    )
    with op.batch_alter_table("sms_mass_recipients") as batch:
        batch.create_index(
            batch.f("ix_sms_mass_recipients_message_id"), ["message_id"], unique=False
        )
        batch.create_index(
            "ix_sms_mass_recipients_send_status", ["send_id", "status"], unique=False
        )


def downgrade() -> None:
    op.drop_table("sms_mass_recipients")
    op.drop_table("sms_mass_sends")
    with op.batch_alter_table("sms_messages") as batch:
        batch.drop_column("replied_at")
        batch.drop_column("origin")

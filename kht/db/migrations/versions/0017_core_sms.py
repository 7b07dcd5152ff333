"""SMS (kht.sms): the gateway settings, templates, the outbox of messages and opt-outs.

Revision ID: 0017_core
Revises: 0016_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0017_core"
down_revision = "0016_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_gateways",
        sa.Column("gateway", sa.String(length=40), nullable=False),
        sa.Column("config", JSONType, nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=40), nullable=False),
        sa.Column("default_region", sa.String(length=2), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=False),
        sa.Column("quiet_end", sa.String(length=5), nullable=False),
        sa.Column("time_zone", sa.String(length=60), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("callback_token", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_gateways")),
    )
    op.create_table(
        "sms_opt_outs",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_opt_outs")),
        sa.UniqueConstraint("number", name=op.f("uq_sms_opt_outs_number")),
    )
    op.create_table(
        "sms_templates",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_sms_templates_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_sms_templates_name")),
    )
    op.create_table(
        "sms_messages",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("template_code", sa.String(length=60), nullable=False),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("signature", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("claimed_until", UtcDateTime(), nullable=True),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("carrier_id", sa.String(length=100), nullable=False),
        sa.Column("cost", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_sms_messages_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["sms_templates.id"],
            name=op.f("fk_sms_messages_template_id_sms_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_messages")),
    )
    op.create_index(op.f("ix_sms_messages_carrier_id"), "sms_messages", ["carrier_id"])
    op.create_index(op.f("ix_sms_messages_number"), "sms_messages", ["number"])
    op.create_index("ix_sms_messages_record", "sms_messages", ["kind", "record_id"])
    op.create_index("ix_sms_messages_status_next", "sms_messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("sms_messages")
    op.drop_table("sms_templates")
    op.drop_table("sms_opt_outs")
    op.drop_table("sms_gateways")

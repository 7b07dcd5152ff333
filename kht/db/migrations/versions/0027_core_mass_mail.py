"""Mass mail: sends, their recipients, the suppression list, and the outbox's extra headers
and envelope sender.

Revision ID: 0027_core
Revises: 0026_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0027_core"
down_revision = "0026_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("headers", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("envelope_from", sa.String(length=320), nullable=False, server_default="")
        )
    op.create_table(
        "mail_mass_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("view_id", sa.Integer(), nullable=True),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("next_batch_at", UtcDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["mail_templates.id"],
            name=op.f("fk_mail_mass_sends_template_id_mail_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_accounts.id"],
            name=op.f("fk_mail_mass_sends_account_id_mail_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_mail_mass_sends_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_mass_sends")),
    )
    with op.batch_alter_table("mail_mass_sends") as batch:
        batch.create_index(batch.f("ix_mail_mass_sends_origin"), ["origin"], unique=False)
        batch.create_index(
            batch.f("ix_mail_mass_sends_created_by_id"), ["created_by_id"], unique=False
        )
    op.create_table(
        "mail_mass_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("send_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("opened_at", UtcDateTime(), nullable=True),
        sa.Column("clicked_at", UtcDateTime(), nullable=True),
        sa.Column("unsubscribed_at", UtcDateTime(), nullable=True),
        sa.Column("bounced_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["send_id"],
            ["mail_mass_sends.id"],
            name=op.f("fk_mail_mass_recipients_send_id_mail_mass_sends"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_mass_recipients")),
        sa.UniqueConstraint("send_id", "email", name=op.f("uq_mail_mass_recipients_send_id")),
    )
    with op.batch_alter_table("mail_mass_recipients") as batch:
        batch.create_index(batch.f("ix_mail_mass_recipients_email"), ["email"], unique=False)
        batch.create_index(
            batch.f("ix_mail_mass_recipients_outbox_id"), ["outbox_id"], unique=False
        )
        batch.create_index(
            "ix_mail_mass_recipients_send_status", ["send_id", "status"], unique=False
        )
    op.create_table(
        "mail_suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("send_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_suppressions")),
        sa.UniqueConstraint("email", name=op.f("uq_mail_suppressions_email")),
    )


def downgrade() -> None:
    op.drop_table("mail_suppressions")
    op.drop_table("mail_mass_recipients")
    op.drop_table("mail_mass_sends")
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("envelope_from")
        batch.drop_column("headers")

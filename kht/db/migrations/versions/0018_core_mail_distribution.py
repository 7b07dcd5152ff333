"""Distribution of shared mailboxes' incoming mail: per-mailbox rules, default assignee,
round-robin turn and lead capture; one assignment row per (mailbox, message).

Revision ID: 0018_core
Revises: 0017_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0018_core"
down_revision = "0017_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_accounts") as batch:
        batch.add_column(sa.Column("assign_rules", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("default_assignee_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("round_robin", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("turn", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("lead_capture", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_mail_accounts_default_assignee_id_users",
            "users",
            ["default_assignee_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "mail_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("how", sa.String(length=12), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_accounts.id"],
            name=op.f("fk_mail_assignments_account_id_mail_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_assignments_message_id_mail_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_assignments_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_assignments")),
        sa.UniqueConstraint(
            "account_id", "message_id", name=op.f("uq_mail_assignments_account_id")
        ),
    )
    for column in ("account_id", "message_id", "user_id"):
        op.create_index(op.f(f"ix_mail_assignments_{column}"), "mail_assignments", [column])


def downgrade() -> None:
    op.drop_table("mail_assignments")
    with op.batch_alter_table("mail_accounts") as batch:
        batch.drop_constraint("fk_mail_accounts_default_assignee_id_users", type_="foreignkey")
        columns = ("lead_capture", "turn", "round_robin", "default_assignee_id", "assign_rules")
        for column in columns:
            batch.drop_column(column)

"""Processes for any record kind: a stage may need an approval by a role, and the approvals
(process_approvals) are kept. Existing processes keep their kind (opportunity).

Revision ID: 0029_core
Revises: 0028_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0029_core"
down_revision = "0028_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sales_process_stages") as batch:
        batch.add_column(
            sa.Column("approval_role", sa.String(length=40), nullable=False, server_default="")
        )
    op.create_table(
        "process_approvals",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["sales_process_stages.id"],
            name=op.f("fk_process_approvals_stage_id_sales_process_stages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_process_approvals_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_approvals")),
    )
    op.create_index(
        "ix_process_approvals_record", "process_approvals", ["kind", "record_id", "stage_id"]
    )
    op.create_index(
        op.f("ix_process_approvals_stage_id"), "process_approvals", ["stage_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("process_approvals")
    with op.batch_alter_table("sales_process_stages") as batch:
        batch.drop_column("approval_role")

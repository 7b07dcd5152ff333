"""Record teams (kht.teams): users with read or edit access on one record beyond the scope.

Revision ID: 0031_core
Revises: 0030_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0031_core"
down_revision = "0030_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("access", sa.String(length=4), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_record_team_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_record_team_members_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_team_members")),
        sa.UniqueConstraint("kind", "record_id", "user_id", name="uq_record_team_members_member"),
    )
    op.create_index(
        "ix_record_team_members_user_kind_record",
        "record_team_members",
        ["user_id", "kind", "record_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_record_team_members_user_kind_record", table_name="record_team_members")
    op.drop_table("record_team_members")

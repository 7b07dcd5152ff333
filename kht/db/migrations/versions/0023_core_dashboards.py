"""Dashboards (kht.dashboards): users' own widget layouts and the role defaults.

Revision ID: 0023_core
Revises: 0022_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0023_core"
down_revision = "0022_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("role_key", sa.String(length=40), nullable=True),
        sa.Column("widgets", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_dashboards_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboards")),
        sa.UniqueConstraint("user_id", name=op.f("uq_dashboards_user_id")),
        sa.UniqueConstraint("role_key", name=op.f("uq_dashboards_role_key")),
    )


def downgrade() -> None:
    op.drop_table("dashboards")

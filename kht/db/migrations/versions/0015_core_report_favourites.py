"""Report favourites (kht.reports): the reports a user starred, shown first in the catalogue.

Revision ID: 0015_core
Revises: 0014_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0015_core"
down_revision = "0014_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_favourites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("report_key", sa.String(length=120), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_report_favourites_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_favourites")),
        sa.UniqueConstraint("user_id", "report_key", name="uq_report_favourites_user_key"),
    )


def downgrade() -> None:
    op.drop_table("report_favourites")

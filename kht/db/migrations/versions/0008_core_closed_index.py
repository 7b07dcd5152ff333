"""An index for opportunities closed in a period (forecast "won", funnel "current").

Revision ID: 0008_core
Revises: 0007_core
Create Date: 2026-11-27
"""

from alembic import op

revision = "0008_core"
down_revision = "0007_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_opportunities_live_closed",
        "opportunities",
        ["deleted_at", "status", "closed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_opportunities_live_closed", table_name="opportunities")

"""Meeting duration: how long an action (a meeting, a visit) lasts, in minutes.

Revision ID: 0037_core
Revises: 0036_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0037_core"
down_revision = "0036_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for actions written before: they keep the calendar's default length.
    op.add_column("actions", sa.Column("duration_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("actions", "duration_minutes")

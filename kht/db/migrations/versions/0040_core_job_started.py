"""Job start time: when the worker took a job, for its rate and time left.

Revision ID: 0040_core
Revises: 0039_core
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0040_core"
down_revision = "0039_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for jobs run before, and for imports run in the request or by `kht import`.
    op.add_column("jobs", sa.Column("started_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("jobs", "started_at")

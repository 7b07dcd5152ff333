"""Indexes for list pages: live customers by last update, and per owner.

Revision ID: 0005_core
Revises: 0004_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_core"
down_revision = "0004_core"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_customers_live_recent",
        "customers",
        ["updated_at", "id"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_customers_owner_live", "customers", ["owner_id", "deleted_at", "updated_at"]
    )
    op.drop_index("ix_customers_owner_updated", table_name="customers")


def downgrade() -> None:
    op.create_index("ix_customers_owner_updated", "customers", ["owner_id", "updated_at"])
    op.drop_index("ix_customers_owner_live", table_name="customers")
    op.drop_index("ix_customers_live_recent", table_name="customers")

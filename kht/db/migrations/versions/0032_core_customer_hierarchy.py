"""Customer hierarchy (kht.customers.hierarchy): a customer's parent company and its group.

Revision ID: 0032_core
Revises: 0031_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_core"
down_revision = "0031_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain columns, no foreign key: SQLite cannot add one without rebuilding customers (and
    # its partial indexes); the service checks that a parent exists and is in scope.
    op.add_column("customers", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.add_column("customers", sa.Column("group_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_customers_parent_id"), "customers", ["parent_id"])
    op.create_index(op.f("ix_customers_group_id"), "customers", ["group_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_customers_group_id"), table_name="customers")
    op.drop_index(op.f("ix_customers_parent_id"), table_name="customers")
    op.drop_column("customers", "group_id")
    op.drop_column("customers", "parent_id")

"""Customer value (kht.value.customer): the stored values, the wallet estimated per
category and the fields that make customers similar.

Revision ID: 0033_core
Revises: 0032_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0033_core"
down_revision = "0032_core"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 2)


def upgrade() -> None:
    op.create_table(
        "customer_values",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("established", MONEY, nullable=False),
        sa.Column("received", MONEY, nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("pipeline", MONEY, nullable=False),
        sa.Column("weighted", MONEY, nullable=False),
        sa.Column("wallet", MONEY, nullable=True),
        sa.Column("wallet_gap", MONEY, nullable=False),
        sa.Column("potential", MONEY, nullable=False),
        sa.Column("peer_key", sa.String(length=500), nullable=False),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_values_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_values")),
    )
    op.create_index(op.f("ix_customer_values_peer_key"), "customer_values", ["peer_key"])
    op.create_table(
        "customer_value_peers",
        sa.Column("peer_key", sa.String(length=500), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("established_total", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("peer_key", name=op.f("pk_customer_value_peers")),
    )
    op.add_column("customer_categories", sa.Column("wallet", MONEY, nullable=True))
    op.add_column("company_settings", sa.Column("value_peer_fields", JSONType, nullable=True))


def downgrade() -> None:
    op.drop_column("company_settings", "value_peer_fields")
    op.drop_column("customer_categories", "wallet")
    op.drop_table("customer_value_peers")
    op.drop_index(op.f("ix_customer_values_peer_key"), table_name="customer_values")
    op.drop_table("customer_values")

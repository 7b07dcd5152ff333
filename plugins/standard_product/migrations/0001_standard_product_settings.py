"""standard_product: the settings table (target profile, nurturing, lead routing).

Revision ID: 0001_standard_product
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_standard_product"
down_revision = None
branch_labels = ("standard_product",)
depends_on = "0007_core"


def upgrade() -> None:
    op.create_table(
        "standard_product_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("next_rep", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_product_settings")),
    )


def downgrade() -> None:
    op.drop_table("standard_product_settings")

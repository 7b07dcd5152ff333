"""membership: category co-purchase counts for cross-sell suggestions.

Revision ID: 0003_membership_cross_sell
Revises: 0002_membership_figures
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_membership_cross_sell"
down_revision = "0002_membership_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "membership_category_pairs",
        sa.Column("a", sa.String(60), primary_key=True),
        sa.Column("b", sa.String(60), primary_key=True),
        sa.Column("members", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("membership_category_pairs")

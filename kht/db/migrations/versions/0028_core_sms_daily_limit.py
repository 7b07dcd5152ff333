"""The SMS gateway's per-number daily limit.

Revision ID: 0028_core
Revises: 0027_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_core"
down_revision = "0027_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sms_gateways") as batch:
        batch.add_column(
            sa.Column("per_number_per_day", sa.Integer(), nullable=False, server_default="5")
        )


def downgrade() -> None:
    with op.batch_alter_table("sms_gateways") as batch:
        batch.drop_column("per_number_per_day")

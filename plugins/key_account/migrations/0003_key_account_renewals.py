"""key_account: an automatically renewed agreement names the agreement it renews (once:
unique), and the health history tells back-filled points from the nightly run's.

Revision ID: 0003_key_account_renewals
Revises: 0002_key_account
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_key_account_renewals"
down_revision = "0002_key_account"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("key_account_agreements") as batch:
        batch.add_column(sa.Column("renewed_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_key_account_agreements_renewed_from",
            "key_account_agreements",
            ["renewed_from_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            "ix_key_account_agreements_renewed_from", ["renewed_from_id"], unique=True
        )
    with op.batch_alter_table("key_account_health_history") as batch:
        batch.add_column(
            sa.Column("backfilled", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("key_account_health_history") as batch:
        batch.drop_column("backfilled")
    with op.batch_alter_table("key_account_agreements") as batch:
        batch.drop_index("ix_key_account_agreements_renewed_from")
        batch.drop_constraint("fk_key_account_agreements_renewed_from", type_="foreignkey")
        batch.drop_column("renewed_from_id")

"""membership: the figures the reports group by (tier movement, points flow, referrals, care).

Revision ID: 0002_membership_figures
Revises: 0001_membership
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_membership_figures"
down_revision = "0001_membership"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 2)
ZERO = sa.text("0")
COLUMNS = (
    ("previous_tier", sa.String(40), sa.text("''")),
    ("points_issued", sa.Integer(), ZERO),
    ("points_redeemed", sa.Integer(), ZERO),
    ("points_expired", sa.Integer(), ZERO),
    ("referrals", sa.Integer(), ZERO),
    ("referred_spend", MONEY, ZERO),
    ("care_rule", sa.String(200), sa.text("''")),
    ("cared_on", sa.Date(), None),
    ("care_converted_on", sa.Date(), None),
    ("care_spend", MONEY, ZERO),
)


def upgrade() -> None:
    with op.batch_alter_table("membership_members") as batch:
        for name, type_, default in COLUMNS:
            batch.add_column(
                sa.Column(name, type_, nullable=default is None, server_default=default)
            )
    # The previous tier of each member's latest move, from the history kept since 0001.
    op.execute(
        """
        UPDATE membership_members SET previous_tier = COALESCE((
            SELECT c.from_tier FROM membership_tier_changes c
            WHERE c.member_id = membership_members.id
            ORDER BY c.changed_on DESC, c.id DESC LIMIT 1), '')
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("membership_members") as batch:
        for name, _, _ in reversed(COLUMNS):
            batch.drop_column(name)

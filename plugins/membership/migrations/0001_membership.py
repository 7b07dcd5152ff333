"""membership: members, tiers and their history, transactions, the points ledger, settings.

Revision ID: 0001_membership
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import CORE_REVISION, JSONType, UtcDateTime

revision = "0001_membership"
down_revision = None
branch_labels = ("membership",)
depends_on = CORE_REVISION

MONEY = sa.Numeric(18, 2)


def _record() -> list[sa.Column]:
    """The columns every owned record has (owner, version, soft delete, custom fields)."""
    return [
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "updated_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "membership_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "membership_tiers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(40), nullable=False, unique=True),
        sa.Column("name_zh", sa.String(60), nullable=False),
        sa.Column("name_en", sa.String(60), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False, unique=True),
        sa.Column("min_spend", MONEY, nullable=False),
        sa.Column("min_points", sa.Integer(), nullable=False),
        sa.Column("multiplier", sa.Numeric(6, 2), nullable=False),
        sa.Column("benefits", sa.Text(), nullable=False),
    )
    op.create_table(
        "membership_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("card_code", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "customer_id",
            sa.Integer(),
            sa.ForeignKey("customers.id", ondelete="RESTRICT"),
            nullable=False,
            unique=True,
        ),
        sa.Column("membership_type", sa.String(20), nullable=False),
        sa.Column("join_date", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("tier", sa.String(40), nullable=False, index=True),
        sa.Column("tier_since", sa.Date(), nullable=True),
        sa.Column("tier_review_on", sa.Date(), nullable=True),
        sa.Column("home_store", sa.String(100), nullable=False),
        sa.Column(
            "referrer_id",
            sa.Integer(),
            sa.ForeignKey("membership_members.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        sa.Column(
            "household_id",
            sa.Integer(),
            sa.ForeignKey("membership_members.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        sa.Column("consent_phone", sa.Boolean(), nullable=False),
        sa.Column("consent_sms", sa.Boolean(), nullable=False),
        sa.Column("consent_email", sa.Boolean(), nullable=False),
        sa.Column("consent_wechat", sa.Boolean(), nullable=False),
        sa.Column("wechat", sa.String(100), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("birthday_calendar", sa.String(10), nullable=False),
        sa.Column("birthday_key", sa.String(8), nullable=False, index=True),
        sa.Column("points_balance", sa.Integer(), nullable=False),
        sa.Column("total_spend", MONEY, nullable=False),
        sa.Column("purchase_count", sa.Integer(), nullable=False),
        sa.Column("first_purchase_on", sa.Date(), nullable=True),
        sa.Column("last_purchase_on", sa.Date(), nullable=True),
        sa.Column("r_score", sa.SmallInteger(), nullable=False),
        sa.Column("f_score", sa.SmallInteger(), nullable=False),
        sa.Column("m_score", sa.SmallInteger(), nullable=False),
        sa.Column("rfm_segment", sa.String(20), nullable=False),
        *_record(),
    )
    op.create_index(
        "ix_membership_members_live", "membership_members", ["deleted_at", "updated_at"]
    )
    op.create_index("ix_membership_members_segment", "membership_members", ["rfm_segment"])
    op.create_table(
        "membership_transactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("external_id", sa.String(80), nullable=False, unique=True),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("membership_members.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("store", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("payment_method", sa.String(20), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column(
            "refund_of_id",
            sa.Integer(),
            sa.ForeignKey("membership_transactions.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        sa.Column(
            "order_id",
            sa.Integer(),
            sa.ForeignKey("orders.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        *_record(),
    )
    op.create_index(
        "ix_membership_transactions_member_date",
        "membership_transactions",
        ["member_id", "occurred_on"],
    )
    op.create_table(
        "membership_points",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("membership_members.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("entry", sa.String(12), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("key", sa.String(80), nullable=False, unique=True),
        sa.Column(
            "transaction_id",
            sa.Integer(),
            sa.ForeignKey("membership_transactions.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_membership_points_lots", "membership_points", ["member_id", "remaining", "expires_on"]
    )
    op.create_table(
        "membership_tier_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("membership_members.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("from_tier", sa.String(40), nullable=False),
        sa.Column("to_tier", sa.String(40), nullable=False),
        sa.Column("cause", sa.String(20), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "membership_tier_changes",
        "membership_points",
        "membership_transactions",
        "membership_members",
        "membership_tiers",
        "membership_settings",
    ):
        op.drop_table(table)

"""key_account: key accounts, contributions and class history, health history, agreements
and their orders, consumption, account plans with objectives and reviews, settings.

Revision ID: 0001_key_account
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import CORE_REVISION, JSONType, UtcDateTime

revision = "0001_key_account"
down_revision = None
branch_labels = ("key_account",)
depends_on = CORE_REVISION

MONEY = sa.Numeric(18, 2)


def _user(name: str, index: bool = False) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("users.id", ondelete="SET NULL"),
        nullable=True,
        index=index,
    )


def _record() -> list[sa.Column]:
    """The columns every owned record has (owner, version, soft delete, custom fields)."""
    return [
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _user("created_by_id"),
        _user("updated_by_id"),
        _user("owner_id", index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
    ]


def _ref(name: str, table: str, ondelete: str = "RESTRICT", **more: bool) -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete=ondelete), nullable=False, **more
    )


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "key_account_settings",
        _id(),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "key_account_accounts",
        _id(),
        _ref("customer_id", "customers", unique=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("flag_reason", sa.String(300), nullable=False),
        sa.Column("estimated_budget", MONEY, nullable=True),
        sa.Column("abc_class", sa.String(1), nullable=False, index=True),
        sa.Column("class_since", sa.Date(), nullable=True),
        sa.Column("revenue", MONEY, nullable=False),
        sa.Column("previous_revenue", MONEY, nullable=False),
        sa.Column("margin", MONEY, nullable=True),
        sa.Column("quarter_revenue", MONEY, nullable=False),
        sa.Column("previous_quarter_revenue", MONEY, nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=True),
        sa.Column("health", sa.Integer(), nullable=True, index=True),
        sa.Column("notes", sa.Text(), nullable=False),
        *_record(),
    )
    op.create_table(
        "key_account_contributions",
        _id(),
        sa.Column("level", sa.String(10), nullable=False),
        _ref("customer_id", "customers", "CASCADE"),
        sa.Column("revenue", MONEY, nullable=False),
        sa.Column("previous_revenue", MONEY, nullable=False),
        sa.Column("margin", MONEY, nullable=True),
        sa.Column("quarter_revenue", MONEY, nullable=False),
        sa.Column("previous_quarter_revenue", MONEY, nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("cumulative_pct", sa.Numeric(7, 2), nullable=False),
        sa.Column("abc_class", sa.String(1), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
    )
    op.create_index(
        "ix_key_account_contributions_level", "key_account_contributions", ["level", "rank"]
    )
    op.create_table(
        "key_account_class_changes",
        _id(),
        _ref("account_id", "key_account_accounts", "CASCADE", index=True),
        sa.Column("from_class", sa.String(1), nullable=False),
        sa.Column("to_class", sa.String(1), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "key_account_health_history",
        _id(),
        _ref("account_id", "key_account_accounts", "CASCADE"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_key_account_health_day",
        "key_account_health_history",
        ["account_id", "day"],
        unique=True,
    )
    op.create_table(
        "key_account_agreements",
        _id(),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        _ref("customer_id", "customers", index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("agreement_type", sa.String(20), nullable=False),
        sa.Column("value", MONEY, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False, index=True),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=False),
        sa.Column("renewal_terms", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("notes", sa.Text(), nullable=False),
        *_record(),
    )
    op.create_index(
        "ix_key_account_agreements_notice", "key_account_agreements", ["status", "notice_date"]
    )
    op.create_table(
        "key_account_agreement_orders",
        _id(),
        _ref("agreement_id", "key_account_agreements", "CASCADE"),
        _ref("order_id", "orders", "CASCADE"),
    )
    op.create_index(
        "ix_key_account_agreement_orders",
        "key_account_agreement_orders",
        ["agreement_id", "order_id"],
        unique=True,
    )
    op.create_table(
        "key_account_consumption",
        _id(),
        sa.Column("external_id", sa.String(80), nullable=False, unique=True),
        _ref("customer_id", "customers"),
        sa.Column("month", sa.Date(), nullable=False, index=True),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Numeric(18, 3), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("cost", MONEY, nullable=True),
        *_record(),
    )
    op.create_index(
        "ix_key_account_consumption_customer", "key_account_consumption", ["customer_id", "month"]
    )
    op.create_table(
        "key_account_plans",
        _id(),
        _ref("customer_id", "customers", index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        *_record(),
    )
    op.create_table(
        "key_account_objectives",
        _id(),
        _ref("plan_id", "key_account_plans", "CASCADE", index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("target", sa.Numeric(18, 2), nullable=False),
        sa.Column("actual", sa.Numeric(18, 2), nullable=False),
    )
    op.create_table(
        "key_account_reviews",
        _id(),
        _ref("plan_id", "key_account_plans", "CASCADE", index=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        _user("created_by_id"),
    )
    op.create_table(
        "key_account_plan_actions",
        _id(),
        _ref("plan_id", "key_account_plans", "CASCADE", index=True),
        _ref("action_id", "actions", "CASCADE"),
    )


def downgrade() -> None:
    for table in (
        "key_account_plan_actions",
        "key_account_reviews",
        "key_account_objectives",
        "key_account_plans",
        "key_account_consumption",
        "key_account_agreement_orders",
        "key_account_agreements",
        "key_account_health_history",
        "key_account_class_changes",
        "key_account_contributions",
        "key_account_accounts",
        "key_account_settings",
    ):
        op.drop_table(table)

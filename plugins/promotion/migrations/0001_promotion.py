"""promotion: territories, outlets and their contacts, visit plans and visits, audit values,
in-store promotions, their outlets and cost claims, reported outlet sales, settings.

Revision ID: 0001_promotion
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import CORE_REVISION, JSONType, UtcDateTime

revision = "0001_promotion"
down_revision = None
branch_labels = ("promotion",)
depends_on = CORE_REVISION


def upgrade() -> None:
    op.create_table(
        "promotion_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_settings")),
    )
    op.create_table(
        "promotion_territories",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("coverage_target", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["promotion_territories.id"],
            name=op.f("fk_promotion_territories_parent_id_promotion_territories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"],
            ["users.id"],
            name=op.f("fk_promotion_territories_rep_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_territories")),
    )
    op.create_index(
        op.f("ix_promotion_territories_parent_id"),
        "promotion_territories",
        ["parent_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promotion_territories_rep_id"), "promotion_territories", ["rep_id"], unique=False
    )
    op.create_table(
        "promotion_outlets",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("outlet_type", sa.String(length=20), nullable=False),
        sa.Column("chain", sa.String(length=100), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("latitude", sa.Numeric(precision=10, scale=6), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=10, scale=6), nullable=True),
        sa.Column("opening_hours", sa.String(length=100), nullable=False),
        sa.Column("last_visit_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_outlets_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_promotion_outlets_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_promotion_outlets_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["promotion_territories.id"],
            name=op.f("fk_promotion_outlets_territory_id_promotion_territories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_outlets_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_outlets")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_promotion_outlets_customer_id")),
    )
    op.create_index(
        "ix_promotion_outlets_live",
        "promotion_outlets",
        ["deleted_at", "territory_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promotion_outlets_owner_id"), "promotion_outlets", ["owner_id"], unique=False
    )
    op.create_table(
        "promotion_outlet_contacts",
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["promotion_outlets.id"],
            name=op.f("fk_promotion_outlet_contacts_outlet_id_promotion_outlets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_outlet_contacts_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_outlet_contacts")),
    )
    op.create_index(
        op.f("ix_promotion_outlet_contacts_outlet_id"),
        "promotion_outlet_contacts",
        ["outlet_id"],
        unique=False,
    )
    op.create_table(
        "promotion_plans",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", UtcDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_plans_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_plans_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_promotion_plans_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_plans_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_plans")),
    )
    op.create_index(
        op.f("ix_promotion_plans_owner_id"), "promotion_plans", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_promotion_plans_start_on"), "promotion_plans", ["start_on"], unique=False
    )
    op.create_table(
        "promotion_visits",
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("planned_at", UtcDateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("unplanned", sa.Boolean(), nullable=False),
        sa.Column("checkin_at", UtcDateTime(), nullable=True),
        sa.Column("checkin_lat", sa.Numeric(precision=10, scale=6), nullable=True),
        sa.Column("checkin_lng", sa.Numeric(precision=10, scale=6), nullable=True),
        sa.Column("accuracy_m", sa.Integer(), nullable=True),
        sa.Column("distance_m", sa.Integer(), nullable=True),
        sa.Column("in_radius", sa.Boolean(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("impossible_travel", sa.Boolean(), nullable=False),
        sa.Column("checkout_at", UtcDateTime(), nullable=True),
        sa.Column("minutes_in_store", sa.Integer(), nullable=True),
        sa.Column("audited", sa.Boolean(), nullable=False),
        sa.Column("photos", sa.Integer(), nullable=False),
        sa.Column("flags", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_visits_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["promotion_outlets.id"],
            name=op.f("fk_promotion_visits_outlet_id_promotion_outlets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_promotion_visits_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["promotion_plans.id"],
            name=op.f("fk_promotion_visits_plan_id_promotion_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["promotion_territories.id"],
            name=op.f("fk_promotion_visits_territory_id_promotion_territories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_visits_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_visits")),
    )
    op.create_index(
        "ix_promotion_visits_checkin", "promotion_visits", ["owner_id", "checkin_at"], unique=False
    )
    op.create_index(
        op.f("ix_promotion_visits_outlet_id"), "promotion_visits", ["outlet_id"], unique=False
    )
    op.create_index(
        "ix_promotion_visits_owner_day",
        "promotion_visits",
        ["owner_id", "planned_on"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promotion_visits_owner_id"), "promotion_visits", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_promotion_visits_plan_id"), "promotion_visits", ["plan_id"], unique=False
    )
    op.create_index(
        op.f("ix_promotion_visits_territory_id"), "promotion_visits", ["territory_id"], unique=False
    )
    op.create_table(
        "promotion_audit_values",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("outlet_type", sa.String(length=20), nullable=False),
        sa.Column("audited_on", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("brand", sa.String(length=60), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("own", sa.Boolean(), nullable=False),
        sa.Column("number", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("flag", sa.Boolean(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_audit_values_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["promotion_outlets.id"],
            name=op.f("fk_promotion_audit_values_outlet_id_promotion_outlets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_promotion_audit_values_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["promotion_territories.id"],
            name=op.f("fk_promotion_audit_values_territory_id_promotion_territories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_audit_values_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["promotion_visits.id"],
            name=op.f("fk_promotion_audit_values_visit_id_promotion_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_audit_values")),
    )
    op.create_index(
        "ix_promotion_audit_values_metric",
        "promotion_audit_values",
        ["metric", "audited_on"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promotion_audit_values_outlet_id"),
        "promotion_audit_values",
        ["outlet_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promotion_audit_values_owner_id"),
        "promotion_audit_values",
        ["owner_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promotion_audit_values_visit_id"),
        "promotion_audit_values",
        ["visit_id"],
        unique=False,
    )
    op.create_table(
        "promotion_promotions",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("mechanic", sa.String(length=12), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cost_approved", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("uplift_pct", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_promotions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_promotion_promotions_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["promotion_territories.id"],
            name=op.f("fk_promotion_promotions_territory_id_promotion_territories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_promotions_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_promotions")),
    )
    op.create_index(
        op.f("ix_promotion_promotions_owner_id"), "promotion_promotions", ["owner_id"], unique=False
    )
    op.create_table(
        "promotion_promotion_outlets",
        sa.Column("promotion_id", sa.Integer(), nullable=False),
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["promotion_outlets.id"],
            name=op.f("fk_promotion_promotion_outlets_outlet_id_promotion_outlets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["promotion_id"],
            ["promotion_promotions.id"],
            name=op.f("fk_promotion_promotion_outlets_promotion_id_promotion_promotions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "promotion_id", "outlet_id", name=op.f("pk_promotion_promotion_outlets")
        ),
    )
    op.create_index(
        op.f("ix_promotion_promotion_outlets_outlet_id"),
        "promotion_promotion_outlets",
        ["outlet_id"],
        unique=False,
    )
    op.create_table(
        "promotion_claims",
        sa.Column("promotion_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_claims_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_claims_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_promotion_claims_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["promotion_id"],
            ["promotion_promotions.id"],
            name=op.f("fk_promotion_claims_promotion_id_promotion_promotions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_promotion_claims_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_claims")),
    )
    op.create_index(
        op.f("ix_promotion_claims_owner_id"), "promotion_claims", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_promotion_claims_promotion_id"), "promotion_claims", ["promotion_id"], unique=False
    )
    op.create_table(
        "promotion_outlet_sales",
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["promotion_outlets.id"],
            name=op.f("fk_promotion_outlet_sales_outlet_id_promotion_outlets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_outlet_sales")),
        sa.UniqueConstraint("outlet_id", "sold_on", "source", name="uq_promotion_outlet_sales_day"),
    )
    op.create_index(
        op.f("ix_promotion_outlet_sales_outlet_id"),
        "promotion_outlet_sales",
        ["outlet_id"],
        unique=False,
    )


def downgrade() -> None:
    for table in (
        "promotion_outlet_sales",
        "promotion_claims",
        "promotion_promotion_outlets",
        "promotion_promotions",
        "promotion_audit_values",
        "promotion_visits",
        "promotion_plans",
        "promotion_outlet_contacts",
        "promotion_outlets",
        "promotion_territories",
        "promotion_settings",
    ):
        op.drop_table(table)

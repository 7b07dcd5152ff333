"""Marketing (kht.marketing): campaigns, their members, cost lines and the first/last-touch
attribution of opportunities; leads remember the campaign they came from.

Revision ID: 0030_core
Revises: 0029_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0030_core"
down_revision = "0029_core"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    name = f"fk_{table}_{column}_{target.split('.')[0]}"
    return sa.ForeignKeyConstraint([column], [target], name=op.f(name), ondelete=ondelete)


def _campaigns() -> None:
    op.create_table(
        "campaigns",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("segment_view_id", sa.Integer(), nullable=True),
        sa.Column("budget", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("expected_response", sa.Integer(), nullable=False),
        sa.Column("expected_revenue", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("stage_entered_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("launched_at", UtcDateTime(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        _fk("campaigns", "department_id", "departments.id", "SET NULL"),
        _fk("campaigns", "segment_view_id", "saved_views.id", "SET NULL"),
        _fk("campaigns", "parent_id", "campaigns.id", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["sales_processes.id"],
            name=op.f("fk_campaigns_process_id_sales_processes"),
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["sales_process_stages.id"],
            name=op.f("fk_campaigns_stage_id_sales_process_stages"),
        ),
        _fk("campaigns", "created_by_id", "users.id", "SET NULL"),
        _fk("campaigns", "updated_by_id", "users.id", "SET NULL"),
        _fk("campaigns", "owner_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("code", name=op.f("uq_campaigns_code")),
    )
    for column in ("department_id", "parent_id", "stage_id", "owner_id"):
        op.create_index(op.f(f"ix_campaigns_{column}"), "campaigns", [column], unique=False)


def _members_and_costs() -> None:
    op.create_table(
        "campaign_members",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("campaign_members", "campaign_id", "campaigns.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_members")),
    )
    op.create_index(
        "uq_campaign_members_record",
        "campaign_members",
        ["campaign_id", "kind", "record_id"],
        unique=True,
    )
    op.create_table(
        "campaign_costs",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("campaign_costs", "campaign_id", "campaigns.id", "CASCADE"),
        _fk("campaign_costs", "attachment_id", "attachments.id", "SET NULL"),
        _fk("campaign_costs", "created_by_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_costs")),
    )
    op.create_index(
        op.f("ix_campaign_costs_campaign_id"), "campaign_costs", ["campaign_id"], unique=False
    )


def _attribution() -> None:
    op.create_table(
        "campaign_attributions",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("first_campaign_id", sa.Integer(), nullable=True),
        sa.Column("last_campaign_id", sa.Integer(), nullable=True),
        _fk("campaign_attributions", "opportunity_id", "opportunities.id", "CASCADE"),
        _fk("campaign_attributions", "first_campaign_id", "campaigns.id", "SET NULL"),
        _fk("campaign_attributions", "last_campaign_id", "campaigns.id", "SET NULL"),
        sa.PrimaryKeyConstraint("opportunity_id", name=op.f("pk_campaign_attributions")),
    )
    for column in ("first_campaign_id", "last_campaign_id"):
        op.create_index(
            op.f(f"ix_campaign_attributions_{column}"), "campaign_attributions", [column]
        )
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_leads_campaign_id"), ["campaign_id"], unique=False)


def upgrade() -> None:
    _campaigns()
    _members_and_costs()
    _attribution()


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_index(batch.f("ix_leads_campaign_id"))
        batch.drop_column("campaign_id")
    op.drop_table("campaign_attributions")
    op.drop_table("campaign_costs")
    op.drop_table("campaign_members")
    op.drop_table("campaigns")

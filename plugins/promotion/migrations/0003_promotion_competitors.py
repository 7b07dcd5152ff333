"""promotion: competitor observations at outlet visits, and where a promotion's uplift reads
sell-through (reported outlet sales or orders).

Revision ID: 0003_promotion_competitors
Revises: 0002_promotion
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import JSONType, UtcDateTime

revision = "0003_promotion_competitors"
down_revision = "0002_promotion"
branch_labels = None
depends_on = None

TABLE = "promotion_competitor_observations"


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    table = target.split(".", 1)[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{TABLE}_{column}_{table}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("outlet_type", sa.String(length=20), nullable=False),
        sa.Column("competitor_id", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("shelf_share", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("activity", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("photos", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        _fk("competitor_id", "competitors.id", "CASCADE"),
        _fk("created_by_id", "users.id", "SET NULL"),
        _fk("outlet_id", "promotion_outlets.id", "RESTRICT"),
        _fk("owner_id", "users.id", "SET NULL"),
        _fk("region_id", "promotion_territories.id", "SET NULL"),
        _fk("territory_id", "promotion_territories.id", "SET NULL"),
        _fk("updated_by_id", "users.id", "SET NULL"),
        _fk("visit_id", "promotion_visits.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(
        "ix_promotion_competitor_observations_day", TABLE, ["competitor_id", "observed_on"]
    )
    for column in ("outlet_id", "owner_id", "visit_id"):
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column])
    with op.batch_alter_table("promotion_promotions") as batch:
        batch.add_column(
            sa.Column(
                "sell_through",
                sa.String(length=10),
                nullable=False,
                server_default=sa.text("'reported'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("promotion_promotions") as batch:
        batch.drop_column("sell_through")
    op.drop_table(TABLE)

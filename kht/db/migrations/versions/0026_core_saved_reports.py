"""Saved reports (kht.reports.saved): reports users build in the report builder.

Revision ID: 0026_core
Revises: 0025_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0026_core"
down_revision = "0025_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("dimensions", JSONType, nullable=False),
        sa.Column("measures", JSONType, nullable=False),
        sa.Column("filters", JSONType, nullable=False),
        sa.Column("chart", sa.String(length=20), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_saved_reports_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_reports")),
    )
    op.create_index(op.f("ix_saved_reports_owner_id"), "saved_reports", ["owner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_reports_owner_id"), table_name="saved_reports")
    op.drop_table("saved_reports")

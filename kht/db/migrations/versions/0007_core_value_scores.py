"""Value scores: the latest score of each value model per record (kht.value).

Revision ID: 0007_core
Revises: 0006_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0007_core"
down_revision = "0006_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "value_scores",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("parts", JSONType, nullable=False),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_scores")),
        sa.UniqueConstraint("kind", "record_id", "model_key", name="uq_value_scores_record_model"),
    )


def downgrade() -> None:
    op.drop_table("value_scores")

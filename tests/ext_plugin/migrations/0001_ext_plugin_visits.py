"""ext_plugin: the visits table.

Revision ID: 0001_ext_plugin
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import CORE_REVISION, UtcDateTime

revision = "0001_ext_plugin"
down_revision = None
branch_labels = ("ext_plugin",)
depends_on = CORE_REVISION


def upgrade() -> None:
    op.create_table(
        "ext_plugin_visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "customer_id",
            sa.Integer(),
            sa.ForeignKey("customers.id", name="fk_ext_plugin_visits_customer", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ext_plugin_visits")

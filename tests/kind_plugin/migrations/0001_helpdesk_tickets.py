"""helpdesk: the tickets table (a record: owner, version, soft delete, custom fields).

Revision ID: 0001_helpdesk
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import CORE_REVISION, JSONType, UtcDateTime

revision = "0001_helpdesk"
down_revision = None
branch_labels = ("helpdesk",)
depends_on = CORE_REVISION


def upgrade() -> None:
    op.create_table(
        "helpdesk_tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("helpdesk_tickets")

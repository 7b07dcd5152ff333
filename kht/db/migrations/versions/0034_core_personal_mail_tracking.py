"""One-to-one tracking of personal mails (kht.mail.sending): whether a mail written in the
CRM was sent tracked, and its first open and click with their counts.

Revision ID: 0034_core
Revises: 0033_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0034_core"
down_revision = "0033_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_messages") as table:
        table.add_column(
            sa.Column("tracked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(sa.Column("opened_at", UtcDateTime(), nullable=True))
        table.add_column(sa.Column("opens", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("clicked_at", UtcDateTime(), nullable=True))
        table.add_column(sa.Column("clicks", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("mail_messages") as table:
        for name in ("clicks", "clicked_at", "opens", "opened_at", "tracked"):
            table.drop_column(name)

"""The satisfaction survey by SMS: the SMS template the service settings send it with.

Revision ID: 0036_core
Revises: 0035_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0036_core"
down_revision = "0035_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain column (SQLite cannot add a foreign key without rebuilding the table); the
    # settings service checks the template exists, and a deleted one sends nothing.
    op.add_column(
        "service_settings", sa.Column("survey_sms_template_id", sa.Integer(), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("service_settings", "survey_sms_template_id")

"""Job attempts: how many times a worker started a job (or a periodic task's minute).

The number fences a job's commit (a run that lost its lease to a later attempt cannot
commit) and caps the runs of a job whose worker keeps dying (`KHT_JOB_MAX_ATTEMPTS`).

Revision ID: 0041_core
Revises: 0040_core
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0041_core"
down_revision = "0040_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("periodic_runs") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("periodic_runs") as batch:
        batch.drop_column("attempts")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("attempts")

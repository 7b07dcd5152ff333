"""Uploads of jobs in a table of their own, the file as the row's last column.

SQLite writes a zero-filled BLOB without building it in memory only when it is the last
column of the row; in the middle of `jobs` it took twice the file's size in memory. With the
BLOB last, `kht.jobs.stored_input` reserves it and writes the file 1 MB at a time. Existing
uploads move over.

Revision ID: 0010_core
Revises: 0009_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_core"
down_revision = "0009_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_inputs",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_job_inputs_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_inputs")),
    )
    op.execute(
        "INSERT INTO job_inputs (job_id, data) "
        "SELECT id, input_data FROM jobs WHERE input_data IS NOT NULL"
    )
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("input_data")


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("input_data", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE jobs SET input_data = "
        "(SELECT data FROM job_inputs WHERE job_inputs.job_id = jobs.id)"
    )
    op.drop_table("job_inputs")

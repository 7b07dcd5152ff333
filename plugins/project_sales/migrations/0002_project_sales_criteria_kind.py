"""project_sales: scorecard criteria become a record kind (list, form and API pages from the
core): the columns every record has (times, authors, owner, version, soft delete, ext).

Revision ID: 0002_project_sales_criteria_kind
Revises: 0001_project_sales
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import JSONType, UtcDateTime

revision = "0002_project_sales_criteria_kind"
down_revision = "0001_project_sales"
branch_labels = None
depends_on = None

TABLE = "project_sales_criteria"
NOW = sa.text("CURRENT_TIMESTAMP")


def _user(name: str) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("users.id", ondelete="SET NULL", name=f"fk_{TABLE}_{name}"),
        nullable=True,
    )


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("created_at", UtcDateTime(), nullable=False, server_default=NOW))
        batch.add_column(sa.Column("updated_at", UtcDateTime(), nullable=False, server_default=NOW))
        batch.add_column(_user("created_by_id"))
        batch.add_column(_user("updated_by_id"))
        batch.add_column(_user("owner_id"))
        batch.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch.add_column(sa.Column("deleted_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("ext", JSONType, nullable=False, server_default=sa.text("'{}'")))
        batch.create_index(f"ix_{TABLE}_owner_id", ["owner_id"])


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index(f"ix_{TABLE}_owner_id")
        for name in (
            "ext",
            "deleted_at",
            "version",
            "owner_id",
            "updated_by_id",
            "created_by_id",
            "updated_at",
            "created_at",
        ):
            batch.drop_column(name)

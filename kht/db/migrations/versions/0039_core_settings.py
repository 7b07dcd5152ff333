"""One settings store (kht.settings): the table `settings`, one row per owner with its
values as JSON and a version. The rows of the service settings (`service_settings`, dropped
here) and of the packs' own settings tables move in; each pack's branch then drops its table.

Revision ID: 0039_core
Revises: 0038_core
Create Date: 2026-12-08
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from kht.db.base import UtcDateTime

revision = "0039_core"
down_revision = "0038_core"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
# Packs that kept their settings as JSON in row 1 of `<pack>_settings` (data, version).
JSON_PACKS = ("standard_product", "membership", "promotion", "key_account")
SERVICE_FIELDS = (
    "work_start",
    "work_end",
    "mailbox_id",
    "near_breach_minutes",
    "intake_queue_id",
    "survey_sms_template_id",
)
STORE = sa.table(
    "settings",
    sa.column("owner", sa.String),
    sa.column("value", JSON),
    sa.column("version", sa.Integer),
    sa.column("updated_at", UtcDateTime()),
)


def _create() -> None:
    op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=63), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings")),
        sa.UniqueConstraint("owner", name=op.f("uq_settings_owner")),
    )


def _store(owner: str, value: dict[str, Any], version: int) -> None:
    row = {"owner": owner, "value": value, "version": version, "updated_at": datetime.now(UTC)}
    op.get_bind().execute(sa.insert(STORE), [row])


def _move_packs(tables: set[str]) -> None:
    bind = op.get_bind()
    for pack in JSON_PACKS:
        if f"{pack}_settings" not in tables:
            continue  # the pack was never enabled here
        table = sa.table(
            f"{pack}_settings", sa.column("id"), sa.column("data", JSON), sa.column("version")
        )
        query = sa.select(table.c.data, table.c.version).where(table.c.id == 1)
        found = bind.execute(query).first()
        if found is not None:
            _store(pack, found.data, found.version)
    if "project_sales_settings" in tables:
        found = bind.execute(
            sa.text("SELECT min_score, contact_days FROM project_sales_settings ORDER BY id")
        ).first()
        if found is not None:
            _store("project_sales", dict(found._mapping), 1)


def _move_service() -> None:
    columns = ("id", "version", *SERVICE_FIELDS)
    table = sa.table("service_settings", *(sa.column(k) for k in columns))
    query = sa.select(*(table.c[k] for k in columns[1:])).where(table.c.id == 1)
    found = op.get_bind().execute(query).first()
    if found is not None:
        values = dict(found._mapping)
        _store("service", {k: values[k] for k in SERVICE_FIELDS}, values["version"])


def upgrade() -> None:
    _create()
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    _move_packs(tables)
    _move_service()
    op.drop_table("service_settings")


def downgrade() -> None:
    """The service settings go back to their table; the packs' rows stay until each pack's
    branch is downgraded first (their own downgrades take them back)."""
    op.create_table(
        "service_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_start", sa.String(length=5), nullable=False),
        sa.Column("work_end", sa.String(length=5), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=True),
        sa.Column("near_breach_minutes", sa.Integer(), nullable=False),
        sa.Column("intake_queue_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("survey_sms_template_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intake_queue_id"],
            ["service_queues.id"],
            name=op.f("fk_service_settings_intake_queue_id_service_queues"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mail_accounts.id"],
            name=op.f("fk_service_settings_mailbox_id_mail_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_settings")),
    )
    bind = op.get_bind()
    found = bind.execute(
        sa.select(STORE.c.value, STORE.c.version).where(STORE.c.owner == "service")
    ).first()
    if found is not None:
        defaults = {"work_start": "09:00", "work_end": "18:00", "near_breach_minutes": 60}
        values = {k: found.value.get(k, defaults.get(k)) for k in SERVICE_FIELDS}
        columns = ("id", "version", *SERVICE_FIELDS)
        service = sa.table("service_settings", *(sa.column(k) for k in columns))
        bind.execute(sa.insert(service), [{"id": 1, "version": found.version, **values}])
    op.drop_table("settings")

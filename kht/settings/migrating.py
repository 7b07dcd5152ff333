"""Migration helpers for a plugin moving its own settings table into the core settings store
(public as `kht.plugin_api.settings_into_store` / `settings_out_of_store`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from kht.db.base import UtcDateTime

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
STORE = sa.table(
    "settings",
    sa.column("owner", sa.String),
    sa.column("value", JSON),
    sa.column("version", sa.Integer),
    sa.column("updated_at", UtcDateTime()),
)


def _pack_table(table: str) -> Any:
    return sa.table(table, sa.column("id"), sa.column("data", JSON), sa.column("version"))


def settings_into_store(owner: str, table: str) -> None:
    """Inside a plugin's upgrade: row 1 of `table` (columns `data` JSON, `version`) becomes
    `owner`'s row of the store, replacing one the core migration copied earlier (the plugin's
    table was the truth until now); then `table` is dropped."""
    bind = op.get_bind()
    old = _pack_table(table)
    found = bind.execute(sa.select(old.c.data, old.c.version).where(old.c.id == 1)).first()
    if found is not None:
        bind.execute(sa.delete(STORE).where(STORE.c.owner == owner))
        row = {"owner": owner, "value": found.data, "version": found.version}
        bind.execute(sa.insert(STORE), [{**row, "updated_at": datetime.now(UTC)}])
    op.drop_table(table)


def settings_out_of_store(owner: str, table: str, **extra: sa.Column) -> None:
    """Inside the same plugin's downgrade: `table` again (id, data, version, updated_at and
    `extra` columns, given their defaults), holding `owner`'s row of the store as row 1."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        *extra.values(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    bind = op.get_bind()
    query = sa.select(STORE.c.value, STORE.c.version).where(STORE.c.owner == owner)
    found = bind.execute(query).first()
    if found is not None:
        new = sa.table(
            table,
            sa.column("id"),
            sa.column("data", JSON),
            sa.column("version"),
            sa.column("updated_at", UtcDateTime()),
        )
        row = {"id": 1, "data": found.value, "version": found.version}
        bind.execute(sa.insert(new), [{**row, "updated_at": datetime.now(UTC)}])
        bind.execute(sa.delete(STORE).where(STORE.c.owner == owner))

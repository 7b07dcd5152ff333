"""Core migration 0039: the service settings row and the packs' settings rows (their own
tables, as the packs kept them before) move into the one settings store; its downgrade gives
the service its table back. Run on SQLite and PostgreSQL (KHT_TEST_DATABASE_URL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from kht.db.base import JSONType
from kht.db.migrate import alembic_config
from kht.plugins import migration_dirs
from kht.settings.models import StoredSettings

SERVICE = {
    "work_start": "08:30",
    "work_end": "17:30",
    "mailbox_id": None,
    "near_breach_minutes": 45,
    "intake_queue_id": None,
    "survey_sms_template_id": None,
}


def _pack_tables(connection) -> None:
    """Tables shaped as two packs kept their settings (for a database without the packs)."""
    meta = sa.MetaData()
    membership = sa.Table(
        "membership_settings",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("data", JSONType),
        sa.Column("version", sa.Integer),
    )
    project = sa.Table(
        "project_sales_settings",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("min_score", sa.Integer),
        sa.Column("contact_days", sa.Integer),
    )
    meta.create_all(connection, checkfirst=True)
    connection.execute(membership.delete())
    connection.execute(project.delete())
    connection.execute(
        membership.insert(),
        [{"id": 1, "data": {"grace_days": 10, "tier_basis": "points"}, "version": 4}],
    )
    connection.execute(project.insert(), [{"id": 3, "min_score": 70, "contact_days": 14}])


def test_the_old_rows_move_into_the_store_and_the_service_row_comes_back_on_downgrade(
    kht_runtime,
):
    runtime = kht_runtime()
    engine = runtime.engine
    config = alembic_config(engine, migration_dirs(runtime.found))
    command.downgrade(config, "0038_core")
    with engine.begin() as connection:
        _pack_tables(connection)
        service = sa.table("service_settings", *(sa.column(k) for k in ("id", "version", *SERVICE)))
        connection.execute(service.insert(), [{"id": 1, "version": 3, **SERVICE}])

    command.upgrade(config, "core@head")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(StoredSettings.owner, StoredSettings.value, StoredSettings.version)
        ).all()
        assert "service_settings" not in sa.inspect(connection).get_table_names()
    assert {owner: (value, version) for owner, value, version in rows} == {
        "service": (SERVICE, 3),
        "membership": ({"grace_days": 10, "tier_basis": "points"}, 4),
        "project_sales": ({"min_score": 70, "contact_days": 14}, 1),
    }

    command.downgrade(config, "0038_core")
    with engine.begin() as connection:
        back = connection.execute(
            sa.text("SELECT work_start, near_breach_minutes, version FROM service_settings")
        ).one()
        assert tuple(back) == ("08:30", 45, 3)
        connection.execute(sa.text("DROP TABLE membership_settings"))
        connection.execute(sa.text("DROP TABLE project_sales_settings"))
    command.upgrade(config, "core@head")

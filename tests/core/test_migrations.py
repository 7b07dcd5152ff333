"""Schema changes: upgrade from an empty database, and models that match the migrations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import kht.models  # noqa: F401
from kht.db.base import Base
from kht.db.migrate import applied_revisions, current_revisions, head_of
from kht.plugins import migration_dirs
from kht.runtime import Runtime
from kht.testing import settings_for
from tests.conftest import EXT_PLUGIN


def empty_database_url(kht_databases) -> str:
    """A database with nothing in it (not cloned from the migrated template)."""
    if hasattr(kht_databases, "_execute"):
        name = f"{kht_databases.prefix}_empty"
        kht_databases._execute(f'CREATE DATABASE "{name}"')
        kht_databases.created.append(name)
        return kht_databases.base.set(database=name).render_as_string(hide_password=False)
    return f"sqlite:///{kht_databases.folder / 'empty.db'}"


def test_upgrade_from_an_empty_database_reaches_the_core_head(kht_databases):
    runtime = Runtime.from_settings(
        settings_for(empty_database_url(kht_databases), extra_plugins=[EXT_PLUGIN])
    )
    assert inspect(runtime.engine).get_table_names() == []
    runtime.migrate()
    tables = set(inspect(runtime.engine).get_table_names())
    assert {
        "users",
        "customers",
        "custom_fields",
        "plugin_states",
        "alembic_version",
        "roles",
        "departments",
        "user_sessions",
        "api_tokens",
        "audit_log",
    } <= tables
    head = head_of(runtime.engine, migration_dirs(runtime.found), "core")
    assert current_revisions(runtime.engine) == {head}
    runtime.migrate()  # running it again changes nothing
    assert current_revisions(runtime.engine) == {head}
    runtime.engine.dispose()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_core_models_match_the_migrated_schema(kht_runtime):
    runtime = kht_runtime()
    # Only the core's own models: plugins' tables (the packs', and test plugins' that other
    # tests in this process imported) live in their own migration branches.
    core_tables = {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if mapper.class_.__module__.startswith("kht.")
    }
    with runtime.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    relevant = [d for d in diff if _table_of(d) in core_tables and not _dialect_only(d)]
    assert relevant == []


# Full-text structures live only in the migration (one database's kind of index each), and
# so do the expression indexes of the import keys (migration 0009).
DIALECT_ONLY = {
    "ix_search_documents_tsv",
    *(
        f"ix_{table}_key_{column}"
        for table, column in (
            ("customers", "name"),
            ("customers", "phone"),
            ("customers", "email"),
            ("contacts", "mobile"),
            ("contacts", "email"),
            ("leads", "phone"),
            ("leads", "email"),
            ("products", "code"),
        )
    ),
}


def _dialect_only(diff) -> bool:
    item = diff[0] if isinstance(diff, list) else diff
    return getattr(item[1], "name", None) in DIALECT_ONLY


def _table_of(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        if isinstance(part, str) and part in Base.metadata.tables:
            return part
        if name in Base.metadata.tables:
            return name
    return None


def test_a_plugin_branch_is_migrated_next_to_the_core(kht_runtime):
    runtime = kht_runtime(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    dirs = migration_dirs(runtime.found)
    wanted = {head_of(runtime.engine, dirs, "core"), head_of(runtime.engine, dirs, "ext_plugin")}
    assert wanted <= applied_revisions(runtime.engine, dirs)
    runtime.migrate()
    assert wanted <= applied_revisions(runtime.engine, dirs)

"""Alembic, driven from code: one version branch for the core, one per plugin."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from kht.config import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
CORE_BRANCH = "core"
# The core revision a plugin branch names in `depends_on` (public as kht.plugin_api's). The
# core's first revision, so it never changes: the core is always brought to its head before
# any plugin branch runs, so a plugin's migrations may use every core table. A moving value
# (the core's head) would make an applied plugin revision claim core revisions not yet run.
CORE_REVISION = "0001_core"


def alembic_config(
    engine: Engine, plugin_dirs: dict[str, Path], settings: Settings | None = None
) -> Config:
    """An Alembic config whose version locations are the core's and every known plugin's.

    Disabled plugins' folders stay on the list so their applied revisions remain resolvable.
    `settings` reach migrations that seal data with the instance key (`attributes["settings"]`).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    locations = [str(MIGRATIONS_DIR / "versions"), *(str(p) for p in plugin_dirs.values())]
    config.set_main_option("version_locations", os.pathsep.join(locations))
    config.attributes["engine"] = engine
    config.attributes["settings"] = settings
    return config


def upgrade(
    engine: Engine,
    plugin_dirs: dict[str, Path],
    branches: list[str],
    settings: Settings | None = None,
) -> None:
    """Bring the core and each named plugin branch to its head, each in its own transaction.

    Without `settings`, a migration that needs the instance key loads them (kht.toml, KHT_*).
    """
    config = alembic_config(engine, plugin_dirs, settings)
    for branch in [CORE_BRANCH, *branches]:
        if branch != CORE_BRANCH and branch not in plugin_dirs:
            continue  # a plugin without migrations has nothing to upgrade
        command.upgrade(config, f"{branch}@head")


def current_revisions(engine: Engine) -> set[str]:
    """The revisions recorded in `alembic_version` (empty for a fresh database)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def applied_revisions(engine: Engine, plugin_dirs: dict[str, Path]) -> set[str]:
    """Every revision the database has, including those implied by recorded heads.

    Alembic records only heads; a plugin branch that `depends_on` a core revision stands in
    for that revision in `alembic_version`.
    """
    script = ScriptDirectory.from_config(alembic_config(engine, plugin_dirs))
    heads = tuple(current_revisions(engine))
    if not heads:
        return set()
    return {rev.revision for rev in script.iterate_revisions(heads, "base")}


def head_of(engine: Engine, plugin_dirs: dict[str, Path], branch: str) -> str:
    """The newest revision of `branch` in the scripts (what `upgrade` would bring it to)."""
    script = ScriptDirectory.from_config(alembic_config(engine, plugin_dirs))
    return script.get_revision(f"{branch}@head").revision

"""A runtime outside HTTP (CLI, worker, tests): settings, engine and plugins, plus `ctx`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import kht.models  # noqa: F401  (all core tables, so foreign keys resolve)
from kht import plugins as plugin_manager
from kht.config import Settings
from kht.context import Ctx
from kht.db import migrate
from kht.db.engine import make_engine, read_only
from kht.instance_key import resolve_secret_key


@dataclass
class Runtime:
    """What a command needs: settings, the engine and the discovered plugins."""

    settings: Settings
    engine: Engine
    found: dict[str, plugin_manager.Discovered]
    _built: tuple[frozenset[str], plugin_manager.Plugins] | None = field(
        default=None, repr=False, compare=False
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        engine = make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        resolve_secret_key(settings, engine)
        return cls(
            settings=settings, engine=engine, found=plugin_manager.discover(settings.extra_plugins)
        )

    def plugins(self) -> plugin_manager.Plugins:
        """The plugin manager for the plugins enabled in the database right now.

        Building one costs milliseconds (pluggy inspects every hook implementation), so the
        last one is reused while the enabled set stays the same.
        """
        # A read-only session: on SQLite it never waits for the write lock (a worker asks for
        # every job and task, while another worker's import may hold that lock for long).
        with Session(read_only(self.engine)) as session:
            enabled = frozenset(plugin_manager.enabled_names(session))
        if self._built is None or self._built[0] != enabled:
            built = plugin_manager.build(self.found, set(enabled), trace=self.settings.trace_hooks)
            self._built = (enabled, built)
        return self._built[1]

    def migrate(self) -> None:
        """Bring the core and every enabled plugin to head; create missing built-in roles."""
        from kht.auth.service import ensure_builtin_roles

        migrate.upgrade(self.engine, plugin_manager.migration_dirs(self.found), [], self.settings)
        resolve_secret_key(self.settings, self.engine)  # a fresh database has one now
        with Session(self.engine) as session, session.begin():
            ensure_builtin_roles(session)
            enabled = plugin_manager.enabled_names(session)
        names = plugin_manager.ordered(self.found, enabled)
        migrate.upgrade(self.engine, plugin_manager.migration_dirs(self.found), names)
        self.seed()

    def enable(self, name: str) -> list[str]:
        """Enable plugin `name` (and what it requires), migrate it and seed its defaults."""
        newly = plugin_manager.enable(self.engine, self.found, name)
        self.seed()
        if newly:
            self.grant_defaults(newly)
        return newly

    def grant_defaults(self, names: list[str]) -> None:
        """Give the built-in roles the default grants the plugins `names` declare with their
        permissions (`Permission.default_grants`)."""
        from kht.auth.service import grant_plugin_defaults

        with self.ctx() as ctx:
            declared = plugin_manager.declared_permissions(ctx.plugins.pm).values()
            grant_plugin_defaults(ctx.session, [p for owner, p in declared if owner in names])

    def set_enabled(self, name: str, enabled: bool) -> list[str]:
        """Enable (with what it requires, migrated and seeded) or disable plugin `name`.

        The one path the CLI and the plugins page share, so both apply the same checks (an
        unknown or broken plugin, a circle of requirements, a plugin others still require).
        Returns the plugins whose state changed. A change is announced to the running servers
        (`kht.web.live`).
        """
        from kht.web.live import announce_plugins_changed

        if enabled:
            changed = self.enable(name)
        else:
            with Session(self.engine) as session:
                was = name in plugin_manager.enabled_names(session)
            plugin_manager.disable(self.engine, self.found, name)
            changed = [name] if was else []
        if changed:
            announce_plugins_changed(self.settings)  # every server rebuilds its app
        return changed

    def seed(self) -> None:
        """Let every enabled module and plugin create the rows it needs (idempotent)."""
        with self.ctx() as ctx:
            ctx.hook.kht_on_schema_ready(ctx=ctx)

    @contextmanager
    def ctx(self, user: Any = None, language: str = "zh_CN") -> Iterator[Ctx]:
        """A context in one transaction: committed if the block succeeds, rolled back if not."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield Ctx(
                session=session,
                settings=self.settings,
                plugins=self.plugins(),
                user=user,
                language=language,
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

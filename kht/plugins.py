"""Plugin manager: discovery through entry points, the enabled set, load order.

Every installed plugin is *discovered* (imported, its `kht_register_plugin` read); only the
*enabled* ones, stored in the `plugin_states` table, are registered with pluggy, so a disabled
plugin's hooks never run and its UI disappears while its data stays. The core's own
behaviour is registered as plugins too (`CORE_PLUGINS`).
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from sqlalchemy import Boolean, Engine, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kht import hookspecs
from kht.db import migrate
from kht.db.base import Base, utcnow
from kht.errors import KhtError, PluginError
from kht.plugin_types import Permission, PluginInfo

log = logging.getLogger("kht.plugins")

ENTRY_POINT_GROUP = "kht"
CORE_PLUGINS = (
    "kht.web.core_plugin",
    "kht.auth.plugin",
    "kht.org.plugin",
    "kht.audit.plugin",
    "kht.customers.plugin",
    "kht.contacts.plugin",
    "kht.leads.plugin",
    "kht.tags.plugin",
    "kht.lists.plugin",
    "kht.lifecycle.plugin",
    "kht.pool.plugin",
    "kht.files.plugin",
    "kht.teams.plugin",
    "kht.search.plugin",
    "kht.importing.plugin",
    "kht.exporting.plugin",
    "kht.actions.plugin",
    "kht.mail.plugin",
    "kht.sms.plugin",
    "kht.merge.plugin",
    "kht.jobs.plugin",
    "kht.customfields.plugin",
    "kht.products.plugin",
    "kht.knowledge.plugin",
    "kht.competitors.plugin",
    "kht.sales.processes.plugin",
    "kht.sales.opportunities.plugin",
    "kht.sales.quotes.plugin",
    "kht.sales.orders.plugin",
    "kht.sales.quotas.plugin",
    "kht.sales.analysis.plugin",
    "kht.marketing.plugin",
    "kht.reports.plugin",
    "kht.dashboards.plugin",
    "kht.delivery.plugin",
    "kht.value.plugin",
    "kht.admin.plugin",
    "kht.automation.plugin",
    "kht.webhooks.plugin",
    "kht.service.plugin",
    "kht.settings.plugin",
)


class PluginState(Base):
    """Whether an installed plugin is enabled in this database."""

    __tablename__ = "plugin_states"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@dataclass
class Discovered:
    """An installed plugin: its module and info, or the error that stopped it loading."""

    name: str
    module: ModuleType | Any = None
    info: PluginInfo | None = None
    error: str | None = None


def _load_one(name: str, loader: Any) -> Discovered:
    try:
        module = loader()
        info = module.kht_register_plugin()
        if not isinstance(info, PluginInfo):
            raise TypeError("kht_register_plugin() must return a PluginInfo")
        _add_catalogues(module, info)
        return Discovered(name=info.name, module=module, info=info)
    except Exception as exc:  # any failure of third-party code is reported, not fatal
        log.error("plugin %s failed to load: %s: %s", name, type(exc).__name__, exc)
        return Discovered(name=name, error=f"{type(exc).__name__}: {exc}")


def _add_catalogues(module: ModuleType, info: PluginInfo) -> None:
    """Make the plugin's translations known to `_`: `info.locale`, else a `locale` folder
    next to its module."""
    from kht.web.i18n import add_catalogues  # kht.web imports this module

    locale = info.locale
    if locale is None and getattr(module, "__file__", None):
        locale = Path(module.__file__).parent / "locale"
    if locale is not None and locale.is_dir():
        add_catalogues(locale)


def discover(extra: list[str] | tuple[str, ...] = ()) -> dict[str, Discovered]:
    """Import every plugin of the `kht` entry-point group plus `extra` module paths.

    A plugin that fails to import is returned with its error instead of raising; two plugins
    claiming one name is a start-up error naming both.
    """
    found: dict[str, Discovered] = {}
    sources = [(ep.name, ep.load, ep.value) for ep in entry_points(group=ENTRY_POINT_GROUP)]
    sources += [(path, lambda p=path: importlib.import_module(p), path) for path in extra]
    for label, loader, origin in sources:
        item = _load_one(label, loader)
        if item.name in found and found[item.name].module is not item.module:
            raise PluginError(
                f"two plugins are named {item.name!r}: {_origin(found[item.name])} and {origin}"
            )
        found[item.name] = item
    return found


def _origin(item: Discovered) -> str:
    return getattr(item.module, "__name__", repr(item.module))


def enabled_names(session: Session) -> set[str]:
    """Names of the plugins enabled in this database."""
    return set(session.scalars(select(PluginState.name).where(PluginState.enabled)))


def migration_dirs(found: dict[str, Discovered]) -> dict[str, Path]:
    """Migration folders of every loadable plugin (enabled or not)."""
    return {
        name: d.info.migrations
        for name, d in found.items()
        if d.info is not None and d.info.migrations is not None
    }


def _get(found: dict[str, Discovered], name: str) -> Discovered:
    item = found.get(name)
    if item is None:
        known = ", ".join(sorted(found)) or "none"
        raise PluginError(f"unknown plugin {name!r} (installed: {known})", "name")
    if item.error:
        raise PluginError(f"plugin {name!r} cannot be loaded: {item.error}", "name")
    return item


def with_requirements(found: dict[str, Discovered], name: str) -> list[str]:
    """`name` and everything it requires, requirements first; unknown names are errors."""
    order: list[str] = []

    def visit(current: str, trail: tuple[str, ...]) -> None:
        if current in trail:
            raise PluginError(f"plugins require each other in a circle: {' -> '.join(trail)}")
        info = _get(found, current).info
        assert info is not None
        for needed in info.requires:
            visit(needed, (*trail, current))
        if current not in order:
            order.append(current)

    visit(name, ())
    return order


def enable(engine: Engine, found: dict[str, Discovered], name: str) -> list[str]:
    """Enable `name` and what it requires, migrating each first. Returns the newly enabled."""
    names = with_requirements(found, name)
    migrate.upgrade(engine, migration_dirs(found), names)
    with Session(engine) as session, session.begin():
        already = enabled_names(session)
        for item in names:
            session.merge(PluginState(name=item, enabled=True))
    return [item for item in names if item not in already]


def disable(engine: Engine, found: dict[str, Discovered], name: str) -> None:
    """Disable `name`, keeping its data; refused while another enabled plugin requires it."""
    with Session(engine) as session, session.begin():
        enabled = enabled_names(session)
        if name not in found and name not in enabled:
            _get(found, name)  # raises the "unknown plugin" error
        needed_by = sorted(
            other
            for other in enabled
            if other != name
            and found.get(other)
            and found[other].info
            and name in found[other].info.requires
        )
        if needed_by:
            raise PluginError(f"{name} is required by enabled plugin(s): {', '.join(needed_by)}")
        session.merge(PluginState(name=name, enabled=False))


def ordered(found: dict[str, Discovered], names: set[str]) -> list[str]:
    """Load order: requirements before the plugins that need them, then by name."""
    order: list[str] = []
    for name in sorted(names):
        try:
            order += [n for n in with_requirements(found, name) if n not in order]
        except PluginError as exc:  # a broken or missing plugin must not stop the app
            log.error("plugin %s is enabled but not loaded: %s", name, exc.message)
    return order


@dataclass
class Plugins:
    """The plugins of one app: what is installed, what is enabled, and the pluggy manager."""

    found: dict[str, Discovered]
    enabled: list[str]
    pm: pluggy.PluginManager = field(repr=False)

    @property
    def failed(self) -> dict[str, str]:
        return {name: d.error for name, d in self.found.items() if d.error}

    def info(self, name: str) -> PluginInfo | None:
        item = self.found.get(name)
        return item.info if item else None

    def enabled_infos(self) -> list[PluginInfo]:
        return [self.found[name].info for name in self.enabled]  # type: ignore[misc]


def build(found: dict[str, Discovered], enabled: set[str], *, trace: bool = False) -> Plugins:
    """Register the core plugins and the enabled plugins with a fresh pluggy manager."""
    pm = pluggy.PluginManager("kht")
    pm.add_hookspecs(hookspecs)
    for path in CORE_PLUGINS:
        pm.register(importlib.import_module(path), name=path)
    names = ordered(found, enabled)
    for name in names:
        pm.register(found[name].module, name=name)
    pm.check_pending()
    if trace:
        pm.trace.root.setwriter(lambda message: sys.stderr.write(message))
        pm.enable_tracing()
    _check_models(pm)
    _check_permissions(pm)
    return Plugins(found=found, enabled=names, pm=pm)


def declared_permissions(pm: pluggy.PluginManager) -> dict[str, tuple[str, Permission]]:
    """{module: (plugin name, Permission)} of every registered plugin's permission."""
    declared: dict[str, tuple[str, Permission]] = {}
    for impl in pm.hook.kht_register_permissions.get_hookimpls():
        for permission in impl.function() or []:
            declared.setdefault(permission.module, (impl.plugin_name, permission))
    return declared


def _check_permissions(pm: pluggy.PluginManager) -> None:
    """A permission module belongs to one plugin, never to a core module, and its default
    grants name built-in roles with valid operations and scopes."""
    from kht.auth.permissions import BUILTIN_ROLES, MODULES, check_grants

    owners: dict[str, str] = {module: "the core" for module in MODULES}
    for impl in pm.hook.kht_register_permissions.get_hookimpls():
        for permission in impl.function() or []:
            module = permission.module
            if module in owners:
                raise PluginError(
                    f"permission module {module!r} is declared by {owners[module]} and by "
                    f"plugin {impl.plugin_name!r}"
                )
            owners[module] = f"plugin {impl.plugin_name!r}"
            unknown = sorted(set(permission.default_grants) - set(BUILTIN_ROLES))
            if unknown:
                raise PluginError(
                    f"plugin {impl.plugin_name!r} grants {module!r} to unknown role(s) "
                    f"{', '.join(unknown)} (built-in roles: {', '.join(BUILTIN_ROLES)})"
                )
            try:
                for grant in permission.default_grants.values():
                    check_grants({module: grant}, {module: None})
            except KhtError as exc:
                raise PluginError(
                    f"plugin {impl.plugin_name!r}: default grant of {module!r}: {exc.message}"
                ) from None


def _check_models(pm: pluggy.PluginManager) -> None:
    """Each plugin's tables must carry its prefix, so two plugins can never claim one table."""
    for impl in pm.hook.kht_register_models.get_hookimpls():
        plugin_name = impl.plugin_name
        for model in impl.function() or []:
            table = model.__tablename__
            if not plugin_name.startswith("kht.") and not table.startswith(f"{plugin_name}_"):
                raise PluginError(
                    f"plugin {plugin_name!r} declares table {table!r}; "
                    f"plugin tables must be named {plugin_name}_<thing>"
                )

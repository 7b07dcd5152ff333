"""What the administration pages show: the admin pages from the menu, and the plugins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kht import plugins as plugin_manager
from kht.auth.permissions import require
from kht.context import Ctx
from kht.plugin_types import MenuItem
from kht.runtime import Runtime
from kht.web.i18n import N_
from kht.web.pages import menu_items

HOME = "/admin"
# What a plugin adds, by the hooks it implements (in the order the page lists them).
CONTRIBUTIONS = (
    ("kht_register_routes", N_("pages and API")),
    ("kht_menu_items", N_("menu entries")),
    ("kht_register_models", N_("tables")),
    ("kht_register_fields", N_("fields on core records")),
    ("kht_register_processes", N_("sales processes")),
    ("kht_register_reports", N_("reports")),
    ("kht_register_value_models", N_("scoring models")),
    ("kht_register_quote_templates", N_("quote templates")),
    ("kht_register_permissions", N_("permissions")),
    ("kht_record_panels", N_("record panels")),
    ("kht_record_actions", N_("record buttons")),
    ("kht_on_event", N_("reactions to events")),
    ("kht_validate", N_("checks on saving")),
    ("kht_register_commands", N_("commands")),
    ("kht_register_periodic_tasks", N_("scheduled tasks")),
    ("kht_demo_data", N_("demo data")),
)


def require_administrator(ctx: Ctx) -> None:
    """403 unless the acting user administers users (the administration pages' right)."""
    require(ctx.user, "users", "admin")


def admin_pages(ctx: Ctx) -> list[MenuItem]:
    """Every page the menu hooks put in the admin section for this user, but the home."""
    require_administrator(ctx)
    return [item for item in menu_items(ctx) if item.section == "admin" and item.url != HOME]


@dataclass
class PluginRow:
    """One installed plugin as the plugins page shows it."""

    name: str
    info: Any = None
    error: str | None = None
    enabled: bool = False  # in the database
    running: bool = False  # in this server process
    adds: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    required_by: list[str] = field(default_factory=list)

    @property
    def restart_needed(self) -> bool:
        return self.enabled != self.running


def _tables(module: Any) -> list[str]:
    register = getattr(module, "kht_register_models", None)
    models = register() if register else None  # a register hook does no I/O
    return sorted(model.__tablename__ for model in models or [])


def _row(name: str, item: plugin_manager.Discovered, enabled: set[str], running: set[str]) -> Any:
    row = PluginRow(name=name, info=item.info, error=item.error)
    row.enabled, row.running = name in enabled, name in running
    if item.module is not None:
        row.adds = [label for hook, label in CONTRIBUTIONS if hasattr(item.module, hook)]
        row.tables = _tables(item.module)
    return row


def plugin_rows(ctx: Ctx) -> list[PluginRow]:
    """Every installed plugin (broken ones too): state in the database and in this process,
    version, requirements and what it adds."""
    require_administrator(ctx)
    enabled = plugin_manager.enabled_names(ctx.session)
    running = set(ctx.plugins.enabled)
    found = ctx.plugins.found
    rows = [_row(name, found[name], enabled, running) for name in sorted(found)]
    for row in rows:
        row.required_by = sorted(
            other.name
            for other in rows
            if other.info and row.name in other.info.requires and other.enabled
        )
    return rows


def change_plugin(ctx: Ctx, name: str, enabled: bool) -> list[str]:
    """Enable or disable plugin `name` as `kht plugins enable/disable` does; the changed names.

    The request's transaction is committed first: enabling migrates through connections of
    its own, which would wait for the request's SQLite write lock until they time out.
    """
    require_administrator(ctx)
    ctx.session.commit()
    runtime = Runtime(settings=ctx.settings, engine=ctx.session.get_bind(), found=ctx.plugins.found)
    return runtime.set_enabled(name, enabled)

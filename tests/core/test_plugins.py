"""The plugin manager: discovery, the enabled set, requirements, broken plugins."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from kht import plugins as plugin_manager
from kht.errors import PluginError
from kht.hookspecs import hookimpl
from kht.plugin_types import Permission, PluginInfo
from kht.runtime import Runtime
from tests.conftest import BROKEN_PLUGIN, EXT_PLUGIN, NEEDS_EXT_PLUGIN

PACKS = {"standard_product", "membership", "promotion", "project_sales", "key_account"}


def enabled(runtime) -> set[str]:
    with Session(runtime.engine) as session:
        return plugin_manager.enabled_names(session)


def test_the_five_packs_are_discovered_through_entry_points(kht_runtime):
    runtime = kht_runtime()
    assert PACKS <= set(runtime.found)
    assert all(runtime.found[name].error is None for name in PACKS)


def test_a_fresh_database_enables_no_plugin_and_the_core_boots_alone(kht_runtime):
    runtime = kht_runtime()
    assert enabled(runtime) == set()
    assert runtime.plugins().enabled == []


def test_enabling_runs_the_plugins_migrations_and_records_it(kht_runtime):
    runtime = kht_runtime(extra=[EXT_PLUGIN])
    assert "ext_plugin_visits" not in inspect(runtime.engine).get_table_names()
    assert plugin_manager.enable(runtime.engine, runtime.found, "ext_plugin") == ["ext_plugin"]
    assert "ext_plugin_visits" in inspect(runtime.engine).get_table_names()
    assert enabled(runtime) == {"ext_plugin"}
    assert runtime.plugins().enabled == ["ext_plugin"]


def test_enabling_twice_is_harmless(kht_runtime):
    runtime = kht_runtime(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    assert plugin_manager.enable(runtime.engine, runtime.found, "ext_plugin") == []


def test_enabling_a_plugin_enables_what_it_requires_first(kht_runtime):
    runtime = kht_runtime(extra=[EXT_PLUGIN, NEEDS_EXT_PLUGIN])
    newly = plugin_manager.enable(runtime.engine, runtime.found, "needs_ext")
    assert newly == ["ext_plugin", "needs_ext"]
    assert runtime.plugins().enabled == ["ext_plugin", "needs_ext"]


def test_disabling_is_refused_while_an_enabled_plugin_requires_it(kht_runtime):
    runtime = kht_runtime(plugins=["needs_ext"], extra=[EXT_PLUGIN, NEEDS_EXT_PLUGIN])
    with pytest.raises(PluginError, match="required by enabled plugin.*needs_ext"):
        plugin_manager.disable(runtime.engine, runtime.found, "ext_plugin")
    plugin_manager.disable(runtime.engine, runtime.found, "needs_ext")
    plugin_manager.disable(runtime.engine, runtime.found, "ext_plugin")
    assert enabled(runtime) == set()


def test_disabling_keeps_the_plugins_tables(kht_runtime):
    runtime = kht_runtime(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    plugin_manager.disable(runtime.engine, runtime.found, "ext_plugin")
    assert "ext_plugin_visits" in inspect(runtime.engine).get_table_names()
    assert runtime.plugins().enabled == []


def test_an_unknown_name_is_a_clear_error(kht_runtime):
    runtime = kht_runtime()
    with pytest.raises(PluginError, match="unknown plugin 'nope'"):
        plugin_manager.enable(runtime.engine, runtime.found, "nope")
    with pytest.raises(PluginError, match="unknown plugin 'nope'"):
        plugin_manager.disable(runtime.engine, runtime.found, "nope")


def test_a_plugin_that_fails_to_import_is_reported_and_the_rest_still_load(kht_runtime):
    runtime = kht_runtime(plugins=["ext_plugin"], extra=[EXT_PLUGIN, BROKEN_PLUGIN])
    broken = runtime.found[BROKEN_PLUGIN]
    assert "ImportError: this plugin is broken on purpose" in broken.error
    plugins = runtime.plugins()
    assert plugins.enabled == ["ext_plugin"]
    assert BROKEN_PLUGIN in plugins.failed
    with pytest.raises(PluginError, match="cannot be loaded"):
        plugin_manager.enable(runtime.engine, runtime.found, BROKEN_PLUGIN)


def test_a_plugin_table_without_the_plugin_prefix_is_a_start_up_error(kht_runtime, monkeypatch):
    from tests.ext_plugin import plugin as ext

    runtime = kht_runtime(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    monkeypatch.setattr(ext.Visit, "__tablename__", "visits")
    starting = Runtime.from_settings(runtime.settings)  # a process starting up
    with pytest.raises(PluginError, match="must be named ext_plugin_<thing>"):
        starting.plugins()
    starting.engine.dispose()


def test_two_plugins_with_one_name_is_a_start_up_error_naming_both():
    with pytest.raises(PluginError, match="two plugins are named 'ext_plugin'"):
        plugin_manager.discover([EXT_PLUGIN, "tests.ext_plugin_twin"])


def test_every_hookspec_is_documented_with_a_called_line():
    from kht import hookspecs

    specs = [getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("kht_")]
    assert len(specs) >= 18
    for spec in specs:
        assert spec.__doc__ and "Called:" in spec.__doc__, spec.__name__


def role_grants(runtime, key: str) -> dict:
    from kht.auth.models import Role

    with Session(runtime.engine) as session:
        return session.query(Role).filter_by(key=key).one().grants


def test_enabling_gives_the_built_in_roles_the_plugins_default_grants(kht_runtime):
    runtime = kht_runtime(extra=[EXT_PLUGIN])
    assert "ext_plugin" not in role_grants(runtime, "sales_rep")
    runtime.enable("ext_plugin")
    assert role_grants(runtime, "sales_rep")["ext_plugin"] == {"ops": ["view"], "scope": "own"}
    admin = role_grants(runtime, "administrator")["ext_plugin"]
    assert admin["scope"] == "all" and "admin" in admin["ops"] and "delete" in admin["ops"]
    assert "ext_plugin" not in role_grants(runtime, "marketing")  # not named: nothing


def test_default_grants_do_not_overwrite_what_an_administrator_chose(kht_runtime):
    from kht.auth.models import Role

    runtime = kht_runtime(extra=[EXT_PLUGIN])
    with Session(runtime.engine) as session, session.begin():
        rep = session.query(Role).filter_by(key="sales_rep").one()
        rep.grants = {**rep.grants, "ext_plugin": {"ops": [], "scope": "own"}}
    runtime.enable("ext_plugin")
    assert role_grants(runtime, "sales_rep")["ext_plugin"] == {"ops": [], "scope": "own"}


class Claims:
    """A plugin declaring one permission module (to clash with others)."""

    def __init__(self, module: str, **grants) -> None:
        self.module, self.grants = module, grants

    @hookimpl
    def kht_register_permissions(self):
        return [
            Permission(module=self.module, label_zh="x", label_en="x", default_grants=self.grants)
        ]


@pytest.mark.parametrize(
    ("claim", "error"),
    [
        (
            Claims("ext_plugin"),
            r"'ext_plugin' is declared by plugin '\w+' and by plugin '\w+'",
        ),
        (Claims("customers"), "'customers' is declared by the core and by plugin 'claims'"),
        (Claims("mine", boss={"ops": ["view"]}), "unknown role"),
        (Claims("mine", sales_rep={"ops": ["fly"]}), "unknown operation"),
    ],
)
def test_a_permission_declared_twice_or_granted_wrongly_is_a_start_up_error(
    kht_runtime, claim, error
):
    runtime = kht_runtime(extra=[EXT_PLUGIN])
    info = PluginInfo(name="claims", label_zh="x", label_en="x")
    found = {**runtime.found, "claims": plugin_manager.Discovered("claims", claim, info)}
    with pytest.raises(PluginError, match=error):
        plugin_manager.build(found, {"ext_plugin", "claims"})

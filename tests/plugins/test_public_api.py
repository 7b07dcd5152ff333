"""Packs and example plugins use only kht's public API, as a third-party plugin must.

From the core a plugin may import `kht.plugin_api` and the domain services and schemas
(`kht.<domain>.service`, `kht.<domain>.schemas`); see the docstring of kht.plugin_api.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kht.plugin_api

ROOT = Path(__file__).resolve().parents[2]
SERVICE_OR_SCHEMAS = re.compile(r"^kht(\.[a-z_]+)+\.(service|schemas)$")
# Every pack of the repository, and the example plugin that lives outside plugins/.
PACKS = {
    **{
        f"plugins.{path.name}": path
        for path in sorted((ROOT / "plugins").iterdir())
        if (path / "plugin.py").is_file()
    },
    "tests.ext_plugin": ROOT / "tests" / "ext_plugin",
    "tests.kind_plugin": ROOT / "tests" / "kind_plugin",
}


def allowed(module: str, package: str) -> bool:
    """Whether a module of `package` may import `module`."""
    if module == package or module.startswith(f"{package}."):
        return True  # the pack's own modules
    top = module.split(".", 1)[0]
    if top in ("plugins", "tests"):
        return False  # another pack: reach it through hooks and events, never directly
    if top != "kht":
        return True  # the standard library and third-party packages
    return module == "kht.plugin_api" or bool(SERVICE_OR_SCHEMAS.match(module))


def imported_modules(path: Path, package: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the pack
                found.append(package)
            elif node.module in ("kht", "plugins", "tests"):
                found += [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                found.append(node.module or "")
    return found


def test_every_pack_and_the_example_plugin_are_checked():
    assert {"plugins.standard_product", "tests.ext_plugin", "tests.kind_plugin"} <= set(PACKS)
    assert len(list(PACKS["plugins.standard_product"].rglob("*.py"))) >= 8


@pytest.mark.parametrize("package", sorted(PACKS))
def test_a_pack_imports_nothing_of_the_core_but_the_public_api(package):
    folder = PACKS[package]
    bad = [
        f"{path.relative_to(folder)}: {module}"
        for path in sorted(folder.rglob("*.py"))  # migrations included
        for module in imported_modules(path, package)
        if not allowed(module, package)
    ]
    assert bad == []


def test_the_check_itself_refuses_core_internals_and_other_packs():
    pack = "plugins.standard_product"
    assert not allowed("kht.db.base", pack)
    assert not allowed("kht.leads.models", pack)
    assert not allowed("kht.lists.bulk", pack)
    assert not allowed("kht.web.pages", pack)
    assert not allowed("kht.plugin_types", pack)
    assert not allowed("kht", pack)
    assert not allowed("plugins.membership.service", pack)
    assert not allowed("tests.ext_plugin.plugin", pack)
    assert allowed("kht.leads.service", pack) and allowed("kht.sales.quotes.schemas", pack)
    assert allowed("sqlalchemy.orm", pack) and allowed("kht.plugin_api", pack)
    assert allowed("plugins.standard_product.models", pack)


def test_the_public_api_exports_every_name_it_lists():
    missing = [name for name in kht.plugin_api.__all__ if not hasattr(kht.plugin_api, name)]
    assert missing == []
    # What a pack needs and once had to reach into the core for.
    for name in (
        "ScoreComputed",
        "ValueModel",
        "ProcessDef",
        "StageDef",
        "QuoteTemplateDef",
        "ScorePart",
        "Score",
        "RecordKind",
        "admin_menu",
        "owned_by_visible",
        "create_record",
        "update_record",
        "delete_record",
        "restore_record",
        "UtcDateTime",
        "CORE_REVISION",
        "render",
    ):
        assert name in kht.plugin_api.__all__, name


def test_the_core_revision_plugins_depend_on_is_a_revision_of_the_core(kht_runtime):
    from kht.db import migrate

    runtime = kht_runtime()
    assert kht.plugin_api.CORE_REVISION in migrate.applied_revisions(runtime.engine, {})

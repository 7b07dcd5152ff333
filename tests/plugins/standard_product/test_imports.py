"""The pack uses only what a third-party plugin could: public hooks, types and services."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import plugins.standard_product

PACK_DIR = Path(plugins.standard_product.__file__).parent
PUBLIC = {
    "kht.hookspecs",
    "kht.plugin_types",
    "kht.plugin_api",
    "kht.errors",
    "kht.context",
    "kht.events",
    "kht.web.pages",
    "kht.web.i18n",
}
SERVICE_OR_SCHEMAS = re.compile(r"^kht(\.[a-z_]+)+\.(service|schemas)$")


def allowed(module: str) -> bool:
    top = module.split(".", 1)[0]
    if top == "plugins":
        return module == "plugins.standard_product" or module.startswith(
            "plugins.standard_product."
        )
    if top != "kht":
        return True  # the standard library and third-party packages
    return module in PUBLIC or bool(SERVICE_OR_SCHEMAS.match(module))


def imported_modules(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the pack
                found.append("plugins.standard_product")
            elif node.module in ("kht", "plugins"):
                found += [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                found.append(node.module or "")
    return found


def test_every_module_of_the_pack_imports_only_public_core_modules():
    files = sorted(PACK_DIR.rglob("*.py"))
    assert len(files) >= 8
    bad = [
        f"{path.relative_to(PACK_DIR)}: {module}"
        for path in files
        for module in imported_modules(path)
        if not allowed(module)
    ]
    assert bad == []


def test_the_check_itself_refuses_core_internals():
    assert not allowed("kht.db.base")
    assert not allowed("kht.leads.models")
    assert not allowed("kht.lists.bulk")
    assert not allowed("plugins.membership.service")
    assert allowed("kht.leads.service") and allowed("kht.sales.quotes.schemas")
    assert allowed("sqlalchemy.orm") and allowed("kht.plugin_api")

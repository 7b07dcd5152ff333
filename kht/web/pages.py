"""Rendering UI pages: the common template context (language, gettext, menu) for every page."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from kht.context import Ctx
from kht.plugin_types import MENU_SECTIONS, MenuItem
from kht.records import kind_menu_items
from kht.web.deps import language_of
from kht.web.error_text import translated
from kht.web.i18n import translations

DENSITY_COOKIE = "kht_density"


def menu_items(ctx: Ctx) -> list[MenuItem]:
    """Navigation from every enabled plugin (core included), in display order."""
    items = [item for batch in ctx.hook.kht_menu_items(ctx=ctx) if batch for item in batch]
    items += kind_menu_items(ctx)
    return sorted(items, key=lambda item: (item.order, item.key))


def menu_groups(items: list[MenuItem], language: str) -> list[dict[str, Any]]:
    """The bar's entries: single items, and a drop-down per section (where its first item
    would stand)."""
    groups: list[dict[str, Any]] = []
    where: dict[str, int] = {}
    zh = language.startswith("zh")
    for item in items:
        if not item.section:
            groups.append({"section": "", "label": item.label(language), "items": [item]})
            continue
        if item.section not in where:
            labels = MENU_SECTIONS.get(item.section, (item.section, item.section))
            where[item.section] = len(groups)
            groups.append({"section": item.section, "label": labels[0 if zh else 1], "items": []})
        groups[where[item.section]]["items"].append(item)
    return groups


def page_context(request: Request, ctx: Ctx | None = None, **values: Any) -> dict[str, Any]:
    """Values every template can use: `_`, `lang`, `menu`, `user`, the current path."""
    language = ctx.language if ctx else language_of(request)
    gettext = translations(language).gettext
    menu = menu_items(ctx) if ctx else []
    return {
        "_": gettext,
        "gettext": gettext,
        "lang": language,
        "menu": menu,
        "menu_groups": menu_groups(menu, language),
        "user": request.scope.get("user"),
        "current_path": request.url.path,
        # Compact or comfortable list rows, as the user last chose (kht.lists.views.density).
        "density": "compact" if request.cookies.get(DENSITY_COOKIE) == "compact" else "comfortable",
        **values,
    }


def render(
    request: Request, ctx: Ctx, template: str, status_code: int = 200, **values: Any
) -> Template:
    """A Template response for `template` with the common context; an `error` to show is
    translated into the reader's language."""
    if isinstance(values.get("error"), str):
        values["error"] = translated(values["error"], ctx.language)
    return Template(template, context=page_context(request, ctx, **values), status_code=status_code)

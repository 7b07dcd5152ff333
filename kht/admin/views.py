"""Administration pages: the home linking every admin page, and the plugins page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from kht.admin import service
from kht.context import RequestCtx
from kht.errors import KhtError
from kht.web.pages import render

PLUGINS = "/admin/plugins"


@get(service.HOME, sync_to_thread=True, include_in_schema=False)
def admin_home(request: Request, ctx: RequestCtx) -> Template:
    """Links to every administration page the menu hooks contribute."""
    return render(request, ctx, "admin_home/home.html", pages=service.admin_pages(ctx))


def _plugins_page(request: Request, ctx: RequestCtx, **values: Any) -> Template:
    rows = service.plugin_rows(ctx)
    return render(
        request,
        ctx,
        "admin_home/plugins.html",
        rows=rows,
        restart=any(row.restart_needed for row in rows),
        changed=request.query_params.get("changed", ""),
        **values,
    )


@get(PLUGINS, sync_to_thread=True, include_in_schema=False)
def plugins_page(request: Request, ctx: RequestCtx) -> Template:
    """Installed plugins: enabled or not, version, what each adds; enable or disable them."""
    return _plugins_page(request, ctx)


def _change(request: Request, ctx: RequestCtx, name: str, enabled: bool) -> Any:
    try:
        changed = service.change_plugin(ctx, name, enabled)
    except KhtError as exc:
        if exc.status in (401, 403):
            raise
        ctx.session.rollback()
        return _plugins_page(request, ctx, error=exc.message, status_code=exc.status)
    live = request.app.state.get("live")
    if live is not None:  # served by `kht serve`: the next page already has the change
        live.refresh()
    return Redirect(f"{PLUGINS}?changed={','.join(changed) or '-'}", status_code=303)


@post(f"{PLUGINS}/{{name:str}}/enable", sync_to_thread=True, include_in_schema=False)
def enable_plugin(request: Request, ctx: RequestCtx, name: FromPath[str]) -> Any:
    """Enable a plugin (and what it requires), with the checks of `kht plugins enable`."""
    return _change(request, ctx, name, True)


@post(f"{PLUGINS}/{{name:str}}/disable", sync_to_thread=True, include_in_schema=False)
def disable_plugin(request: Request, ctx: RequestCtx, name: FromPath[str]) -> Any:
    """Disable a plugin, with the checks of `kht plugins disable`; its data stays."""
    return _change(request, ctx, name, False)


ROUTES = [admin_home, plugins_page, enable_plugin, disable_plugin]

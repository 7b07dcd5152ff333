"""The app factory: builds one litestar app for one database and one set of plugins."""

from __future__ import annotations

import asyncio
import html
import logging
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

import kht
import kht.models  # noqa: F401  (all core tables, so foreign keys resolve)
from kht import plugins as plugin_manager
from kht.config import Settings
from kht.context import Ctx
from kht.db.engine import make_server_engine, make_session_factory, read_only
from kht.instance_key import require_secret_key, resolve_secret_key
from kht.records import declared_kinds
from kht.records.api import record_routes
from kht.web.authn import AuthenticationMiddleware
from kht.web.capacity import RequestCapacity
from kht.web.deps import provide_ctx
from kht.web.errors import EXCEPTION_HANDLERS, document_errors
from kht.web.params import check_body, check_parameters
from kht.web.security_headers import security_headers

log = logging.getLogger("kht.web")

KHT_DIR = Path(kht.__file__).resolve().parent
STATIC_DIR = KHT_DIR / "web" / "static"
SWAGGER = "/static/vendor/swagger-ui-dist@5.35.0"


class LocalSwagger(SwaggerRenderPlugin):
    """Swagger UI from the vendored copy, started by a static file (no inline script, so the
    Content-Security-Policy holds here too), with the online spec validator switched off."""

    def __init__(self) -> None:
        super().__init__(
            js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            css_url=f"{SWAGGER}/swagger-ui.css",
            standalone_preset_js_url=f"{SWAGGER}/swagger-ui-standalone-preset.js",
            path="/swagger",
            favicon="<link rel='icon' href='data:,'>",
        )

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        return (
            "<!DOCTYPE html><html><head>"
            f'<meta charset="utf-8"><title>{title}</title>{self.favicon}'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link href="{self.css_url}" rel="stylesheet"></head><body>'
            '<div id="swagger-container"></div>'
            f'<script src="{self.js_url}"></script>'
            f'<script src="{self.standalone_preset_js_url}"></script>'
            '<script src="/static/swagger-init.js"></script>'
            "</body></html>"
        ).encode()


def core_template_dirs() -> list[Path]:
    """The web shell's templates and every core domain's `templates/` folder."""
    dirs = [KHT_DIR / "web" / "templates"]
    dirs += sorted(p for p in KHT_DIR.glob("*/templates") if p.parent.name != "web")
    dirs += sorted(KHT_DIR.glob("*/*/templates"))  # sub-domains, e.g. sales/quotes
    return dirs


def build_jinja_env(plugins: plugin_manager.Plugins) -> Environment:
    """Templates looked up in enabled plugins first, then the core; `core:` names the core's.

    A plugin can override a core page, or extend it with `{% extends "core:base.html" %}`.
    """
    core = FileSystemLoader([str(p) for p in core_template_dirs()])
    plugin_dirs = [str(info.templates) for info in plugins.enabled_infos() if info.templates]
    loader = ChoiceLoader(
        [PrefixLoader({"core": core}, delimiter=":"), FileSystemLoader(plugin_dirs), core]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    plugins.pm.hook.kht_prepare_jinja_env(env=env)
    return env


def load_plugins(engine: Engine, settings: Settings) -> plugin_manager.Plugins:
    """Discover installed plugins and register the ones enabled in this database."""
    found = plugin_manager.discover(settings.extra_plugins)
    try:
        with Session(read_only(engine)) as session:
            enabled = plugin_manager.enabled_names(session)
    except (OperationalError, ProgrammingError):
        log.warning("the database is not initialised yet: run `kht init`")
        enabled = set()
    return plugin_manager.build(found, enabled, trace=settings.trace_hooks)


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    capacity: RequestCapacity | None = None,
    live: Any = None,
) -> Litestar:
    """Build the app: JSON API under /api/v1, OpenAPI at /api/schema, the UI, static files.

    `kht serve` builds it through `kht.web.live.LiveApp` (`live`), which builds it again,
    on the same engine and request slots (`capacity`), when the enabled plugins change.
    """
    engine = engine or make_server_engine(settings)
    resolve_secret_key(settings, engine)
    plugins = load_plugins(engine, settings)
    env = build_jinja_env(plugins)
    handlers = [
        route for batch in plugins.pm.hook.kht_register_routes() if batch for route in batch
    ]
    from kht.recordpages.views import record_pages  # the pages import the web package

    kinds = list(declared_kinds(plugins.pm.hook).values())
    handlers += record_routes(kinds) + record_pages(kinds)
    static = create_static_files_router(
        path="/static", directories=[STATIC_DIR], include_in_schema=False
    )
    plugin_static = [
        create_static_files_router(
            path=f"/static/plugins/{info.name}", directories=[info.static], include_in_schema=False
        )
        for info in plugins.enabled_infos()
        if info.static
    ]
    # One router for every contributed route: litestar re-registers a path's earlier handlers
    # when another handler joins that path in a later registration, wrapping sync handlers
    # twice; registering them together avoids that.
    routes = Router(path="/", route_handlers=handlers)
    capacity = capacity or RequestCapacity(settings.db_pool_size)
    app = Litestar(
        route_handlers=[routes, static, *plugin_static],
        dependencies={"ctx": Provide(provide_ctx)},
        guards=[check_parameters, check_body],
        middleware=[AuthenticationMiddleware()],
        before_send=[security_headers(settings)],
        signature_namespace={"Ctx": Ctx},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(env)),
        csrf_config=CSRFConfig(
            secret=require_secret_key(settings),
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            cookie_name="kht_csrf",
            header_name="x-csrftoken",
            # /m/u/: a mail program's one-click unsubscribe (RFC 8058) carries no CSRF token.
            exclude=["/api/", "/healthz", "/forms/", "/m/u/"],
        ),
        openapi_config=OpenAPIConfig(
            title="kht API",
            version=kht.__version__,
            path="/api/schema",
            render_plugins=[LocalSwagger(), JsonRenderPlugin()],
        ),
        state=_state(settings, engine, plugins, capacity, live),
        on_startup=[lambda: _use_handler_threads(capacity)],
        # kht logs through the standard logging tree; `kht serve` configures its handlers.
        logging_config=None,
        debug=False,
    )
    document_errors(app)
    return app


def _use_handler_threads(capacity: RequestCapacity) -> None:
    # Sync handlers run on the loop's default executor (litestar's sync_to_thread); its
    # default size follows the CPU count, not the request slots.
    asyncio.get_running_loop().set_default_executor(capacity.handler_threads())


def _state(
    settings: Settings,
    engine: Engine,
    plugins: plugin_manager.Plugins,
    capacity: RequestCapacity,
    live: Any = None,
) -> Any:
    from litestar.datastructures import State

    return State(
        {
            "settings": settings,
            "engine": engine,
            "plugins": plugins,
            "session_factory": make_session_factory(engine),
            "capacity": capacity,
            "live": live,
        }
    )

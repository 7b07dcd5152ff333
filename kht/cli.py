"""The `kht` command line: init, serve, demo, migrate, plugins (and commands from plugins)."""

from __future__ import annotations

import os
import sys

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from kht import plugins as plugin_manager
from kht.auth.passwords import generate_password
from kht.auth.service import create_user, find_user
from kht.config import load_settings
from kht.errors import KhtError
from kht.runtime import Runtime

ADMIN_LOGIN = "admin"
PACKS = ("standard_product", "membership", "promotion", "project_sales", "key_account")


@click.group()
@click.pass_context
def cli(click_ctx: click.Context) -> None:
    """kht (客户通): an open-source CRM. Configure with KHT_* environment variables."""
    if click_ctx.obj is None:
        click_ctx.obj = Runtime.from_settings(load_settings())


def _runtime() -> Runtime:
    return click.get_current_context().obj


def init_database(runtime: Runtime) -> str | None:
    """Migrate and create the admin user; returns the admin password if one was created."""
    runtime.migrate()
    with runtime.ctx() as ctx:
        if find_user(ctx.session, ADMIN_LOGIN) is not None:
            return None
        password = os.environ.get("KHT_ADMIN_PASSWORD") or generate_password()
        create_user(
            ctx.session,
            login=ADMIN_LOGIN,
            name="Administrator",
            password=password,
            is_admin=True,
            role="administrator",
        )
        return password


@cli.command()
def init() -> None:
    """Create the database, migrate it and create the admin user."""
    password = init_database(_runtime())
    if password is None:
        click.echo("database is up to date; the admin user already exists")
    elif os.environ.get("KHT_ADMIN_PASSWORD"):
        click.echo(f"created user {ADMIN_LOGIN} with the password from KHT_ADMIN_PASSWORD")
    else:
        click.echo(f"created user {ADMIN_LOGIN} with password: {password}")
        click.echo("(shown once: store it now)")


@cli.command()
def migrate() -> None:
    """Bring the core and every enabled plugin to the newest schema."""
    _runtime().migrate()
    click.echo("database migrated")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web UI and the JSON API."""
    import logging

    import uvicorn

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runtime = _runtime()
    os.environ.setdefault("KHT_SECRET_KEY", runtime.settings.secret_key)  # shared by workers
    if workers == 1:
        from kht.web import create_app

        uvicorn.run(
            create_app(runtime.settings, engine=runtime.engine),
            host=host,
            port=port,
            log_level="info",
        )
    else:
        uvicorn.run(
            "kht.web.asgi:build",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )


@cli.command()
@click.option(
    "--serve/--no-serve",
    "serve_after",
    default=True,
    help="Serve on 127.0.0.1:8000 after loading (default) or only load.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(serve_after: bool, port: int) -> None:
    """Initialise if needed, enable all five packs, load demo data, then serve."""
    from kht.demo import load_demo

    runtime = _runtime()
    init_database(runtime)
    for name in PACKS:
        plugin_manager.enable(runtime.engine, runtime.found, name)
    logins = load_demo(runtime)
    click.echo(f"kht demo: http://127.0.0.1:{port}/")
    for login, password, role in logins:
        click.echo(f"  login {login:<12} password {password:<20} {role}")
    if serve_after:
        click.get_current_context().invoke(serve, host="127.0.0.1", port=port, workers=1)


@cli.group()
def plugins() -> None:
    """List, enable and disable plugins (industry packs and third-party plugins)."""


@plugins.command("list")
def plugins_list() -> None:
    """Installed plugins, whether each is enabled, and those that failed to load."""
    runtime = _runtime()
    with runtime.ctx() as ctx:
        enabled = plugin_manager.enabled_names(ctx.session)
    for name, item in sorted(runtime.found.items()):
        if item.error:
            click.echo(f"{name:<20} BROKEN    {item.error}")
            continue
        state = "enabled" if name in enabled else "disabled"
        requires = f"  requires: {', '.join(item.info.requires)}" if item.info.requires else ""
        click.echo(f"{name:<20} {state:<9} {item.info.label_en} ({item.info.version}){requires}")


@plugins.command("enable")
@click.argument("name")
def plugins_enable(name: str) -> None:
    """Enable NAME and the plugins it requires, running their migrations."""
    runtime = _runtime()
    newly = plugin_manager.enable(runtime.engine, runtime.found, name)
    click.echo(f"enabled: {', '.join(newly)}" if newly else f"{name} was already enabled")


@plugins.command("disable")
@click.argument("name")
def plugins_disable(name: str) -> None:
    """Disable NAME; its data stays and comes back when it is enabled again."""
    runtime = _runtime()
    plugin_manager.disable(runtime.engine, runtime.found, name)
    click.echo(f"disabled: {name}")


def _add_plugin_commands(runtime: Runtime) -> None:
    # Plugins need the database to know whether they are enabled; without it, the core
    # commands still work (and `init` creates it).
    try:
        runtime.plugins().pm.hook.kht_register_commands(cli=cli)
    except (SQLAlchemyError, KhtError):
        pass


def main() -> None:
    """Entry point of the `kht` console script: one clear line and exit 1 on any failure."""
    try:
        runtime = Runtime.from_settings(load_settings())
        _add_plugin_commands(runtime)
        cli.main(obj=runtime, standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KhtError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    except OperationalError as exc:
        click.echo(f"error: cannot use the database: {_first_line(exc)}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        click.echo(f"error: database error: {_first_line(exc)}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: one line for the user, the traceback only on request
        if os.environ.get("KHT_DEBUG"):
            raise
        click.echo(
            f"error: internal error ({type(exc).__name__}: {exc}); "
            "run again with KHT_DEBUG=1 for details",
            err=True,
        )
        sys.exit(1)


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

"""The `kht` command line: set-up, serving, plugins, users, tokens, organisation."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from kht import plugins as plugin_manager
from kht.auth.models import Role, User
from kht.auth.passwords import generate_password
from kht.auth.service import create_user, find_user
from kht.auth.tokens import create_token
from kht.config import load_settings
from kht.demo_company import DEFAULT_SIZE as DEMO_SIZE
from kht.errors import Conflict, KhtError, NotFound, PluginError, ValidationError
from kht.org import service as org_service
from kht.org.models import Branch, BusinessLine, Department
from kht.org.service import Unit
from kht.plugin_scaffold import create_pack
from kht.runtime import Runtime

ADMIN_LOGIN = "admin"


@click.group()
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show the progress of long work (default: only on a terminal; kht.progress).",
)
@click.pass_context
def cli(click_ctx: click.Context, progress: bool | None) -> None:
    """kht (客户通): an open-source CRM. Configure with KHT_* environment variables."""
    click_ctx.meta["kht.progress"] = progress
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
    if workers == 1:
        from kht.web import create_app

        uvicorn.run(
            create_app(runtime.settings),  # the server engine: sized pool, timeouts
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
@click.option(
    "--size",
    default=DEMO_SIZE,
    show_default=True,
    type=click.IntRange(0, 1_000_000),
    help="Generated customers (with contacts, actions, leads, opportunities, quotes, orders).",
)
@click.option(
    "--logins-file",
    default="kht-demo-logins.txt",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the generated logins are stored (readable by you only).",
)
def demo(serve_after: bool, port: int, size: int, logins_file: Path) -> None:
    """Initialise if needed, enable every installed plugin, load demo data, then serve.

    The administrator's password is KHT_ADMIN_PASSWORD when set; every generated password is
    written to LOGINS_FILE (mode 0600), never to the terminal.
    """
    from kht.demo import load_demo, write_logins

    runtime = _runtime()
    init_database(runtime)
    for name in sorted(runtime.found):  # every installed pack and plugin
        try:
            runtime.enable(name)
        except PluginError as exc:  # a broken plugin must not keep the demo from starting
            click.echo(f"  not enabled: {exc.message}")
    admin_password = os.environ.get("KHT_ADMIN_PASSWORD") or None
    logins = load_demo(runtime, size=size, admin_password=admin_password)
    stored = write_logins(logins_file, logins)
    click.echo(f"kht demo: http://127.0.0.1:{port}/")
    if admin_password:
        click.echo(f"  login {ADMIN_LOGIN} with the password from KHT_ADMIN_PASSWORD")
    click.echo(f"  demo logins ({', '.join(login for login, _, _ in logins)}) stored in {stored}")
    if serve_after:
        if "KHT_SECURE_COOKIES" not in os.environ:
            # The demo is served over plain HTTP on loopback, where Secure cookies may not
            # be sent back; production keeps them Secure.
            runtime.settings.secure_cookies = False
        click.get_current_context().invoke(serve, host="127.0.0.1", port=port, workers=1)


# A running server loads its plugins (routes, menus, hooks) when it starts.
RESTART = "restart the running servers (kht serve, kht worker) for the change to take effect there"


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
    newly = _runtime().set_enabled(name, True)
    click.echo(f"enabled: {', '.join(newly)}" if newly else f"{name} was already enabled")
    if newly:
        click.echo(RESTART)


@plugins.command("disable")
@click.argument("name")
def plugins_disable(name: str) -> None:
    """Disable NAME; its data stays and comes back when it is enabled again."""
    if _runtime().set_enabled(name, False):
        click.echo(f"disabled: {name}")
        click.echo(RESTART)
    else:
        click.echo(f"{name} was already disabled")


@plugins.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to create (default: ./NAME).",
)
@click.option("--label-zh", help="The plugin's Chinese label (default: the English one).")
@click.option("--label-en", help="The plugin's English label (default: from NAME).")
def plugins_new(name: str, target: Path | None, label_zh: str | None, label_en: str | None) -> None:
    """Start a new plugin pack NAME: a pip-installable folder with its entry point, a record
    kind with its own table and migration branch, zh_CN and en catalogues, and tests."""
    target = target or Path(name)
    written = create_pack(
        target, name, installed=_runtime().found, label_zh=label_zh, label_en=label_en
    )
    click.echo(f"created plugin {name} in {target} ({len(written)} files); next:")
    click.echo(f"  pip install {target}    # then: kht plugins enable {name}")
    click.echo(f"  pytest {target / 'tests'}")


# Set-up scripting: users, tokens and the organisation. These run as the operator (whoever
# can reach the database), so they call the operator-level service functions, not the ones
# that check a logged-in user's role.


def _listing(names: Iterable[str], limit: int = 10) -> str:
    names = list(names)
    shown = ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")
    return shown or "none"


def _department_paths(session: Session) -> list[tuple[str, Department]]:
    """Every department with its path of names ("Sales/East"), parents first."""
    departments = org_service.list_departments(session)
    names = {d.id: d.name for d in departments}
    return [("/".join(names[int(i)] for i in d.path.strip("/").split("/")), d) for d in departments]


def department_named(session: Session, name: str) -> Department:
    """A department by name, or by its path of names when the name alone is ambiguous."""
    wanted = name.strip().strip("/")
    paths = _department_paths(session)
    found = [(path, d) for path, d in paths if path == wanted or path.endswith(f"/{wanted}")]
    if len(found) == 1:
        return found[0][1]
    if found:
        choices = _listing(sorted(path for path, _ in found))
        raise ValidationError(f"department {name!r} is ambiguous ({choices}): give its path")
    known = _listing(path for path, _ in paths)
    raise ValidationError(f"unknown department {name!r} (departments: {known})", "department")


def _unit_named(session: Session, model: type[Unit], name: str, what: str) -> Unit:
    unit = org_service.find_unit(session, model, name)
    if unit is None:
        known = _listing(u.name for u in org_service.list_units(session, model))
        raise ValidationError(f"unknown {what} {name!r} ({what} names: {known})", what)
    return unit


@cli.group()
def users() -> None:
    """Create and list users (as the operator: no login needed)."""


@users.command("create")
@click.argument("login")
@click.option("--role", required=True, help="Role key, e.g. sales_rep or administrator.")
@click.option("--department", help="Department name (or path of names, Sales/East).")
@click.option("--branch", help="Branch name.")
@click.option("--name", default="", help="Display name (default: the login).")
@click.option("--email", default="")
@click.option("--password", help="Initial password (default: generated and printed once).")
def users_create(
    login: str,
    role: str,
    department: str | None,
    branch: str | None,
    name: str,
    email: str,
    password: str | None,
) -> None:
    """Create the user LOGIN with ROLE, in a department and branch given by name."""
    generated = None if password else generate_password()
    with _runtime().ctx() as ctx:
        session = ctx.session
        user = create_user(
            session,
            login=login,
            name=name or login,
            email=email,
            password=password or generated or "",
            role=role,
            department_id=department_named(session, department).id if department else None,
            branch_id=_unit_named(session, Branch, branch, "branch").id if branch else None,
        )
    click.echo(f"created user {user.login} with role {role}")
    if generated:
        click.echo(f"password: {generated}")
        click.echo("(shown once: store it now)")


@users.command("list")
def users_list() -> None:
    """Every user: login, role, whether active, department, name."""
    query = (
        select(User.login, Role.key, User.active, Department.name, User.name)
        .outerjoin(Role, User.role_id == Role.id)
        .outerjoin(Department, User.department_id == Department.id)
        .order_by(User.login)
    )
    with _runtime().ctx() as ctx:
        rows = ctx.session.execute(query).all()
    for login, role, active, department, name in rows:
        state = "active" if active else "inactive"
        click.echo(f"{login:<20} {role or '-':<16} {state:<9} {department or '-':<16} {name}")


@cli.group()
def tokens() -> None:
    """API tokens for scripts and integrations."""


@tokens.command("create")
@click.argument("login")
@click.option("--name", required=True, help="What the token is for, e.g. erp-sync.")
@click.option("--days", type=click.IntRange(1, 3650), help="Expire after N days (default: never).")
def tokens_create(login: str, name: str, days: int | None) -> None:
    """Create an API token with LOGIN's rights; prints only the token (shown this once)."""
    with _runtime().ctx() as ctx:
        user = find_user(ctx.session, login)
        if user is None:
            raise NotFound(f"unknown user {login!r}", "login")
        if not user.active:
            raise Conflict(f"user {user.login!r} is deactivated", "login")
        now = ctx.now()
        expires_at = now + timedelta(days=days) if days else None
        _, token = create_token(ctx.session, user.id, name, now, expires_at)
    click.echo(token)


@cli.group("org")
def org_group() -> None:
    """Departments, branches and business lines."""


@org_group.command("add-department")
@click.argument("name")
@click.option("--parent", help="Parent department by name or path (default: top level).")
def org_add_department(name: str, parent: str | None) -> None:
    """Add the department NAME."""
    with _runtime().ctx() as ctx:
        session = ctx.session
        parent_id = department_named(session, parent).id if parent else None
        siblings = org_service.list_departments(session)
        if any(d.name == name.strip() and d.parent_id == parent_id for d in siblings):
            raise Conflict(f"department {name.strip()!r} already exists there", "name")
        department = org_service.create_department(session, name, parent_id)
    click.echo(f"created department {department.name} (id {department.id})")


def _add_unit(model: type[Unit], name: str, code: str, what: str) -> None:
    with _runtime().ctx() as ctx:
        unit = org_service.create_unit(ctx.session, model, name, code)
    click.echo(f"created {what} {unit.name} (id {unit.id})")


@org_group.command("add-branch")
@click.argument("name")
@click.option("--code", default="", help="Short code, e.g. SH.")
def org_add_branch(name: str, code: str) -> None:
    """Add the branch NAME."""
    _add_unit(Branch, name, code, "branch")


@org_group.command("add-business-line")
@click.argument("name")
@click.option("--code", default="", help="Short code.")
def org_add_business_line(name: str, code: str) -> None:
    """Add the business line NAME."""
    _add_unit(BusinessLine, name, code, "business line")


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
        sys.exit(cli.main(obj=runtime, standalone_mode=False) or 0)
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

"""pytest plugin (`-p kht.testing`, auto-loaded): fresh kht databases and apps for tests.

Third-party plugin authors test the same way the core does:

    def test_my_plugin(kht_app):
        app = kht_app(plugins=["my_plugin"], extra=["my_package.plugin"])
        runtime = runtime_of(app)
        add_user(runtime, "rep1", "sales_rep")
        grant(runtime, "sales_rep", "my_plugin", ["view", "create"])
        with acting_as(runtime, "rep1") as ctx: ...      # the services, as rep1
        client = page_client(app, "rep1")                # the pages, logged in as rep1
        client = api_client(app, "rep1")                 # the JSON API, with rep1's token
        disable_plugin(runtime, "my_plugin")             # enable_plugin() likewise

The database is SQLite unless KHT_TEST_DATABASE_URL names a PostgreSQL server; every test
gets its own database, copied from a migrated template built once per test process.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kht.config import Settings
from kht.runtime import Runtime


def pytest_configure(config: pytest.Config) -> None:
    """Cheap password hashing for the whole run (and the servers tests start)."""
    from kht.auth.passwords import FAST_HASHING_FOR_TESTS

    os.environ[FAST_HASHING_FOR_TESTS] = "1"


def _test_url() -> str:
    return os.environ.get("KHT_TEST_DATABASE_URL", "")


PluginSet = tuple[str, ...]  # the plugins a test database starts with, sorted


class _Postgres:
    """One working database per test process, reset between tests to a migrated template.

    PostgreSQL clones a template database quickly but drops databases slowly (a checkpoint
    each), so tests share one working database: it is emptied with DELETEs and refilled with
    its template's seed rows. There is a template per set of plugins tests start with (built
    the first time a test asks for that set): the working database of another set is parked
    under its own name, renamed back when a test wants that set again, so a test of a pack
    pays neither a drop nor the pack's migrations. A database whose schema a test changed
    (it enabled a plugin itself) is dropped instead.
    """

    def __init__(self, url: str) -> None:
        self.base = make_url(url)
        self.prefix = f"kht_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_tpl"
        self.work = f"{self.prefix}_work"
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self.templates: dict[PluginSet, str] = {(): self.template}
        self.seed: dict[PluginSet, dict[str, list[dict[str, Any]]]] = {}
        self.heads: dict[PluginSet, set[str]] = {}
        self.sequences: dict[PluginSet, str] = {}
        self.work_set: PluginSet | None = None  # the set the working database was made for
        self.parked: dict[PluginSet, str] = {}

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def url(self, name: str) -> str:
        # Tests never need a commit to survive a server crash: don't wait for the WAL flush.
        url = self.base.set(database=name).update_query_dict(
            {"options": "-c synchronous_commit=off"}
        )
        return url.render_as_string(hide_password=False)

    def create_template(self) -> str:
        self._execute(f'CREATE DATABASE "{self.template}"')
        self.created.append(self.template)
        return self.url(self.template)

    def snapshot(self, plugins: PluginSet = ()) -> None:
        """Remember a migrated template's heads and seed rows (roles, stages...)."""
        engine = create_engine(self.url(self.templates[plugins]))
        with engine.connect() as connection:
            self.heads[plugins] = self._heads(connection)
            self.seed[plugins] = {}
            for table in self._tables(connection):
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
                if rows:
                    self.seed[plugins][table] = [dict(row) for row in rows]
            sequences = connection.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                )
            )
            # Back to where the template left them: a test may count on the ids (or numbers
            # made from them) of a fresh database, and the seed rows keep theirs.
            self.sequences[plugins] = "".join(
                f'ALTER SEQUENCE "{name}" RESTART;'
                if last is None
                else f"PERFORM setval('\"{name}\"', {int(last)}, true);"
                for name, last in sequences
            )
        engine.dispose()

    @staticmethod
    def _heads(connection: Any) -> set[str]:
        return set(connection.scalars(text("SELECT version_num FROM alembic_version")))

    @staticmethod
    def _tables(connection: Any) -> list[str]:
        return list(
            connection.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        )

    def clone(self, plugins: PluginSet = ()) -> str:
        """The working database, emptied to the template of `plugins`; its URL never changes."""
        if self.work_set is not None:
            self._execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{self.work}' AND pid <> pg_backend_pid()"
            )
            if not self._reset_if(plugins):
                self._park()
        if self.work_set is None:
            if plugins in self.parked:
                parked = self.parked.pop(plugins)
                self._execute(f'ALTER DATABASE "{parked}" RENAME TO "{self.work}"')
                self.work_set = plugins
                if not self._reset_if(plugins):
                    raise RuntimeError(f"parked test database for {plugins} changed")
            else:
                self._execute(f'CREATE DATABASE "{self.work}" TEMPLATE "{self.templates[plugins]}"')
                self.work_set = plugins
                if self.work not in self.created:
                    self.created.append(self.work)
        return self.url(self.work)

    def _reset_if(self, plugins: PluginSet) -> bool:
        """Empty the working database to the seed of `plugins` if it was made for them and
        its schema is still theirs."""
        if self.work_set != plugins:
            return False
        engine = create_engine(self.url(self.work))
        try:
            with engine.begin() as connection:
                if self._heads(connection) != self.heads[plugins]:
                    return False
                self._reset(connection, self.seed[plugins], self.sequences[plugins])
                return True
        finally:
            engine.dispose()

    def _park(self) -> None:
        """Keep the working database under another name for its plugin set, or drop it when
        a test changed its schema."""
        assert self.work_set is not None
        engine = create_engine(self.url(self.work))
        try:
            with engine.connect() as connection:
                intact = self._heads(connection) == self.heads[self.work_set]
        finally:
            engine.dispose()
        if intact and self.work_set not in self.parked:
            parked = f"{self.prefix}_park{len(self.created)}"
            self._execute(f'ALTER DATABASE "{self.work}" RENAME TO "{parked}"')
            self.parked[self.work_set] = parked
            self.created.append(parked)
        else:
            self._execute(f'DROP DATABASE "{self.work}" WITH (FORCE)')
        self.work_set = None

    def with_plugins(self, plugins: PluginSet, enable: Callable[[str], None]) -> bool:
        """Turn this test's untouched working database into one made from the template of
        `plugins` (built with `enable(url)` the first time); False when it is in use."""
        with self.admin.connect() as connection:
            users = connection.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
                {"name": self.work},
            )
        if users:
            return False
        if plugins not in self.templates:
            name = f"{self.prefix}_tpl{len(self.templates)}"
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            self.created.append(name)
            self.templates[plugins] = name
            enable(self.url(name))
            self.snapshot(plugins)
        self.clone(plugins)
        return True

    @staticmethod
    def _reset(connection: Any, seed: dict[str, list[dict[str, Any]]], sequences: str) -> None:
        # DELETE is far cheaper than TRUNCATE on small tables; replica mode skips the
        # foreign-key triggers so the order does not matter. All the DELETEs and sequence
        # resets go in one DO block: one round trip instead of one per table (about a
        # hundred) made each PostgreSQL test's set-up several times slower.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        deletes = "".join(f'DELETE FROM "{table}";' for table in _Postgres._tables(connection))
        connection.execute(text(f"DO $$BEGIN {deletes}{sequences} END$$"))
        for table, rows in seed.items():
            columns = list(rows[0])
            names = ", ".join(f'"{c}"' for c in columns)
            values = ", ".join(f":{c}" for c in columns)
            connection.execute(
                text(f'INSERT INTO "{table}" ({names}) VALUES ({values})'),
                [_jsonable(row) for row in rows],
            )

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    # JSON columns come back as Python objects; bind them back as JSON text.
    import json

    return {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()}


class _Sqlite:
    """Database files copied from a migrated template file (one per set of plugins tests
    start with, built the first time a test asks for that set)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        self.templates: dict[PluginSet, Path] = {(): self.template}
        self.counter = itertools.count()
        self.fresh: tuple[Path, float] | None = None  # the last copy and its time

    def create_template(self) -> str:
        return f"sqlite:///{self.template}"

    def clone(self, plugins: PluginSet = ()) -> str:
        target = self.folder / f"test_{next(self.counter)}.db"
        shutil.copyfile(self.templates[plugins], target)
        self.fresh = (target, target.stat().st_mtime)
        return f"sqlite:///{target}"

    def with_plugins(self, plugins: PluginSet, enable: Callable[[str], None]) -> bool:
        """Replace this test's untouched copy by a copy of the template of `plugins` (built
        with `enable(url)` the first time); False when the copy has been written to."""
        if self.fresh is None:
            return False
        target, copied_at = self.fresh
        untouched = target.stat().st_mtime == copied_at and not Path(f"{target}-wal").exists()
        if not untouched:
            return False
        if plugins not in self.templates:
            made = self.folder / f"template_{len(self.templates)}.db"
            shutil.copyfile(self.template, made)
            enable(f"sqlite:///{made}")
            self.templates[plugins] = made
        shutil.copyfile(self.templates[plugins], target)
        self.fresh = (target, target.stat().st_mtime)
        return True

    def drop_all(self) -> None:
        pass


def settings_for(url: str, **overrides: Any) -> Settings:
    """Settings for a test app: plain-HTTP cookies (the test client speaks http)."""
    values: dict[str, Any] = {
        "database_url": url,
        "secret_key": "test-secret-key-0123456789",
        "secure_cookies": False,
        "default_language": "zh_CN",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def kht_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Postgres | _Sqlite]:
    """One migrated template per test process; `clone()` gives a fresh database from it."""
    url = _test_url()
    factory = (
        _Postgres(url)
        if url.startswith("postgresql")
        else _Sqlite(tmp_path_factory.mktemp("kht-db"))
    )
    template_url = factory.create_template()
    runtime = Runtime.from_settings(settings_for(template_url))
    runtime.migrate()
    runtime.engine.dispose()
    if isinstance(factory, _Postgres):
        factory.snapshot()
    yield factory
    factory.drop_all()


@pytest.fixture
def kht_db_url(kht_databases: _Postgres | _Sqlite) -> str:
    """The URL of a fresh, migrated database of this test's own."""
    return kht_databases.clone()


@pytest.fixture
def kht_runtime(kht_db_url: str, kht_databases: _Postgres | _Sqlite) -> Callable[..., Runtime]:
    """Build a Runtime on this test's database with `plugins` enabled (and `extra` installed).

    The first build of a test with installed plugins only (no `extra`) starts from a
    template with those plugins enabled, made once per test process: a pack's tests do not
    each run the pack's migrations and seeding. The result is the same as enabling them.
    """
    built: list[Runtime] = []

    def build(
        plugins: tuple[str, ...] | list[str] = (),
        extra: tuple[str, ...] | list[str] = (),
        **settings: Any,
    ) -> Runtime:
        from_template = (
            bool(plugins)
            and not extra
            and not built
            and kht_databases.with_plugins(tuple(plugins), _enabling(plugins))
        )
        runtime = Runtime.from_settings(
            settings_for(kht_db_url, extra_plugins=list(extra), **settings)
        )
        if not from_template:
            for name in plugins:
                runtime.enable(name)
        built.append(runtime)
        return runtime

    yield build
    for runtime in built:
        runtime.engine.dispose()


def _enabling(plugins: tuple[str, ...] | list[str]) -> Callable[[str], None]:
    """Enable `plugins`, in their order, in the database at a URL (to build a template)."""

    def enable(url: str) -> None:
        runtime = Runtime.from_settings(settings_for(url))
        try:
            for name in plugins:
                runtime.enable(name)
        finally:
            runtime.engine.dispose()

    return enable


@pytest.fixture
def kht_app(kht_runtime: Callable[..., Runtime]) -> Callable[..., Any]:
    """The web app on this test's database with `plugins` enabled.

    Building a litestar app with every route costs about a second, so apps are built once
    per test process for each set of plugins and settings, and pointed at each test's own
    database (an app keeps no other state). A test that changes the app itself (registers
    a route) asks for `fresh=True`.
    """

    def build(
        plugins: tuple[str, ...] | list[str] = (),
        extra: tuple[str, ...] | list[str] = (),
        fresh: bool = False,
        **settings: Any,
    ) -> Any:
        runtime = kht_runtime(plugins, extra, **settings)
        key = (tuple(sorted(plugins)), tuple(extra), tuple(sorted(settings.items())))
        if fresh or key not in _APPS:
            app = _new_app(runtime)
            if fresh:
                return app
            _APPS[key] = app
        return _point_at(_APPS[key], runtime)

    return build


_APPS: dict[tuple[Any, ...], Any] = {}


def _new_app(runtime: Runtime) -> Any:
    from kht.web import create_app

    return create_app(runtime.settings, engine=runtime.engine)


def _point_at(app: Any, runtime: Runtime) -> Any:
    from kht.db.engine import make_session_factory

    app.state.engine = runtime.engine
    app.state.settings = runtime.settings
    app.state.session_factory = make_session_factory(runtime.engine)
    return app


TEST_PASSWORD = "correct-horse-battery"  # noqa: S105 - the password of test users


def runtime_of(app: Any) -> Runtime:
    """A Runtime on the same database and plugins as a built app (to prepare data)."""
    state = app.state
    return Runtime(settings=state.settings, engine=state.engine, found=state.plugins.found)


def add_user(
    runtime: Runtime,
    login: str,
    role: str | None = "sales_rep",
    *,
    department: str | None = None,
    branch: str | None = None,
    business_lines: tuple[str, ...] = (),
    is_admin: bool = False,
    password: str = TEST_PASSWORD,
) -> int:
    """Create a user through the service (departments, branches, lines made on demand)."""
    from kht.auth.service import create_user
    from kht.org import service as org
    from kht.org.models import Branch, BusinessLine

    with runtime.ctx() as ctx:
        session = ctx.session
        department_id = branch_id = None
        if department:
            for name in department.split("/"):  # "Sales/East": East under Sales
                found = org.find_department(session, name)
                department_id = (found or org.create_department(session, name, department_id)).id
        if branch:
            branch_id = (
                org.find_unit(session, Branch, branch) or org.create_unit(session, Branch, branch)
            ).id
        line_ids = [
            (
                org.find_unit(session, BusinessLine, n) or org.create_unit(session, BusinessLine, n)
            ).id
            for n in business_lines
        ]
        user = create_user(
            session,
            login=login,
            name=login.title(),
            password=password,
            role=role,
            department_id=department_id,
            branch_id=branch_id,
            business_line_ids=line_ids,
            is_admin=is_admin,
        )
        return user.id


@contextmanager
def acting_as(runtime: Runtime, login: str | None) -> Iterator[Any]:
    """A service context acting as `login` (its role, scope and language), in one
    transaction committed when the block succeeds; `None` acts as the system (no user, as
    the worker and the CLI do).

        with acting_as(runtime, "rep1") as ctx:
            create_lead(ctx, LeadCreate(name="Li"))
    """
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user

    with runtime.ctx() as ctx:
        if login is not None:
            user = find_user(ctx.session, login)
            assert user is not None, f"no user {login!r}: add_user() first"
            ctx.user = load_principal(ctx.session, user.id)
            ctx.language = user.language or ctx.language
        yield ctx


def grant(
    runtime: Runtime,
    role: str,
    module: str,
    ops: tuple[str, ...] | list[str] = ("view",),
    scope: str = "own",
) -> None:
    """Give role `role` (a key, e.g. `sales_rep`) `ops` on `module` with data `scope`,
    replacing its grant on that module; no ops takes the module away. Checked like the
    role matrix (unknown operations or scopes are refused)."""
    from kht.auth.permissions import check_grants
    from kht.auth.service import role_by_key

    with runtime.ctx() as ctx:
        row = role_by_key(ctx.session, role)
        wanted = {module: {"ops": list(ops), "scope": scope}}
        check_grants(wanted, wanted)
        row.grants = {**(row.grants or {}), **wanted}


def enable_plugin(runtime: Runtime, name: str) -> list[str]:
    """Enable plugin `name` as `kht plugins enable` does (its requirements, migrations,
    seeding and default grants); the names newly enabled. An app built before keeps its
    routes: ask `kht_app(plugins=[...])` for one with the plugin."""
    return runtime.set_enabled(name, True)


def disable_plugin(runtime: Runtime, name: str) -> list[str]:
    """Disable plugin `name` as `kht plugins disable` does (its data stays)."""
    return runtime.set_enabled(name, False)


def bearer(runtime: Runtime, login: str) -> dict[str, str]:
    """Headers carrying a fresh API token of `login`."""
    from kht.auth.service import find_user
    from kht.auth.tokens import create_token

    with runtime.ctx() as ctx:
        user = find_user(ctx.session, login)
        assert user is not None, login
        _, token = create_token(ctx.session, user.id, "test", ctx.now())
    return {"Authorization": f"Bearer {token}"}


def log_in(client: Any, login: str, password: str = TEST_PASSWORD, *, base: str = "") -> Any:
    """Log a test client in through the real login form (CSRF token included); `base` is
    the server's URL for a client without one."""
    client.get(f"{base}/login")
    token = client.cookies.get("kht_csrf")
    return client.post(
        f"{base}/login",
        data={"login": login, "password": password, "_csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


def csrf_token(client: Any, *, base: str = "") -> str:
    """The CSRF token of a test client (fetches a page first if it has none yet)."""
    if "kht_csrf" not in client.cookies:
        client.get(f"{base}/login")
    return client.cookies["kht_csrf"]


def api_client(app: Any, login: str) -> Any:
    """A TestClient calling the JSON API as `login` (with a fresh bearer token)."""
    from litestar.testing import TestClient

    client = TestClient(app)
    client.headers.update(bearer(runtime_of(app), login))
    return client


def put_settings(client: Any, owner: str, values: dict[str, Any]) -> Any:
    """PUT /api/v1/settings/<owner> with `values` over the current settings, at the version
    just read (as a form does); the response. A GET refused (403) is returned as it is."""
    current = client.get(f"/api/v1/settings/{owner}")
    if current.status_code != 200:
        return current
    body = current.json()
    changed = {**body["settings"], **values}
    return client.put(
        f"/api/v1/settings/{owner}", json={"version": body["version"], "settings": changed}
    )


def page_client(app: Any, login: str, *, htmx: bool = False) -> Any:
    """A TestClient logged in as `login` through the login form, sending the CSRF header (as
    the pages' htmx requests do) and, with `htmx`, the HX-Request header."""
    from litestar.testing import TestClient

    client = TestClient(app)
    log_in(client, login)
    client.headers["x-csrftoken"] = csrf_token(client)
    if htmx:
        client.headers["HX-Request"] = "true"
    return client


def override_settings(monkeypatch: Any, app: Any, **values: Any) -> None:
    """Change settings of a built app for one test (restored afterwards)."""
    import msgspec

    changed = msgspec.structs.replace(app.state.settings, **values)
    monkeypatch.setattr(app.state, "settings", changed)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, process: Any, log: Any, seconds: float = 120) -> None:
    # Generous: on a loaded machine importing and building the app alone can take a minute.
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)  # not listening yet: poll again
    log.seek(0)
    raise RuntimeError(f"server did not become healthy in time: {log.read()}")


# The instance key of servers started by `serving`: a `kht worker` beside one needs the same
# to read what the server sealed (webhook secrets, mail passwords).
LIVE_SERVER_SECRET_KEY = "live-server-test-secret"  # noqa: S105 - test servers only


@contextmanager
def serving(database_url: str, **env: str) -> Iterator[str]:
    """Run `kht serve` on `database_url` in its own process (extra KHT_* `env` given); yields
    its base URL. The child imports kht from the same place this process does."""
    import subprocess
    import sys
    import tempfile

    port = free_port()
    source = str(Path(__file__).resolve().parent.parent)
    environ = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])),
        "KHT_DATABASE_URL": database_url,
        "KHT_SECURE_COOKIES": "0",
        "KHT_SECRET_KEY": LIVE_SERVER_SECRET_KEY,
        **env,
    }
    # The log goes to a file: a pipe nobody reads would block a busy server once it is full.
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "kht", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # stuck (the bug a test found): do not leave it
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def live_server(kht_db_url: str) -> Iterator[str]:
    """Serve this test's database with `kht serve` on a free local port; yields the base URL."""
    with serving(kht_db_url) as url:
        yield url

"""The `kht` command line, run as a user would: a real process, its output and exit code."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import EXT_PLUGIN


def kht(
    url: str, *args: str, extra: str = "", env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key != "KHT_ADMIN_PASSWORD"}
    environ.update({"KHT_DATABASE_URL": url, "KHT_EXTRA_PLUGINS": extra, **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "kht", *args],
        env=environ,
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def test_init_creates_the_admin_with_a_generated_password_printed_once(kht_db_url):
    first = kht(kht_db_url, "init")
    assert first.returncode == 0, first.stderr
    assert "created user admin with password: " in first.stdout
    password = first.stdout.split("password: ")[1].split()[0]
    assert len(password) >= 12
    second = kht(kht_db_url, "init")
    assert second.returncode == 0
    assert password not in second.stdout and "already exists" in second.stdout


def test_init_takes_the_admin_password_from_the_environment(kht_db_url):
    result = kht(kht_db_url, "init", env={"KHT_ADMIN_PASSWORD": "a-long-password"})
    assert result.returncode == 0
    assert "a-long-password" not in result.stdout


def test_init_refuses_a_too_short_admin_password(kht_db_url):
    result = kht(kht_db_url, "init", env={"KHT_ADMIN_PASSWORD": "short"})
    assert result.returncode == 1
    assert "password must have at least 8 characters" in result.stderr
    assert "Traceback" not in result.stderr


def test_plugins_list_enable_disable(kht_db_url):
    assert kht(kht_db_url, "init").returncode == 0
    listed = kht(kht_db_url, "plugins", "list", extra=EXT_PLUGIN)
    assert "ext_plugin" in listed.stdout and "disabled" in listed.stdout
    assert "standard_product" in listed.stdout
    enabled = kht(kht_db_url, "plugins", "enable", "ext_plugin", extra=EXT_PLUGIN)
    assert enabled.returncode == 0 and "enabled: ext_plugin" in enabled.stdout
    assert "running servers (kht serve) take the change up" in enabled.stdout
    listed = kht(kht_db_url, "plugins", "list", extra=EXT_PLUGIN)
    assert any(
        line.startswith("ext_plugin") and " enabled " in line for line in listed.stdout.splitlines()
    )
    disabled = kht(kht_db_url, "plugins", "disable", "ext_plugin", extra=EXT_PLUGIN)
    assert disabled.returncode == 0 and "disabled: ext_plugin" in disabled.stdout
    assert "running servers (kht serve) take the change up" in disabled.stdout


def test_an_unknown_plugin_name_is_one_clear_line_and_a_non_zero_exit(kht_db_url):
    result = kht(kht_db_url, "plugins", "enable", "nope")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: unknown plugin 'nope'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_broken_plugin_is_listed_with_its_error(kht_db_url):
    kht(kht_db_url, "init")
    listed = kht(kht_db_url, "plugins", "list", extra="tests.broken_plugin")
    assert listed.returncode == 0
    assert "BROKEN" in listed.stdout and "broken on purpose" in listed.stdout


def test_an_unreachable_database_is_one_clear_line_and_a_non_zero_exit():
    result = kht("postgresql+psycopg://nobody@127.0.0.1:1/none", "migrate")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot use the database:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args", [("serve", "--port", "notanumber"), ("nosuchcommand",), ("serve", "--workers", "0")]
)
def test_bad_arguments_exit_non_zero_without_a_traceback(kht_db_url, args):
    result = kht(kht_db_url, *args)
    assert result.returncode == 2
    assert "Error" in result.stderr and "Traceback" not in result.stderr


def test_demo_loads_without_serving_and_twice_does_not_duplicate(kht_db_url, tmp_path):
    logins = tmp_path / "logins.txt"
    args = ("demo", "--no-serve", "--size", "120", "--logins-file", str(logins))
    first = kht(kht_db_url, *args)
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/" in first.stdout and str(logins) in first.stdout
    from sqlalchemy import create_engine, func, select

    from kht.customers.models import Customer
    from kht.plugins import PluginState

    def customers() -> int:
        engine = create_engine(kht_db_url)
        with engine.connect() as connection:
            count = connection.scalar(select(func.count()).select_from(Customer))
        engine.dispose()
        return count

    # The packs add their own customers (the membership pack's members), so the core's 120
    # are a floor; a second run adds nothing.
    loaded = customers()
    assert loaded >= 120
    second = kht(kht_db_url, *args)
    assert second.returncode == 0, second.stderr
    assert customers() == loaded
    engine = create_engine(kht_db_url)
    with engine.connect() as connection:
        states = connection.execute(select(PluginState.name, PluginState.enabled)).all()
    engine.dispose()
    assert {name for name, on in states if on} >= {
        "standard_product",
        "membership",
        "promotion",
        "project_sales",
        "key_account",
    }


def _stored_logins(path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0]: line.split("\t")[1] for line in lines if "\t" in line}


def test_demo_enables_every_installed_plugin_and_skips_a_broken_one(kht_db_url, tmp_path):
    from tests.conftest import BROKEN_PLUGIN

    logins = tmp_path / "logins.txt"
    extra = f"{EXT_PLUGIN},{BROKEN_PLUGIN}"
    args = ("demo", "--no-serve", "--size", "0", "--logins-file", str(logins))
    result = kht(kht_db_url, *args, extra=extra, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"not enabled: plugin '{BROKEN_PLUGIN}' cannot be loaded" in result.stdout
    listed = kht(kht_db_url, "plugins", "list", extra=extra).stdout.splitlines()
    states = {line.split()[0]: line.split()[1] for line in listed}
    installed = {"standard_product", "membership", "promotion", "project_sales", "key_account"}
    assert all(states[name] == "enabled" for name in installed | {"ext_plugin"}), states
    assert states[BROKEN_PLUGIN] == "BROKEN"


def test_demo_stores_the_logins_privately_never_prints_them_and_takes_the_admin_password(
    kht_db_url, tmp_path
):
    # One demo run checks both (a demo run is among the suite's slowest steps).
    logins = tmp_path / "logins.txt"
    logins.write_text("left from before\n")
    logins.chmod(0o644)
    env = {"KHT_ADMIN_PASSWORD": "demo-admin-password"}
    args = ("demo", "--no-serve", "--size", "0", "--logins-file", str(logins))
    result = kht(kht_db_url, *args, env=env)
    assert result.returncode == 0, result.stderr
    # The logins file: private, rewritten, every generated password, none of them printed.
    assert oct(logins.stat().st_mode & 0o777) == "0o600"
    stored = _stored_logins(logins)
    assert {"admin", "qian.rep", "wang.manager", "chen.rep"} <= set(stored)
    assert all(password not in result.stdout for password in stored.values())
    assert f"stored in {logins}" in result.stdout
    assert "left from before" not in logins.read_text()
    assert _password_works(kht_db_url, "qian.rep", stored["qian.rep"])
    # The administrator's password is the one KHT_ADMIN_PASSWORD gave, never printed.
    assert "password from KHT_ADMIN_PASSWORD" in result.stdout
    assert "demo-admin-password" not in result.stdout
    assert _password_works(kht_db_url, "admin", "demo-admin-password")
    short = kht(kht_db_url, *args, env={"KHT_ADMIN_PASSWORD": "short"})
    assert short.returncode != 0 and "at least 8 characters" in short.stderr
    assert "Traceback" not in short.stderr
    assert _password_works(kht_db_url, "admin", "demo-admin-password")


def _password_works(url: str, login: str, password: str) -> bool:
    from sqlalchemy import create_engine, select

    from kht.auth.models import User
    from kht.auth.passwords import verify_password

    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.scalar(select(User.password_hash).where(User.login == login))
    engine.dispose()
    return verify_password(stored, password)

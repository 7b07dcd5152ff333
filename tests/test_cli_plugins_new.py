"""`kht plugins new NAME` starts a plugin pack that installs, enables and passes its own tests.

The pack is installed the way a third party installs it (`pip install <folder>`, no network,
the build backend kht's environment already has) into a throwaway virtual environment that
sees kht and its dependencies, and everything after that runs in that environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import kht
from kht.cli import main
from tests.plugins.test_public_api import imported_modules

KHT_ROOT = Path(kht.__file__).resolve().parent.parent


def run(
    python: Path | str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # The kht under test comes first; the outer run's pytest and database settings stay out.
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "KHT_")) and key != "PYTHONPATH"
    }
    environ.update({"PYTHONPATH": str(KHT_ROOT), **(env or {})})
    return subprocess.run(
        [str(python), *args],
        cwd=cwd,
        env=environ,
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def kht_new(tmp_path, monkeypatch, capsys):
    """`kht plugins new ARGS` in tmp_path through the command's entry point (in this process:
    a fresh interpreter per call costs seconds); its exit code, stdout and stderr."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KHT_DATABASE_URL", f"sqlite:///{tmp_path / 'kht.sqlite3'}")

    def call(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["kht", "plugins", "new", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return call


def throwaway_venv(path: Path) -> Path:
    """A virtual environment whose packages are its own plus those kht runs with (a plain
    `--system-site-packages` venv would see the base interpreter's, not kht's venv's)."""
    venv.create(path, with_pip=False)
    own = Path(sysconfig.get_path("purelib", vars={"base": str(path), "platbase": str(path)}))
    parent = sysconfig.get_path("purelib")
    (own / "_kht_parent.pth").write_text(f"import site; site.addsitedir({parent!r})\n")
    return path / "bin" / "python"


def test_a_new_pack_installs_enables_and_passes_its_own_tests(tmp_path, kht_new):
    code, out, err = kht_new("visit_log", "--label-zh", "拜访日志", "--label-en", "Visit log")
    assert code == 0, err
    pack = tmp_path / "visit_log"
    assert "created plugin visit_log in visit_log" in out
    assert {str(path.relative_to(pack)) for path in pack.rglob("*") if path.is_file()} == {
        "pyproject.toml",
        "README.md",
        "visit_log/__init__.py",
        "visit_log/plugin.py",
        "visit_log/migrations/0001_visit_log.py",
        "visit_log/locale/zh_CN/LC_MESSAGES/messages.po",
        "visit_log/locale/en/LC_MESSAGES/messages.po",
        "tests/test_visit_log.py",
    }
    assert (
        '[project.entry-points.kht]\nvisit_log = "visit_log.plugin"'
        in (pack / "pyproject.toml").read_text()
    )

    python = throwaway_venv(tmp_path / "venv")
    installed = run(
        python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
        str(pack), cwd=tmp_path,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # The pack runs from the installed copy: its migrations and catalogues were packaged.
    where = run(python, "-P", "-c", "import visit_log.plugin as p; print(p.__file__)", cwd=pack)
    assert where.stdout.strip().startswith(str(tmp_path / "venv")), where.stdout + where.stderr

    database = {"KHT_DATABASE_URL": f"sqlite:///{tmp_path / 'kht.sqlite3'}"}
    enabled = run(python, "-m", "kht", "plugins", "enable", "visit_log", cwd=pack, env=database)
    assert enabled.returncode == 0, enabled.stderr
    assert "enabled: visit_log" in enabled.stdout
    listed = run(python, "-m", "kht", "plugins", "list", cwd=pack, env=database)
    assert any(
        line.split()[:2] == ["visit_log", "enabled"] and "Visit log" in line
        for line in listed.stdout.splitlines()
    ), listed.stdout + listed.stderr

    tested = run(python, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=pack)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "8 passed" in tested.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Visits", "is not a valid plugin name"),
        ("2visits", "is not a valid plugin name"),
        ("visit-log", "is not a valid plugin name"),
        ("class", "is not a valid plugin name"),
        ("a" * 28, "is too long (at most 27 characters)"),
        ("standard_product", "a plugin named 'standard_product' is already installed"),
        ("json", "a Python module named 'json' already exists"),
    ],
)
def test_a_name_that_cannot_be_a_new_plugin_is_refused(tmp_path, kht_new, name, message):
    code, _, err = kht_new(name)
    assert code == 1
    assert err.startswith("error: ") and message in err
    assert not (tmp_path / name).exists()


def test_an_existing_folder_is_left_alone(tmp_path, kht_new):
    (tmp_path / "visits").mkdir()
    (tmp_path / "visits" / "notes.txt").write_text("mine")
    code, _, err = kht_new("visits")
    assert code == 1 and err == "error: visits already exists; choose another folder with --dir\n"
    other = tmp_path / "elsewhere"
    other.mkdir()
    code, _, err = kht_new("visits", "--dir", str(other))
    assert code == 1 and f"error: {other} already exists" in err
    assert [p.name for p in (tmp_path / "visits").iterdir()] == ["notes.txt"]
    assert list(other.iterdir()) == []


def test_a_label_that_would_break_the_generated_code_is_refused(tmp_path, kht_new):
    code, _, err = kht_new("visits", "--label-en", 'Say "hi"')
    assert code == 1 and "error: label_en must be" in err
    assert not (tmp_path / "visits").exists()


def test_the_generated_plugin_imports_nothing_of_the_core_but_the_public_api(tmp_path, kht_new):
    assert kht_new("visits")[0] == 0
    package = tmp_path / "visits" / "visits"
    imported = {
        f"{path.relative_to(package)}: {module}"
        for path in sorted(package.rglob("*.py"))  # its migration included
        for module in imported_modules(path, "visits")
        if module.startswith("kht")
    }
    assert imported == {
        "plugin.py: kht.plugin_api",
        "migrations/0001_visits.py: kht.plugin_api",
    }

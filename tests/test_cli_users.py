"""Scripting a set-up with `kht users|tokens|org`: real processes, their output and exit codes."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.auth.passwords import verify_password
from kht.auth.service import business_line_ids, find_user
from kht.cli import department_named
from kht.errors import ValidationError
from kht.org import service as org
from kht.org.models import Branch, Department
from kht.testing import add_user
from tests.test_cli import kht


def ok(url: str, *args: str) -> str:
    result = kht(url, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_organisation_and_a_user_can_be_set_up_by_script(kht_db_url, kht_runtime):
    assert "created department 销售部" in ok(kht_db_url, "org", "add-department", "销售部")
    ok(kht_db_url, "org", "add-department", "华东", "--parent", "销售部")
    assert "created branch 上海" in ok(kht_db_url, "org", "add-branch", "上海", "--code", "SH")
    assert "created business line 医疗" in ok(kht_db_url, "org", "add-business-line", "医疗")
    created = ok(
        kht_db_url, "users", "create", "li", "--role", "sales_rep", "--name", "李四",
        "--department", "华东", "--branch", "上海", "--email", "li@example.cn",
    )  # fmt: skip
    assert "created user li with role sales_rep" in created
    password = created.split("password: ")[1].split()[0]
    listed = ok(kht_db_url, "users", "list")
    assert any(
        line.split()[:4] == ["li", "sales_rep", "active", "华东"] for line in listed.splitlines()
    )
    with kht_runtime().ctx() as ctx:
        user = find_user(ctx.session, "li")
        department = ctx.session.get(Department, user.department_id)
        branch = ctx.session.get(Branch, user.branch_id)
        assert (user.name, user.email, department.name, branch.code) == (
            "李四",
            "li@example.cn",
            "华东",
            "SH",
        )
        assert org.find_department(ctx.session, "销售部").id == department.parent_id
        assert verify_password(user.password_hash, password)
        assert business_line_ids(ctx.session, user.id) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "emperor"), "error: unknown role 'emperor' (roles: administrator, "),
        (("--role", "sales_rep", "--department", "火星"), "error: unknown department '火星'"),
    ],
)
def test_an_unknown_role_or_department_is_one_error_line_and_exit_1(
    kht_db_url, kht_runtime, args, message
):
    result = kht(kht_db_url, "users", "create", "li", *args)
    assert result.returncode == 1
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    with kht_runtime().ctx() as ctx:
        assert find_user(ctx.session, "li") is None


def test_a_token_created_on_the_command_line_works_against_the_api(kht_db_url, kht_runtime):
    from kht.web import create_app

    runtime = kht_runtime()
    add_user(runtime, "erp", "sales_manager")
    result = kht(kht_db_url, "tokens", "create", "erp", "--name", "nightly sync", "--days", "30")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.startswith("kht_") and result.stdout == f"{token}\n"
    with TestClient(create_app(runtime.settings, engine=runtime.engine)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        me = client.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["user"]["login"] == "erp"
        (info,) = client.get("/api/v1/tokens").json()["items"]
        assert info["name"] == "nightly sync" and info["expires_at"] is not None
        assert client.get("/api/v1/users").status_code == 403
    unknown = kht(kht_db_url, "tokens", "create", "nobody", "--name", "x")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.strip() == "error: unknown user 'nobody'"


def test_departments_are_named_by_name_or_by_path_when_the_name_is_ambiguous(kht_runtime):
    with kht_runtime().ctx() as ctx:
        session = ctx.session
        for parent in ("North", "South"):
            org.create_department(session, "Sales", org.create_department(session, parent).id)
        assert department_named(session, "North").name == "North"
        south_sales = department_named(session, "South/Sales")
        assert session.get(Department, south_sales.parent_id).name == "South"
        with pytest.raises(ValidationError, match=r"'Sales' is ambiguous \(North/Sales, South/"):
            department_named(session, "Sales")
        with pytest.raises(ValidationError, match="unknown department 'East'"):
            department_named(session, "East")

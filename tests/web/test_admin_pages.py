"""Administration pages: users, roles and the organisation, as an administrator and as a rep."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from kht.auth.models import Role, User
from kht.auth.service import business_line_ids, find_user
from kht.customers.models import Customer
from kht.org.models import Branch, BusinessLine, Department
from kht.testing import TEST_PASSWORD, add_user, bearer, csrf_token, log_in, runtime_of
from kht.web import create_app


def post(client, url, data=None):
    """A form POST carrying the CSRF token, without following the redirect."""
    return client.post(
        url, data={**(data or {}), "_csrf_token": csrf_token(client)}, follow_redirects=False
    )


@pytest.fixture
def app(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator", department="HQ")
    add_user(
        runtime,
        "rep",
        "sales_rep",
        department="HQ/Sales",
        branch="Shanghai",
        business_lines=("Devices",),
    )
    add_user(runtime, "rep2", "sales_rep", department="HQ/Sales")
    return app


@pytest.fixture
def boss(app):
    with TestClient(app) as client:
        log_in(client, "boss")
        yield client


def browser(app, login, password=TEST_PASSWORD):
    """Another browser (not entered: one running lifespan per app is enough)."""
    client = TestClient(app)
    return client, log_in(client, login, password)


def read(app, query):
    with runtime_of(app).ctx() as ctx:
        return ctx.session.scalars(query).all()


def user(app, login) -> User:
    with runtime_of(app).ctx() as ctx:
        return find_user(ctx.session, login)


def ids_of(app, model, *names):
    return [read(app, select(model.id).where(model.name == name))[0] for name in names]


# ---- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/users", "/admin/roles", "/admin/org", "/admin/users/1"])
def test_a_sales_rep_gets_the_friendly_403_page_on_administration(app, path):
    rep, _ = browser(app, "rep")
    page = rep.get(path)
    assert page.status_code == 403
    assert "<html" in page.text and "Traceback" not in page.text


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/users", {"login": "sneaky", "name": "Sneaky", "role": "administrator"}),
        ("/admin/roles/1", {"ops.users": "admin", "scope.users": "all"}),
        ("/admin/org/departments", {"name": "Rogue"}),
        ("/admin/org/branches", {"name": "Rogue"}),
    ],
)
def test_a_sales_rep_cannot_change_administration_data(app, url, data):
    rep, _ = browser(app, "rep")
    assert post(rep, url, data).status_code == 403
    assert user(app, "sneaky") is None
    assert read(app, select(Department.id).where(Department.name == "Rogue")) == []


def test_the_admin_pages_share_a_sub_navigation(boss):
    page = boss.get("/admin/roles")
    nav = page.text.split('id="admin-nav"')[1].split("</ul>")[0]
    assert 'href="/admin/users"' in nav and 'href="/admin/org"' in nav
    assert 'class="nav-link active" href="/admin/roles"' in nav


# ---- users --------------------------------------------------------------------------------


def test_the_user_list_shows_role_department_branch_and_status(boss):
    page = boss.get("/admin/users")
    assert page.status_code == 200
    row = page.text.split('data-user="rep"')[1].split("</tr>")[0]
    assert "销售代表" in row and "Sales" in row and "Shanghai" in row and "有效" in row


def test_creating_a_user_shows_the_generated_password_once_and_it_works(app, boss):
    sales, lines = ids_of(app, Department, "Sales"), ids_of(app, BusinessLine, "Devices")
    page = post(
        boss,
        "/admin/users",
        {
            "login": "newbie",
            "name": "New Bie",
            "role": "sales_rep",
            "department_id": str(sales[0]),
            "business_line_ids": [str(lines[0])],
        },
    )
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    password = re.search(r'id="password-value">([^<]+)<', page.text).group(1)
    created = user(app, "newbie")
    assert created.department_id == sales[0]
    with runtime_of(app).ctx() as ctx:
        assert business_line_ids(ctx.session, created.id) == lines
    assert password not in boss.get(f"/admin/users/{created.id}").text
    assert browser(app, "newbie", password)[1].headers["location"] == "/"


def test_creating_a_user_with_a_chosen_password_redirects_to_the_user(app, boss):
    answer = post(
        boss,
        "/admin/users",
        {"login": "chosen", "name": "Chosen", "role": "marketing", "password": "chosen-secret"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/admin/users/{user(app, 'chosen').id}?done=created"
    assert browser(app, "chosen", "chosen-secret")[1].headers["location"] == "/"


@pytest.mark.parametrize(
    ("login", "status", "message"),
    [("REP", 409, "already exists"), ("bad login!", 422, "登录名只能包含")],
)
def test_a_refused_new_user_keeps_the_typed_values(app, boss, login, status, message):
    page = post(boss, "/admin/users", {"login": login, "name": "Typed Name", "role": "sales_rep"})
    assert page.status_code == status
    assert message in page.text
    assert 'value="Typed Name"' in page.text
    assert len(read(app, select(User.id))) == 3


def test_editing_a_user_changes_role_department_branch_lines_and_contact(app, boss):
    rep_id = user(app, "rep").id
    sales = ids_of(app, Department, "HQ")[0]
    answer = post(
        boss,
        f"/admin/users/{rep_id}",
        {
            "name": "Rep Renamed",
            "role": "sales_manager",
            "department_id": str(sales),
            "email": "rep@example.com",
            "phone": "13800138000",
            "language": "en",
        },
    )
    assert answer.status_code == 303
    edited = user(app, "rep")
    manager = read(app, select(Role.id).where(Role.key == "sales_manager"))[0]
    assert (edited.name, edited.role_id, edited.department_id) == ("Rep Renamed", manager, sales)
    assert (edited.branch_id, edited.email, edited.language) == (None, "rep@example.com", "en")
    with runtime_of(app).ctx() as ctx:
        assert business_line_ids(ctx.session, rep_id) == []  # none ticked: none kept
    assert "修改已保存" in boss.get(answer.headers["location"]).text


def test_an_invalid_edit_shows_the_message_and_changes_nothing(app, boss):
    rep_id = user(app, "rep").id
    page = post(boss, f"/admin/users/{rep_id}", {"name": "Changed", "role": "no_such_role"})
    assert page.status_code == 422
    assert "unknown role" in page.text and 'value="Changed"' in page.text
    assert user(app, "rep").name == "Rep"


def test_resetting_a_password_shows_it_once_and_ends_the_users_sessions(app, boss):
    rep, _ = browser(app, "rep")
    page = post(boss, f"/admin/users/{user(app, 'rep').id}/password")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    password = re.search(r'id="password-value">([^<]+)<', page.text).group(1)
    assert rep.get("/", follow_redirects=False).headers["location"].startswith("/login")
    assert browser(app, "rep", TEST_PASSWORD)[1].status_code == 401
    assert browser(app, "rep", password)[1].headers["location"] == "/"


def test_deactivation_is_refused_while_the_user_owns_records_and_allowed_after_hand_over(app, boss):
    runtime = runtime_of(app)
    api = TestClient(app)
    api.headers.update(bearer(runtime, "rep"))
    customer = api.post("/api/v1/customers", json={"name": "Acme"}).json()
    rep_id = user(app, "rep").id

    refused = post(boss, f"/admin/users/{rep_id}/active", {"active": "0"})
    assert refused.status_code == 409
    assert "still owns 1 customer" in refused.text
    assert 'id="hand-over-form"' in refused.text
    assert user(app, "rep").active

    moved = post(boss, f"/admin/users/{rep_id}/hand-over", {"to_user_id": "pool"})
    assert moved.status_code == 200
    assert re.search(r'id="moved">.*?data-kind="customer">1<', moved.text, re.S)
    assert read(app, select(Customer.owner_id).where(Customer.id == customer["id"])) == [None]

    answer = post(boss, f"/admin/users/{rep_id}/active", {"active": "0"})
    assert answer.status_code == 303
    assert not user(app, "rep").active
    assert browser(app, "rep")[1].status_code == 401
    assert post(boss, f"/admin/users/{rep_id}/active", {"active": "1"}).status_code == 303
    assert user(app, "rep").active


def test_hand_over_to_a_colleague_moves_ownership_to_them(app, boss):
    api = TestClient(app)
    api.headers.update(bearer(runtime_of(app), "rep"))
    customer = api.post("/api/v1/customers", json={"name": "Acme"}).json()
    rep2 = user(app, "rep2").id
    page = post(boss, f"/admin/users/{user(app, 'rep').id}/hand-over", {"to_user_id": str(rep2)})
    assert page.status_code == 200
    assert read(app, select(Customer.owner_id).where(Customer.id == customer["id"])) == [rep2]


def test_hand_over_to_oneself_is_refused_with_the_message(app, boss):
    rep_id = user(app, "rep").id
    page = post(boss, f"/admin/users/{rep_id}/hand-over", {"to_user_id": str(rep_id)})
    assert page.status_code == 422
    assert "不能移交给自己" in page.text


def test_an_administrator_cannot_deactivate_themselves(app, boss):
    page = post(boss, f"/admin/users/{user(app, 'boss').id}/active", {"active": "0"})
    assert page.status_code == 409
    assert "不能停用自己" in page.text
    assert user(app, "boss").active


# ---- roles --------------------------------------------------------------------------------


def role(app, key) -> Role:
    return read(app, select(Role).where(Role.key == key))[0]


def test_the_role_matrix_shows_the_grants(app, boss):
    page = boss.get(f"/admin/roles/{role(app, 'sales_rep').id}")
    row = page.text.split('data-module="customers"')[1].split("</tr>")[0]
    assert re.search(r'value="view"\s+aria-label="[^"]*" checked', row)
    assert not re.search(r'value="delete"\s+aria-label="[^"]*" checked', row)
    assert '<option value="own" selected>' in row


def test_editing_the_role_matrix_persists_grants_scope_and_the_2fa_switch(app, boss):
    rep_role = role(app, "sales_rep")
    answer = post(
        boss,
        f"/admin/roles/{rep_role.id}",
        {
            "ops.customers": ["view", "edit"],
            "scope.customers": "department",
            "scope.leads": "all",
            "require_2fa": "1",
        },
    )
    assert answer.status_code == 303
    saved = role(app, "sales_rep")
    assert saved.grants == {"customers": {"ops": ["view", "edit"], "scope": "department"}}
    assert saved.require_2fa
    page = boss.get(answer.headers["location"])
    assert "修改已保存" in page.text
    assert re.search(r'id="require_2fa" name="require_2fa" value="1" checked', page.text)


def test_an_unknown_scope_is_refused_and_the_role_keeps_its_grants(app, boss):
    before = role(app, "sales_rep").grants
    page = post(
        boss,
        f"/admin/roles/{role(app, 'sales_rep').id}",
        {"ops.customers": "view", "scope.customers": "galaxy"},
    )
    assert page.status_code == 422
    assert "scope must be one of" in page.text
    assert role(app, "sales_rep").grants == before


def matrix_of(grants: dict) -> dict:
    """The role form as the matrix page posts it for these grants."""
    form: dict = {}
    for module, grant in grants.items():
        form[f"ops.{module}"] = grant["ops"]
        form[f"scope.{module}"] = grant["scope"]
    return form


def test_saving_the_matrix_keeps_the_grants_of_a_disabled_plugins_modules(kht_app):
    app = kht_app(plugins=("standard_product",))
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    manager = role(app, "sales_manager")
    setup = {"standard_product": {"ops": ["admin"], "scope": "all"}}
    with TestClient(app) as boss:
        log_in(boss, "boss")
        grants = {**manager.grants, **setup}
        assert post(boss, f"/admin/roles/{manager.id}", matrix_of(grants)).status_code == 303
    runtime.set_enabled("standard_product", False)
    restarted = create_app(runtime.settings, engine=runtime.engine)
    with TestClient(restarted) as boss:
        log_in(boss, "boss")
        page = boss.get(f"/admin/roles/{manager.id}")
        assert 'data-module="standard_product"' not in page.text  # not on the matrix now
        changed = {**manager.grants, "reports": {"ops": ["view"], "scope": "department"}}
        assert post(boss, f"/admin/roles/{manager.id}", matrix_of(changed)).status_code == 303
    saved = role(app, "sales_manager").grants
    assert saved["standard_product"] == setup["standard_product"]
    assert saved["reports"] == {"ops": ["view"], "scope": "department"}
    runtime.set_enabled("standard_product", True)
    assert role(app, "sales_manager").grants["standard_product"] == setup["standard_product"]


def test_an_administrator_editing_their_own_role_stays_logged_in(app, boss):
    add_user(runtime_of(app), "boss2", "administrator")
    other, _ = browser(app, "boss2")
    admin_role = role(app, "administrator")
    before = boss.cookies["kht_session"]
    answer = post(boss, f"/admin/roles/{admin_role.id}", matrix_of(admin_role.grants))
    assert answer.status_code == 303
    assert boss.cookies["kht_session"] != before  # a new session id, as on a password change
    page = boss.get(answer.headers["location"])
    assert page.status_code == 200 and "修改已保存" in page.text
    # The role's other users are logged out, as before: their rights changed.
    assert other.get("/admin/roles", follow_redirects=False).status_code in (302, 303)


def test_an_administrator_giving_themselves_another_role_stays_logged_in(app, boss):
    me = user(app, "boss")
    answer = post(
        boss, f"/admin/users/{me.id}", {"login": "boss", "name": me.name, "role": "sales_manager"}
    )
    assert answer.status_code == 303
    assert boss.get("/", follow_redirects=False).status_code == 200
    assert user(app, "boss").role_id == role(app, "sales_manager").id


# ---- organisation -------------------------------------------------------------------------


def test_the_department_tree_is_indented_by_depth(boss):
    page = boss.get("/admin/org")
    assert page.status_code == 200
    assert re.search(r'data-department="HQ">.*?data-depth="0"', page.text, re.S)
    assert re.search(r'data-department="Sales">.*?data-depth="1"', page.text, re.S)


def test_adding_renaming_moving_and_deleting_a_department(app, boss):
    hq = ids_of(app, Department, "HQ")[0]
    assert (
        post(boss, "/admin/org/departments", {"name": "Export", "parent_id": str(hq)}).status_code
        == 303
    )
    export = read(app, select(Department).where(Department.name == "Export"))[0]
    assert export.parent_id == hq and export.path == f"/{hq}/{export.id}/"
    answer = post(
        boss, f"/admin/org/departments/{export.id}", {"name": "Overseas", "parent_id": ""}
    )
    assert answer.status_code == 303
    moved = read(app, select(Department).where(Department.id == export.id))[0]
    assert (moved.name, moved.parent_id, moved.path) == ("Overseas", None, f"/{export.id}/")
    assert post(boss, f"/admin/org/departments/{export.id}/delete").status_code == 303
    assert read(app, select(Department).where(Department.id == export.id)) == []


def test_deleting_a_department_with_users_is_refused_with_the_message(app, boss):
    sales = ids_of(app, Department, "Sales")[0]
    page = post(boss, f"/admin/org/departments/{sales}/delete")
    assert page.status_code == 409
    assert "该部门还有用户" in page.text and f'id="error-department-{sales}"' in page.text
    assert ids_of(app, Department, "Sales") == [sales]


def test_a_department_cannot_move_under_its_own_child(app, boss):
    hq, sales = ids_of(app, Department, "HQ", "Sales")
    page = post(boss, f"/admin/org/departments/{hq}", {"name": "HQ", "parent_id": str(sales)})
    assert page.status_code == 422
    assert "部门不能移到自身之下" in page.text
    assert read(app, select(Department.parent_id).where(Department.id == hq)) == [None]


def test_a_new_department_needs_a_name_and_keeps_the_chosen_parent(app, boss):
    hq = ids_of(app, Department, "HQ")[0]
    page = post(boss, "/admin/org/departments", {"name": " ", "parent_id": str(hq)})
    assert page.status_code == 422
    assert "名称必填" in page.text
    assert f'<option value="{hq}" selected>' in page.text.split('id="new-department-form"')[1]


@pytest.mark.parametrize(
    ("segment", "model"), [("branches", Branch), ("business-lines", BusinessLine)]
)
def test_adding_renaming_and_deleting_branches_and_business_lines(app, boss, segment, model):
    assert post(boss, f"/admin/org/{segment}", {"name": "North", "code": "N"}).status_code == 303
    unit_id = ids_of(app, model, "North")[0]
    assert post(boss, f"/admin/org/{segment}", {"name": "North"}).status_code == 409
    answer = post(boss, f"/admin/org/{segment}/{unit_id}", {"name": "North-East", "code": "NE"})
    assert answer.status_code == 303
    assert read(app, select(model.code).where(model.id == unit_id)) == ["NE"]
    assert post(boss, f"/admin/org/{segment}/{unit_id}/delete").status_code == 303
    assert read(app, select(model.id).where(model.id == unit_id)) == []


def test_a_branch_with_users_cannot_be_deleted(app, boss):
    shanghai = ids_of(app, Branch, "Shanghai")[0]
    page = post(boss, f"/admin/org/branches/{shanghai}/delete")
    assert page.status_code == 409
    assert "仍有用户属于它" in page.text


def test_an_unknown_unit_list_is_not_found(boss):
    assert post(boss, "/admin/org/planets", {"name": "Mars"}).status_code == 404

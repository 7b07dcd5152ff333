"""Users and roles API: create, list, change, reset, (de)activate, hand over; sessions end."""

from __future__ import annotations

import pytest

from kht.auth.models import User
from kht.auth.passwords import verify_password
from kht.auth.sessions import sessions_of, start_session
from kht.testing import TEST_PASSWORD, add_user, bearer
from tests.api.conftest import customer_of


def session_count(runtime, user_id: int) -> int:
    with runtime.ctx() as ctx:
        return len(sessions_of(ctx.session, user_id))


def log_in_twice(runtime, user_id: int) -> None:
    """Two live browser sessions of the user (as if logged in on two machines)."""
    with runtime.ctx() as ctx:
        start_session(ctx.session, user_id, ctx.now())
        start_session(ctx.session, user_id, ctx.now())


def password_works(runtime, user_id: int, password: str) -> bool:
    with runtime.ctx() as ctx:
        return verify_password(ctx.session.get(User, user_id).password_hash, password)


def test_creating_a_user_without_a_password_returns_a_generated_one_once(admin, runtime):
    created = admin.post("/api/v1/users", json={"login": "li", "name": "李四", "role": "sales_rep"})
    assert created.status_code == 201
    body = created.json()
    assert body["user"]["login"] == "li" and body["user"]["role"] == "sales_rep"
    assert password_works(runtime, body["user"]["id"], body["password"])
    shown = admin.get(f"/api/v1/users/{body['user']['id']}")
    assert shown.status_code == 200 and body["password"] not in shown.text
    assert "password" not in shown.json() and "totp_secret" not in shown.json()


def test_creating_a_user_with_a_password_returns_none(admin, runtime):
    created = admin.post(
        "/api/v1/users",
        json={"login": "li", "name": "Li", "role": "sales_rep", "password": TEST_PASSWORD},
    )
    assert created.status_code == 201 and created.json()["password"] is None
    assert password_works(runtime, created.json()["user"]["id"], TEST_PASSWORD)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"login": "BOSS", "name": "Again", "role": "sales_rep"}, 409, "login"),
        ({"login": "li", "name": "Li", "role": "emperor"}, 422, "role"),
        (
            {"login": "li", "name": "Li", "role": "sales_rep", "department_id": 99},
            422,
            "department_id",
        ),
        ({"login": "li", "name": "Li", "role": "sales_rep", "password": "short"}, 422, "password"),
        ({"login": "li lo", "name": "Li", "role": "sales_rep"}, 422, "login"),
    ],
)
def test_a_bad_new_user_is_refused_naming_the_field(admin, body, status, field):
    refused = admin.post("/api/v1/users", json=body)
    assert refused.status_code == status, refused.text
    assert refused.json()["field"] == field
    assert admin.get("/api/v1/users").json()["total"] == 1


def test_a_new_user_without_a_login_is_refused(admin):
    refused = admin.post("/api/v1/users", json={"name": "Li", "role": "sales_rep"})
    assert refused.status_code == 422
    assert refused.json()["message"] == "Object missing required field `login`"
    assert admin.get("/api/v1/users").json()["total"] == 1


def test_the_user_list_is_a_page_filtered_by_q(admin, runtime):
    for login in ("zhang", "zhao", "wang"):
        add_user(runtime, login)
    page = admin.get("/api/v1/users", params={"q": "zh", "page_size": 1, "page": 2}).json()
    assert page["total"] == 2 and page["page"] == 2 and page["page_size"] == 1
    assert [u["login"] for u in page["items"]] == ["zhao"]
    everyone = admin.get("/api/v1/users").json()
    assert [u["login"] for u in everyone["items"]] == ["boss", "wang", "zhang", "zhao"]
    assert admin.get("/api/v1/users", params={"page_size": 501}).status_code == 422


def test_updating_a_user_changes_only_what_was_sent(admin, runtime):
    user_id = add_user(runtime, "li", department="Sales", business_lines=("Med",))
    lines = admin.post("/api/v1/business-lines", json={"name": "Lab"}).json()
    changed = admin.patch(
        f"/api/v1/users/{user_id}",
        json={"name": "Li Si", "email": "li@example.cn", "business_line_ids": [lines["id"]]},
    )
    assert changed.status_code == 200, changed.text
    user = changed.json()
    assert (user["name"], user["email"], user["business_line_ids"]) == (
        "Li Si",
        "li@example.cn",
        [lines["id"]],
    )
    assert user["department_id"] is not None and user["role"] == "sales_rep"
    assert admin.patch("/api/v1/users/999", json={"name": "x"}).status_code == 404


def test_a_role_change_ends_the_users_sessions_other_changes_do_not(admin, runtime):
    user_id = add_user(runtime, "li")
    log_in_twice(runtime, user_id)
    assert admin.patch(f"/api/v1/users/{user_id}", json={"name": "Li"}).status_code == 200
    assert session_count(runtime, user_id) == 2
    changed = admin.patch(f"/api/v1/users/{user_id}", json={"role": "sales_manager"})
    assert changed.status_code == 200 and changed.json()["role"] == "sales_manager"
    assert session_count(runtime, user_id) == 0


def test_a_password_reset_returns_a_new_password_and_ends_the_sessions(admin, runtime):
    user_id = add_user(runtime, "li")
    log_in_twice(runtime, user_id)
    reset = admin.post(f"/api/v1/users/{user_id}/password-reset")
    assert reset.status_code == 200
    password = reset.json()["password"]
    assert password_works(runtime, user_id, password)
    assert not password_works(runtime, user_id, TEST_PASSWORD)
    assert session_count(runtime, user_id) == 0


def test_deactivation_is_refused_while_the_user_owns_a_customer_until_handed_over(admin, runtime):
    rep_id = add_user(runtime, "rep")
    customer_of(runtime, rep_id)
    log_in_twice(runtime, rep_id)
    refused = admin.post(f"/api/v1/users/{rep_id}/deactivate")
    assert refused.status_code == 409
    assert refused.json()["message"] == "rep still owns 1 customer: hand them over first"
    assert admin.get(f"/api/v1/users/{rep_id}").json()["active"] is True
    assert admin.get(f"/api/v1/users/{rep_id}/owned").json()["owned"]["customer"] == 1
    moved = admin.post(f"/api/v1/users/{rep_id}/hand-over", json={"to_user_id": None})
    assert moved.status_code == 200 and moved.json()["moved"]["customer"] == 1
    assert admin.get(f"/api/v1/users/{rep_id}/owned").json()["owned"]["customer"] == 0
    done = admin.post(f"/api/v1/users/{rep_id}/deactivate")
    assert done.status_code == 200 and done.json()["active"] is False
    assert session_count(runtime, rep_id) == 0
    again = admin.post(f"/api/v1/users/{rep_id}/activate")
    assert again.status_code == 200 and again.json()["active"] is True


def test_hand_over_to_a_colleague_moves_the_customers_and_audits_the_owner(admin, runtime):
    rep_id, colleague_id = add_user(runtime, "rep"), add_user(runtime, "colleague")
    first, second = customer_of(runtime, rep_id, "A"), customer_of(runtime, rep_id, "B")
    moved = admin.post(f"/api/v1/users/{rep_id}/hand-over", json={"to_user_id": colleague_id})
    assert moved.json() == {"moved": {**moved.json()["moved"], "customer": 2}}
    colleague = bearer(runtime, "colleague")
    for customer_id in (first, second):
        customer = admin.get(f"/api/v1/customers/{customer_id}", headers=colleague)
        assert customer.status_code == 200 and customer.json()["version"] == 2
        trail = admin.get(
            "/api/v1/audit", params={"kind": "customer", "record_id": customer_id}
        ).json()
        assert trail[0]["action"] == "update"
        assert trail[0]["changes"] == {"owner_id": [rep_id, colleague_id]}
    assert admin.get("/api/v1/customers", headers=bearer(runtime, "rep")).json()["total"] == 0


def test_hand_over_to_the_pool_leaves_the_customers_without_owner_and_audited(admin, runtime):
    rep_id = add_user(runtime, "rep")
    customer_id = customer_of(runtime, rep_id)
    admin.post(f"/api/v1/users/{rep_id}/hand-over", json={})
    assert admin.get(f"/api/v1/customers/{customer_id}").json()["owner_id"] is None
    trail = admin.get("/api/v1/audit", params={"kind": "customer", "record_id": customer_id})
    assert trail.json()[0]["changes"] == {"owner_id": [rep_id, None]}


@pytest.mark.parametrize("target", ["self", "inactive", "missing"])
def test_hand_over_to_oneself_an_inactive_or_unknown_user_is_refused(admin, runtime, target):
    rep_id, other_id = add_user(runtime, "rep"), add_user(runtime, "other")
    customer_id = customer_of(runtime, rep_id)
    admin.post(f"/api/v1/users/{other_id}/deactivate")
    to = {"self": rep_id, "inactive": other_id, "missing": 999}[target]
    refused = admin.post(f"/api/v1/users/{rep_id}/hand-over", json={"to_user_id": to})
    assert refused.status_code == 422 and refused.json()["field"] == "to_user_id"
    assert admin.get(f"/api/v1/customers/{customer_id}").json()["owner_id"] == rep_id


def test_an_administrator_cannot_deactivate_themselves(admin):
    me = admin.get("/api/v1/me").json()["user"]["id"]
    refused = admin.post(f"/api/v1/users/{me}/deactivate")
    assert refused.status_code == 409 and "yourself" in refused.json()["message"]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", "/password-reset"), ("POST", "/activate"), ("GET", "/owned")],
)
def test_an_unknown_user_is_404(admin, method, suffix):
    assert admin.request(method, f"/api/v1/users/999{suffix}").status_code == 404


def test_roles_are_listed_and_a_grant_change_ends_the_sessions_of_its_users(admin, runtime):
    user_id = add_user(runtime, "rep")
    log_in_twice(runtime, user_id)
    roles = {r["key"]: r for r in admin.get("/api/v1/roles").json()["items"]}
    assert {"administrator", "sales_rep", "sales_manager"} <= set(roles)
    rep_role = roles["sales_rep"]
    grants = {**rep_role["grants"], "reports": {"ops": ["view"], "scope": "own"}}
    changed = admin.patch(f"/api/v1/roles/{rep_role['id']}", json={"grants": grants})
    assert changed.status_code == 200 and changed.json()["grants"]["reports"]["ops"] == ["view"]
    assert session_count(runtime, user_id) == 0
    me = admin.get("/api/v1/me", headers=bearer(runtime, "rep")).json()
    assert me["grants"]["reports"] == {"ops": ["view"], "scope": "own"}


@pytest.mark.parametrize(
    ("grants", "field"),
    [
        ({"weather": {"ops": ["view"]}}, "grants.weather"),
        ({"customers": {"ops": ["fly"]}}, "grants.customers.ops"),
        ({"customers": {"ops": ["view"], "scope": "galaxy"}}, "grants.customers.scope"),
    ],
)
def test_bad_grants_are_refused_naming_the_place(admin, grants, field):
    role_id = admin.get("/api/v1/roles").json()["items"][-1]["id"]
    refused = admin.patch(f"/api/v1/roles/{role_id}", json={"grants": grants})
    assert refused.status_code == 422 and refused.json()["field"] == field
    assert admin.patch("/api/v1/roles/999", json={"require_2fa": True}).status_code == 404

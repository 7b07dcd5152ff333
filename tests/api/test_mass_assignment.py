"""Fields a client may not set (owner, version, rights, secrets) get 422, never ignored."""

from __future__ import annotations

import pytest

from kht.auth.models import User
from kht.testing import add_user
from tests.api.conftest import customer_of

FORBIDDEN_CUSTOMER_FIELDS = [
    ("owner_id", 2),
    ("created_by_id", 2),
    ("deleted_at", "2020-01-01T00:00:00Z"),
    ("id", 77),
]
FORBIDDEN_USER_FIELDS = [
    ("is_admin", True),
    ("active", False),
    ("password_hash", "x"),
    ("role_id", 1),
    ("totp_secret", "ABC"),
]


@pytest.mark.parametrize(("field", "value"), [*FORBIDDEN_CUSTOMER_FIELDS, ("version", 5)])
def test_a_new_customer_cannot_set_owner_version_or_audit_fields(admin, runtime, field, value):
    add_user(runtime, "rep")
    refused = admin.post("/api/v1/customers", json={"name": "Acme", field: value})
    assert refused.status_code == 422
    assert refused.json()["field"] == field
    assert admin.get("/api/v1/customers").json()["total"] == 0


@pytest.mark.parametrize(("field", "value"), FORBIDDEN_CUSTOMER_FIELDS)
def test_a_customer_update_cannot_set_owner_or_audit_fields(admin, runtime, field, value):
    boss_id = admin.get("/api/v1/me").json()["user"]["id"]
    add_user(runtime, "rep")
    customer_id = customer_of(runtime, boss_id)
    before = admin.get(f"/api/v1/customers/{customer_id}").json()
    refused = admin.patch(
        f"/api/v1/customers/{customer_id}", json={"version": 1, "name": "Renamed", field: value}
    )
    assert refused.status_code == 422 and refused.json()["field"] == field
    assert admin.get(f"/api/v1/customers/{customer_id}").json() == before


@pytest.mark.parametrize(("field", "value"), FORBIDDEN_USER_FIELDS)
def test_a_new_user_cannot_set_rights_state_or_secrets(admin, runtime, field, value):
    body = {"login": "li", "name": "Li", "role": "sales_rep", field: value}
    refused = admin.post("/api/v1/users", json=body)
    assert refused.status_code == 422 and refused.json()["field"] == field
    assert admin.get("/api/v1/users", params={"q": "li"}).json()["total"] == 0


@pytest.mark.parametrize(("field", "value"), [*FORBIDDEN_USER_FIELDS, ("login", "root")])
def test_a_user_update_cannot_set_rights_state_or_secrets(admin, runtime, field, value):
    user_id = add_user(runtime, "li")
    with runtime.ctx() as ctx:
        before = ctx.session.get(User, user_id).password_hash
    refused = admin.patch(f"/api/v1/users/{user_id}", json={"name": "Changed", field: value})
    assert refused.status_code == 422 and refused.json()["field"] == field
    user = admin.get(f"/api/v1/users/{user_id}").json()
    assert (user["name"], user["login"], user["active"], user["role"]) == (
        "Li",
        "li",
        True,
        "sales_rep",
    )
    with runtime.ctx() as ctx:
        row = ctx.session.get(User, user_id)
        assert (row.password_hash, row.is_admin, row.totp_secret) == (before, False, None)


def test_a_token_cannot_be_created_for_another_user(admin, runtime):
    rep_id = add_user(runtime, "rep")
    refused = admin.post("/api/v1/tokens", json={"name": "sneaky", "user_id": rep_id})
    assert refused.status_code == 422 and refused.json()["field"] == "user_id"
    assert [t["name"] for t in admin.get("/api/v1/tokens").json()["items"]] == ["test"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/departments", {"name": "Sales", "path": "/1/"}, "path"),
        ("/api/v1/branches", {"name": "Shanghai", "id": 9}, "id"),
        ("/api/v1/roles/1", {"key": "root"}, "key"),
        ("/api/v1/users/1/hand-over", {"to_user_id": None, "from_user_id": 2}, "from_user_id"),
    ],
)
def test_organisation_and_role_bodies_refuse_unknown_fields(admin, path, body, field):
    method = "PATCH" if path.startswith("/api/v1/roles") else "POST"
    refused = admin.request(method, path, json=body)
    assert refused.status_code == 422 and refused.json()["field"] == field

"""API tokens: shown once, never listed, revocable, expiring, and never more than their user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from kht.auth.models import ApiToken
from kht.auth.service import find_user
from kht.auth.tokens import create_token
from kht.testing import add_user, bearer
from tests.api.conftest import customer_of


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_created_through_the_api_works_and_is_never_listed(admin):
    created = admin.post("/api/v1/tokens", json={"name": "erp sync"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("kht_") and created.json()["info"]["name"] == "erp sync"
    me = admin.get("/api/v1/me", headers=auth(token))
    assert me.status_code == 200 and me.json()["user"]["login"] == "boss"
    listed = admin.get("/api/v1/tokens", headers=auth(token))
    assert listed.status_code == 200
    assert {t["name"] for t in listed.json()["items"]} == {"test", "erp sync"}
    assert token not in listed.text
    assert all("token" not in item and "token_hash" not in item for item in listed.json()["items"])


def test_a_revoked_token_gets_401(admin):
    created = admin.post("/api/v1/tokens", json={"name": "old"}).json()
    token, token_id = created["token"], created["info"]["id"]
    assert admin.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    refused = admin.get("/api/v1/me", headers=auth(token))
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    listed = {t["id"]: t for t in admin.get("/api/v1/tokens").json()["items"]}
    assert listed[token_id]["revoked_at"] is not None


def test_an_expired_token_gets_401(admin, runtime):
    with runtime.ctx() as ctx:
        boss = find_user(ctx.session, "boss")
        in_an_hour = ctx.now() + timedelta(hours=1)
        row, token = create_token(ctx.session, boss.id, "short", ctx.now(), in_an_hour)
        token_id = row.id
    assert admin.get("/api/v1/me", headers=auth(token)).status_code == 200
    with runtime.ctx() as ctx:  # time passes: the expiry is now behind us
        ctx.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(expires_at=ctx.now() - timedelta(seconds=1))
        )
    assert admin.get("/api/v1/me", headers=auth(token)).status_code == 401


@pytest.mark.parametrize(
    ("expires_at", "message"),
    [("2001-01-01T00:00:00+08:00", "in the future"), ("2099-01-01T00:00:00", "timezone")],
)
def test_a_token_already_expired_or_with_a_naive_expiry_is_refused(admin, expires_at, message):
    refused = admin.post("/api/v1/tokens", json={"name": "x", "expires_at": expires_at})
    assert refused.status_code == 422
    assert refused.json()["field"] == "expires_at" and message in refused.json()["message"]
    assert len(admin.get("/api/v1/tokens").json()["items"]) == 1


def test_a_token_with_an_expiry_in_the_future_is_accepted(admin):
    created = admin.post(
        "/api/v1/tokens", json={"name": "year", "expires_at": "2099-01-01T08:00:00+08:00"}
    )
    assert created.status_code == 201
    expected = datetime(2099, 1, 1, tzinfo=UTC)
    assert datetime.fromisoformat(created.json()["info"]["expires_at"]) == expected
    listed = admin.get("/api/v1/tokens").json()["items"][0]
    assert datetime.fromisoformat(listed["expires_at"]) == expected


def test_another_users_token_cannot_be_revoked_and_is_not_found(admin, runtime):
    add_user(runtime, "rep")
    rep = bearer(runtime, "rep")
    rep_token_id = admin.get("/api/v1/tokens", headers=rep).json()["items"][0]["id"]
    missing = admin.delete(f"/api/v1/tokens/{rep_token_id}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert admin.get("/api/v1/me", headers=rep).status_code == 200
    assert rep_token_id not in {t["id"] for t in admin.get("/api/v1/tokens").json()["items"]}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/users", None),
        ("POST", "/api/v1/users", {"login": "mole", "name": "Mole", "role": "administrator"}),
        ("GET", "/api/v1/users/1", None),
        ("PATCH", "/api/v1/users/2", {"role": "administrator"}),
        ("POST", "/api/v1/users/1/password-reset", None),
        ("POST", "/api/v1/users/1/deactivate", None),
        ("POST", "/api/v1/users/1/hand-over", {"to_user_id": 2}),
        ("GET", "/api/v1/users/1/owned", None),
        ("GET", "/api/v1/roles", None),
        ("PATCH", "/api/v1/roles/3", {"grants": {}}),
        ("GET", "/api/v1/departments", None),
        ("POST", "/api/v1/departments", {"name": "Mine"}),
        ("POST", "/api/v1/branches", {"name": "Mine"}),
        ("DELETE", "/api/v1/business-lines/1", None),
    ],
)
def test_a_sales_rep_token_gets_403_on_administration(admin, runtime, method, path, body):
    add_user(runtime, "rep")
    refused = admin.request(method, path, json=body, headers=bearer(runtime, "rep"))
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "forbidden"
    assert admin.get("/api/v1/users", params={"q": "mole"}).json()["total"] == 0
    rep = admin.get("/api/v1/users", params={"q": "rep"}).json()["items"][0]
    assert rep["role"] == "sales_rep" and rep["active"]


def test_a_sales_rep_token_sees_only_the_reps_own_records_and_rights(admin, runtime):
    boss_id = admin.get("/api/v1/me").json()["user"]["id"]
    rep_id = add_user(runtime, "rep")
    theirs, mine = customer_of(runtime, boss_id, "Boss Co"), customer_of(runtime, rep_id, "Rep Co")
    rep = bearer(runtime, "rep")
    assert admin.get(f"/api/v1/customers/{theirs}", headers=rep).status_code == 404
    assert admin.get(f"/api/v1/customers/{mine}", headers=rep).status_code == 200
    me = admin.get("/api/v1/me", headers=rep).json()
    assert me["is_admin"] is False and me["user"]["role"] == "sales_rep"
    assert me["grants"]["customers"] == {"ops": ["view", "create", "edit"], "scope": "own"}
    assert "users" not in me["grants"]


def test_the_token_of_a_deactivated_user_stops_working(admin, runtime):
    rep_id = add_user(runtime, "rep")
    rep = bearer(runtime, "rep")
    assert admin.post(f"/api/v1/users/{rep_id}/deactivate").status_code == 200
    assert admin.get("/api/v1/me", headers=rep).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer kht_nonsense", "Basic Ym9zczpwdw=="])
def test_no_or_a_bad_token_gets_401(admin, header):
    headers = {"Authorization": header} if header else {}
    admin.headers.pop("Authorization")
    answer = admin.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {
        "status": 401,
        "code": "not_authenticated",
        "message": "a valid bearer token is required",
        "field": None,
    }


def test_a_token_made_with_an_expiring_token_never_outlives_it(kht_app):
    from datetime import UTC, datetime, timedelta

    from litestar.testing import TestClient

    from kht.auth.service import find_user
    from kht.auth.tokens import create_token
    from kht.testing import add_user, runtime_of

    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "rep", "sales_rep")
    soon = datetime.now(UTC) + timedelta(hours=1)
    with runtime.ctx() as ctx:
        _, short = create_token(
            ctx.session, find_user(ctx.session, "rep").id, "short", ctx.now(), soon
        )
    with TestClient(app) as client:
        client.headers.update({"Authorization": f"Bearer {short}"})
        forever = client.post("/api/v1/tokens", json={"name": "forever"})
        assert forever.status_code == 201
        expiry = datetime.fromisoformat(forever.json()["info"]["expires_at"])
        assert abs((expiry - soon).total_seconds()) < 1

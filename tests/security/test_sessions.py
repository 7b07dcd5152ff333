"""Login sessions, CSRF and mass assignment (throttling: test_throttle.py)."""

from __future__ import annotations

import pyotp
import pytest
from litestar import get
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from kht.auth.models import User, UserSession
from kht.auth.passwords import _hasher
from kht.auth.principal import load_principal
from kht.auth.service import set_active
from kht.auth.sessions import SESSION_COOKIE
from kht.context import RequestCtx
from kht.customers.models import Customer
from kht.testing import TEST_PASSWORD, add_user, bearer, csrf_token, log_in, runtime_of


def test_anonymous_visitors_are_sent_to_the_login_page(app):
    with TestClient(app) as client:
        answer = client.get("/customers?page=2", follow_redirects=False)
        assert answer.status_code in (302, 303)
        assert answer.headers["location"] == "/login?next=/customers%3Fpage%3D2"
        assert client.get("/api/v1/customers").status_code == 401
        assert client.get("/healthz").status_code == 200
        assert client.get("/login").status_code == 200


def test_login_redirects_back_only_to_local_pages(app):
    with TestClient(app) as client:
        client.get("/login")
        answer = client.post(
            "/login",
            data={
                "login": "rep",
                "password": TEST_PASSWORD,
                "next": "https://evil.example/",
                "_csrf_token": csrf_token(client),
            },
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/"


def test_a_session_id_chosen_before_login_is_not_the_one_after(app):
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, "attacker-chosen-id", domain="testserver.local")
        assert client.get("/", follow_redirects=False).status_code in (302, 303)
        log_in(client, "rep")
        assert client.cookies[SESSION_COOKIE] != "attacker-chosen-id"
        assert client.get("/", follow_redirects=False).status_code == 200
    with TestClient(app) as attacker:
        attacker.cookies.set(SESSION_COOKIE, "attacker-chosen-id", domain="testserver.local")
        assert attacker.get("/", follow_redirects=False).status_code in (302, 303)


def test_logging_in_again_gives_a_new_session_id_and_logout_ends_it(app):
    with TestClient(app) as client:
        log_in(client, "rep")
        first = client.cookies[SESSION_COOKIE]
        log_in(client, "rep")
        second = client.cookies[SESSION_COOKIE]
        assert first != second
        client.post("/logout", data={"_csrf_token": csrf_token(client)})
    with TestClient(app) as replay:
        replay.cookies.set(SESSION_COOKIE, first, domain="testserver.local")
        assert replay.get("/", follow_redirects=False).status_code in (302, 303)
        replay.cookies.set(SESSION_COOKIE, second, domain="testserver.local")
        assert replay.get("/", follow_redirects=False).status_code in (302, 303)


def test_session_cookies_are_httponly_samesite_and_secure_when_configured(kht_app):
    app = kht_app(secure_cookies=True)
    add_user(runtime_of(app), "rep", "sales_rep")
    with TestClient(app, base_url="https://testserver.local") as client:
        answer = log_in(client, "rep")
        header = next(
            v
            for k, v in answer.headers.multi_items()
            if k == "set-cookie" and v.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in header and "Secure" in header and "SameSite=lax" in header


def test_deactivating_a_user_ends_all_of_their_sessions(app):
    runtime = runtime_of(app)
    with TestClient(app) as laptop, TestClient(app) as phone:
        log_in(laptop, "rep")
        log_in(phone, "rep")
        assert laptop.get("/", follow_redirects=False).status_code == 200
        with runtime.ctx() as ctx:
            boss = ctx.session.scalar(select(User).where(User.login == "boss"))
            rep = ctx.session.scalar(select(User).where(User.login == "rep"))
            ctx.user = load_principal(ctx.session, boss.id)
            set_active(ctx, rep.id, False)
        for client in (laptop, phone):
            assert client.get("/", follow_redirects=False).status_code in (302, 303)
        assert log_in(TestClient(app), "rep").status_code == 401


def test_state_changing_requests_without_the_csrf_token_are_refused(app):
    with TestClient(app) as client:
        log_in(client, "rep")
        assert client.post("/logout").status_code == 403
        assert client.post("/language", data={"language": "en"}).status_code == 403
        assert client.get("/", follow_redirects=False).status_code == 200  # still logged in


def test_another_sessions_csrf_token_is_refused(app):
    with TestClient(app) as victim, TestClient(app) as attacker:
        log_in(victim, "rep")
        foreign = csrf_token(attacker)
        answer = victim.post("/language", data={"language": "en", "_csrf_token": foreign})
        assert answer.status_code == 403


def test_the_login_form_itself_needs_the_csrf_token(app):
    with TestClient(app) as client:
        client.get("/login")
        answer = client.post("/login", data={"login": "rep", "password": TEST_PASSWORD})
        assert answer.status_code == 403


def test_no_get_request_can_change_data(kht_app):
    """GET runs in a transaction that is always rolled back, whatever its handler does."""
    app = kht_app(fresh=True)
    add_user(runtime_of(app), "boss", "administrator")

    @get("/api/v1/sneaky-write", sync_to_thread=True)
    def sneaky(ctx: RequestCtx) -> dict:
        ctx.session.add(Customer(name="written by GET", ext={}))
        ctx.session.flush()
        return {"ok": True}

    app.register(sneaky)
    runtime = runtime_of(app)
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "boss"))
        assert client.get("/api/v1/sneaky-write").status_code == 200
    with runtime.ctx() as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_an_unknown_login_and_a_wrong_password_look_the_same(app):
    with TestClient(app) as client:
        unknown = log_in(client, "nobody", "whatever-password")
        wrong = log_in(client, "rep", "whatever-password")
    assert unknown.status_code == wrong.status_code == 401
    assert "wrong login or password" in unknown.text or "登录名或密码错误" in unknown.text
    assert unknown.text.replace('value="nobody"', "") == wrong.text.replace('value="rep"', "")


def test_two_factor_login_needs_the_code_and_rotates_the_session(app):
    runtime = runtime_of(app)
    secret = pyotp.random_base32()
    with runtime.ctx() as ctx:
        ctx.session.execute(
            update(User).where(User.login == "rep").values(totp_secret=secret, totp_enabled=True)
        )
    with TestClient(app) as client:
        answer = log_in(client, "rep")
        assert answer.headers["location"] == "/login/totp"
        pending = client.cookies[SESSION_COOKIE]
        assert client.get("/customers", follow_redirects=False).headers["location"] == "/login/totp"
        token = csrf_token(client)
        wrong = client.post("/login/totp", data={"code": "000000", "_csrf_token": token})
        assert wrong.status_code == 401
        right = client.post(
            "/login/totp",
            data={"code": pyotp.TOTP(secret).now(), "_csrf_token": token},
            follow_redirects=False,
        )
        assert right.status_code in (302, 303)
        assert client.cookies[SESSION_COOKIE] != pending
        assert client.get("/customers", follow_redirects=False).status_code == 200


def test_a_role_that_requires_2fa_sends_its_users_to_set_it_up(app):
    from kht.auth.models import Role

    runtime = runtime_of(app)
    with runtime.ctx() as ctx:
        ctx.session.execute(update(Role).where(Role.key == "sales_rep").values(require_2fa=True))
    with TestClient(app) as client:
        assert log_in(client, "rep").headers["location"] == "/account/2fa/setup"
        page = client.get("/customers", follow_redirects=False)
        assert page.headers["location"] == "/account/2fa/setup"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "owner_id": 1},
        {"name": "x", "version": 7},
        {"name": "x", "deleted_at": None},
        {"name": "x", "created_by_id": 1},
        {"name": "x", "id": 5},
    ],
)
def test_mass_assignment_on_create_is_refused_and_changes_nothing(app, body):
    runtime = runtime_of(app)
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "rep"))
        answer = client.post("/api/v1/customers", json=body)
        assert answer.status_code == 422
        assert answer.json()["field"] == next(k for k in body if k != "name")
        assert client.get("/api/v1/customers").json()["total"] == 0


def test_mass_assignment_on_update_is_refused_and_changes_nothing(app):
    runtime = runtime_of(app)
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "rep"))
        created = client.post("/api/v1/customers", json={"name": "mine"}).json()
        url = f"/api/v1/customers/{created['id']}"
        for extra in ({"owner_id": None}, {"deleted_at": "2020-01-01T00:00:00Z"}):
            answer = client.patch(url, json={"version": 1, "name": "other", **extra})
            assert answer.status_code == 422
        after = client.get(url).json()
        assert after["name"] == "mine" and after["version"] == 1


def test_production_password_hashing_uses_argon2_default_cost():
    strong = _hasher(False)
    assert strong.time_cost >= 2 and strong.memory_cost >= 19 * 1024


def test_an_expired_session_is_sent_to_the_login_page(app):
    with TestClient(app) as client:
        log_in(client, "rep")
        assert client.get("/customers", follow_redirects=False).status_code == 200
        with runtime_of(app).ctx() as ctx:
            ctx.session.execute(update(UserSession).values(expires_at=ctx.now()))
        answer = client.get("/customers", follow_redirects=False)
        assert answer.status_code in (302, 303)
        assert answer.headers["location"].startswith("/login")


def test_the_principal_carries_role_department_and_every_business_line(kht_app):
    runtime = runtime_of(kht_app())
    add_user(runtime, "multi", "sales_rep", department="Sales/East", business_lines=("A", "B"))
    with runtime.ctx() as ctx:
        user = ctx.session.scalar(select(User).where(User.login == "multi"))
        principal = load_principal(ctx.session, user.id)
        assert principal.role_key == "sales_rep"
        assert principal.department_id == user.department_id
        assert principal.department_path and principal.department_path.count("/") >= 2
        assert len(principal.business_line_ids) == 2
        assert principal.can("customers", "view")
        user.active = False
        ctx.session.flush()
        assert load_principal(ctx.session, user.id) is None

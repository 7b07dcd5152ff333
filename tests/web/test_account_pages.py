"""My account pages: language, password, two-factor login and API tokens, as a rep sees them."""

from __future__ import annotations

import re

import pyotp
import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.auth.schemas import RoleUpdate
from kht.auth.service import all_modules, find_user, role_by_key, update_role
from kht.auth.sessions import SESSION_COOKIE
from kht.testing import TEST_PASSWORD, add_user, csrf_token, log_in, runtime_of

NEW_PASSWORD = "a-brand-new-secret"


def post(client, url, data=None):
    """A form POST carrying the CSRF token, without following the redirect."""
    return client.post(
        url, data={**(data or {}), "_csrf_token": csrf_token(client)}, follow_redirects=False
    )


@pytest.fixture
def app(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    add_user(runtime, "rep", "sales_rep", department="Sales")
    return app


@pytest.fixture
def rep(app):
    with TestClient(app) as client:
        log_in(client, "rep")
        yield client


@pytest.fixture
def second_client(app):
    """Log another browser in: returns the client and the login answer.

    Extra browsers are not entered as context managers: a second lifespan of the same app
    running at once can hang litestar's test client on shutdown.
    """

    def open_client(login="rep", password=TEST_PASSWORD):
        client = TestClient(app)
        return client, log_in(client, login, password)

    return open_client


def stored_user(app, login):
    with runtime_of(app).ctx() as ctx:
        return find_user(ctx.session, login)


def test_the_account_page_shows_my_profile(rep):
    page = rep.get("/account")
    assert page.status_code == 200
    assert 'id="profile-login">rep<' in page.text
    assert "销售代表" in page.text  # the role, in the user's language
    assert 'id="profile-department">Sales<' in page.text


def test_changing_my_language_persists_and_switches_the_ui(app, rep, second_client):
    answer = post(rep, "/account/language", {"language": "en"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account?done=language"
    page = rep.get(answer.headers["location"])
    assert "My account" in page.text and "Your language has been saved." in page.text
    assert stored_user(app, "rep").language == "en"
    other, _ = second_client()  # a fresh browser without a language cookie
    assert "Home" in other.get("/").text


def test_an_unknown_language_is_refused_and_nothing_changes(app, rep):
    answer = post(rep, "/account/language", {"language": "xx"})
    assert answer.status_code == 422
    assert 'id="language-error"' in answer.text
    assert stored_user(app, "rep").language == "zh_CN"


def test_changing_my_password_keeps_this_browser_logged_in_under_a_new_session(
    app, rep, second_client
):
    other, _ = second_client()
    old_cookie = rep.cookies[SESSION_COOKIE]
    answer = post(
        rep,
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 303
    assert rep.cookies[SESSION_COOKIE] != old_cookie
    assert rep.get("/account", follow_redirects=False).status_code == 200
    assert other.get("/account", follow_redirects=False).headers["location"].startswith("/login")
    assert second_client(password=TEST_PASSWORD)[1].status_code == 401
    assert second_client(password=NEW_PASSWORD)[1].headers["location"] == "/"


def test_a_wrong_current_password_shows_the_error_and_changes_nothing(app, rep, second_client):
    other, _ = second_client()
    cookie = rep.cookies[SESSION_COOKIE]
    answer = post(
        rep,
        "/account/password",
        {
            "current_password": "guess-guess",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 422
    assert "当前密码错误" in answer.text  # the service's message, translated
    assert rep.cookies[SESSION_COOKIE] == cookie
    assert other.get("/account", follow_redirects=False).status_code == 200
    assert second_client(password=TEST_PASSWORD)[1].headers["location"] == "/"


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("abcdefghij", "abcdefghik", "两次输入的新密码不一致"),
        ("short", "short", "至少需要 8 个字符"),
    ],
)
def test_a_mismatched_or_short_new_password_is_refused(
    app, rep, new, confirm, message, second_client
):
    answer = post(
        rep,
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": new, "confirm_password": confirm},
    )
    assert answer.status_code == 422
    assert message in answer.text
    assert second_client(password=TEST_PASSWORD)[1].headers["location"] == "/"


def test_a_post_without_the_csrf_token_is_refused(app, rep, second_client):
    answer = rep.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 403
    assert second_client(password=TEST_PASSWORD)[1].headers["location"] == "/"


def test_a_new_token_is_shown_once_works_on_the_api_and_stops_when_revoked(app, rep):
    page = post(rep, "/account/tokens", {"name": "my script"})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    token = re.search(r'id="new-token-value">(kht_[^<]+)<', page.text).group(1)
    token_id = re.search(r'data-token="(\d+)"', page.text).group(1)
    assert token not in rep.get("/account").text  # never shown again
    api = {"Authorization": f"Bearer {token}"}
    outsider = TestClient(app)  # no cookies: only the token speaks
    assert outsider.get("/api/v1/customers", headers=api).status_code == 200
    answer = post(rep, f"/account/tokens/{token_id}/revoke")
    assert answer.status_code == 303
    assert "已吊销" in rep.get("/account").text
    assert outsider.get("/api/v1/customers", headers=api).status_code == 401


def test_a_token_needs_a_name(rep):
    answer = post(rep, "/account/tokens", {"name": "  "})
    assert answer.status_code == 422
    assert 'id="tokens-error"' in answer.text and "kht_" not in answer.text


def test_revoking_someone_elses_token_is_not_found(rep, second_client):
    boss, _ = second_client("boss")
    page = post(boss, "/account/tokens", {"name": "boss script"})
    boss_token = re.search(r'data-token="(\d+)"', page.text).group(1)
    assert post(rep, f"/account/tokens/{boss_token}/revoke").status_code == 404


def start_totp(client) -> str:
    """Start the setup and return the secret the page shows."""
    assert post(client, "/account/2fa/setup", {"action": "start"}).status_code == 303
    page = client.get("/account/2fa/setup")
    assert "otpauth://totp/" in page.text
    return re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)


def test_setting_up_two_factor_login_makes_the_next_login_ask_for_a_code(app, rep, second_client):
    assert 'id="totp-start-form"' in rep.get("/account/2fa/setup").text
    secret = start_totp(rep)
    answer = post(rep, "/account/2fa/setup", {"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account?done=totp_on"
    assert stored_user(app, "rep").totp_enabled
    other, login = second_client()
    assert login.headers["location"] == "/login/totp"
    assert other.get("/account", follow_redirects=False).headers["location"] == "/login/totp"


def test_a_wrong_setup_code_is_refused_and_two_factor_stays_off(app, rep):
    start_totp(rep)
    answer = post(rep, "/account/2fa/setup", {"code": "000000"})
    assert answer.status_code == 422
    assert "验证码错误" in answer.text
    assert not stored_user(app, "rep").totp_enabled


def test_switching_two_factor_off_needs_a_valid_code(app, rep):
    secret = start_totp(rep)
    post(rep, "/account/2fa/setup", {"code": pyotp.TOTP(secret).now()})
    assert post(rep, "/account/2fa/disable", {"code": "000000"}).status_code == 422
    assert stored_user(app, "rep").totp_enabled
    answer = post(rep, "/account/2fa/disable", {"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 303
    assert not stored_user(app, "rep").totp_enabled


def test_a_new_secret_cannot_silently_replace_an_active_one(app, rep):
    secret = start_totp(rep)
    post(rep, "/account/2fa/setup", {"code": pyotp.TOTP(secret).now()})
    assert post(rep, "/account/2fa/setup", {"action": "start"}).status_code == 409
    assert stored_user(app, "rep").totp_enabled


def require_2fa_for(app, role_key):
    runtime = runtime_of(app)
    with runtime.ctx() as ctx:
        boss = load_principal(ctx.session, find_user(ctx.session, "boss").id)
    with runtime.ctx(user=boss) as ctx:
        role = role_by_key(ctx.session, role_key)
        update_role(ctx, role.id, RoleUpdate(require_2fa=True), all_modules(ctx))


def test_a_role_requiring_two_factor_login_forces_setup_then_gives_a_fresh_full_session(
    app, second_client
):
    require_2fa_for(app, "sales_rep")
    client, login = second_client()
    assert login.headers["location"] == "/account/2fa/setup"
    assert client.get("/customers", follow_redirects=False).headers["location"] == (
        "/account/2fa/setup"
    )
    pending_cookie = client.cookies[SESSION_COOKIE]
    secret = start_totp(client)
    answer = post(client, "/account/2fa/setup", {"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert client.cookies[SESSION_COOKIE] != pending_cookie
    assert client.get("/customers", follow_redirects=False).status_code == 200
    stale = TestClient(app, cookies={SESSION_COOKIE: pending_cookie})  # the old id is dead
    assert stale.get("/customers", follow_redirects=False).headers["location"].startswith("/login")

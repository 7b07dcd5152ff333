"""My account: profile, language, password, two-factor login and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth import service, tokens
from kht.auth.models import Role, User
from kht.auth.sessions import SESSION_COOKIE, end_session, start_session
from kht.auth.views import client_ip, keep_logged_in, session_cookie
from kht.context import RequestCtx
from kht.errors import Conflict, KhtError, ValidationError
from kht.org.models import Department
from kht.web.i18n import LANGUAGE_COOKIE, N_
from kht.web.pages import render

# Messages shown after a successful POST redirected back here (`?done=<key>`).
NOTICES = {
    "language": N_("Your language has been saved."),
    "password": N_("Your password has been changed; your other sessions have ended."),
    "totp_on": N_("Two-factor login is now on."),
    "totp_off": N_("Two-factor login is now off."),
    "revoked": N_("The token has been revoked."),
}
# Service messages this page can show, so the catalog translates them.
MESSAGES = (
    N_("the current password is wrong"),
    N_("password must have at least 8 characters"),
    N_("wrong code: check the time on your phone and try again"),
    N_("wrong code"),
    N_("your role requires two-factor login"),
    N_("name must be 1 to 100 characters"),
)
TOKEN_LIFETIMES = {"": None, "30": 30, "90": 90, "365": 365}
TOTP_SETUP = "/account/2fa/setup"


def field(data: dict[str, Any], key: str, *, strip: bool = True) -> str:
    """One text value of a form (the last one if the field was sent twice)."""
    value = data.get(key, "")
    text = str(value[-1] if isinstance(value, list) else value)
    return text.strip() if strip else text


def no_store(response: Template) -> Template:
    """Keep a page showing a secret out of every cache (and the browser's history cache)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _me(ctx: RequestCtx) -> User:
    user = ctx.session.get(User, ctx.user.id)
    assert user is not None  # the middleware let an active user through
    return user


def _account_page(
    request: Request, ctx: RequestCtx, status_code: int = 200, **values: Any
) -> Template:
    me = _me(ctx)
    role = ctx.session.get(Role, me.role_id) if me.role_id else None
    department = ctx.session.get(Department, me.department_id) if me.department_id else None
    values.setdefault("errors", {})
    values.setdefault("form", {})
    return render(
        request,
        ctx,
        "account/index.html",
        status_code=status_code,
        me=me,
        role=role,
        department=department,
        tokens=tokens.list_tokens(ctx.session, me.id),
        notice=NOTICES.get(request.query_params.get("done", "")),
        languages=service.LANGUAGES,
        lifetimes=TOKEN_LIFETIMES,
        tz=ctx.zone,
        now=ctx.now(),
        **values,
    )


def _refused(
    request: Request, ctx: RequestCtx, section: str, exc: KhtError, **values: Any
) -> Template:
    """Undo the attempt and show the account page with the message next to `section`."""
    ctx.session.rollback()
    return _account_page(request, ctx, exc.status, errors={section: exc.message}, **values)


def _done(notice: str, cookies: list[Cookie] | None = None) -> Redirect:
    return Redirect(f"/account?done={notice}", status_code=303, cookies=cookies or [])


@get("/account", sync_to_thread=True, include_in_schema=False)
def account_page(request: Request, ctx: RequestCtx) -> Template:
    return _account_page(request, ctx)


@post("/account/language", sync_to_thread=True, include_in_schema=False)
def change_language(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    language = field(data, "language")
    try:
        service.set_own_language(ctx, language)
    except ValidationError as exc:
        return _refused(request, ctx, "language", exc)
    cookie = Cookie(
        key=LANGUAGE_COOKIE,
        value=language,
        max_age=365 * 86400,
        path="/",
        secure=ctx.settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return _done("language", [cookie])


@post("/account/password", sync_to_thread=True, include_in_schema=False)
def change_password(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Every session of the user ends; this browser continues under a brand-new session id."""
    new = field(data, "new_password", strip=False)
    try:
        if new != field(data, "confirm_password", strip=False):
            raise ValidationError(N_("the new passwords do not match"), "confirm_password")
        service.change_own_password(ctx, field(data, "current_password", strip=False), new)
    except ValidationError as exc:
        return _refused(request, ctx, "password", exc)
    return _done("password", keep_logged_in(request, ctx))


def _otpauth_uri(user: User) -> str:
    assert user.totp_secret is not None
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.login, issuer_name="kht")


def _totp_page(
    request: Request, ctx: RequestCtx, status_code: int = 200, error: str | None = None
) -> Template:
    me = _me(ctx)
    pending = bool(me.totp_secret) and not me.totp_enabled
    return no_store(
        render(
            request,
            ctx,
            "account/totp_setup.html",
            status_code=status_code,
            enabled=me.totp_enabled,
            secret=me.totp_secret if pending else None,
            uri=_otpauth_uri(me) if pending else None,
            required=ctx.user.stage == "setup_totp",
            error=error,
        )
    )


@get(TOTP_SETUP, sync_to_thread=True, include_in_schema=False)
def totp_setup_page(request: Request, ctx: RequestCtx) -> Template:
    """The pending secret (made by POST, since a GET never writes) and the form to confirm it."""
    return _totp_page(request, ctx)


@post(TOTP_SETUP, sync_to_thread=True, include_in_schema=False)
def totp_setup(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """`action=start` makes a new secret; otherwise the code confirms the pending one."""
    if field(data, "action") == "start":
        if _me(ctx).totp_enabled:
            # A new secret would switch 2FA off without a code: disabling has its own form.
            raise Conflict(N_("two-factor login is already on"), "action")
        service.start_totp_setup(ctx)
        return Redirect(TOTP_SETUP, status_code=303)
    try:
        service.confirm_totp(ctx, field(data, "code"))
    except ValidationError as exc:
        ctx.session.rollback()
        return _totp_page(request, ctx, exc.status, exc.message)
    if ctx.user.stage != "setup_totp":
        return _done("totp_on")
    # The half-logged-in session that had to set 2FA up becomes a full one under a new id.
    end_session(ctx.session, request.cookies.get(SESSION_COOKIE))
    token = start_session(ctx.session, ctx.user.id, ctx.now(), stage="full", ip=client_ip(request))
    return Redirect("/", status_code=303, cookies=[session_cookie(ctx, token)])


@post("/account/2fa/disable", sync_to_thread=True, include_in_schema=False)
def totp_disable(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    try:
        service.disable_totp(ctx, field(data, "code"))
    except (ValidationError, Conflict) as exc:
        return _refused(request, ctx, "totp", exc)
    return _done("totp_off")


@post("/account/tokens", sync_to_thread=True, include_in_schema=False)
def create_api_token(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template:
    """The new token is on this response only: it is stored hashed and never shown again."""
    name = field(data, "name")
    days = TOKEN_LIFETIMES.get(field(data, "expires_in_days"))
    expires_at = ctx.now() + timedelta(days=days) if days else None
    try:
        _, token = tokens.create_token(ctx.session, ctx.user.id, name, ctx.now(), expires_at)
    except ValidationError as exc:
        return _refused(request, ctx, "tokens", exc, form={"token_name": name})
    return no_store(_account_page(request, ctx, new_token=token))


@post("/account/tokens/{token_id:int}/revoke", sync_to_thread=True, include_in_schema=False)
def revoke_api_token(ctx: RequestCtx, token_id: FromPath[int]) -> Redirect:
    tokens.revoke_token(ctx.session, ctx.user.id, token_id, ctx.now())
    return _done("revoked")


ROUTES = [
    account_page,
    change_language,
    change_password,
    totp_setup_page,
    totp_setup,
    totp_disable,
    create_api_token,
    revoke_api_token,
]

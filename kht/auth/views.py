"""Login, second factor and logout pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.login import authenticate, complete_second_factor
from kht.auth.models import User
from kht.auth.sessions import LIFETIME, SESSION_COOKIE, end_session, session_alive, start_session
from kht.auth.throttle import TooManyAttempts
from kht.context import RequestCtx
from kht.errors import NotAuthenticated
from kht.web.pages import render


def safe_next(target: Any) -> str:
    """A local path to return to after login; anything else becomes the home page."""
    target = str(target or "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def session_cookie(ctx: RequestCtx, token: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=int(LIFETIME.total_seconds()),
        path="/",
        secure=ctx.settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def keep_logged_in(request: Request, ctx: RequestCtx) -> list[Cookie]:
    """The cookie that keeps this browser logged in when a change ended the actor's own
    sessions (an administrator changing their own role or its grants).

    Like a password change: the other sessions stay ended, this browser continues under a
    new session id. Nothing when the actor's session survived or the call used a token.
    """
    user = ctx.user
    if user is None or user.auth != "session":
        return []
    if session_alive(ctx.session, request.cookies.get(SESSION_COOKIE), ctx.now()):
        return []
    token = start_session(
        ctx.session,
        user.id,
        ctx.now(),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    return [session_cookie(ctx, token)]


def clear_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@get("/login", sync_to_thread=True, include_in_schema=False)
def login_page(request: Request, ctx: RequestCtx, next: FromQuery[str] = "/") -> Template:  # noqa: A002
    return render(request, ctx, "auth/login.html", next=safe_next(next), error=None, login="")


@post("/login", sync_to_thread=True, include_in_schema=False)
def login(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Password login. Failures re-render the form and still commit the recorded attempt."""
    login_name = str(data.get("login", ""))[:80]
    target = safe_next(data.get("next"))
    try:
        result = authenticate(
            ctx.session,
            login_name,
            str(data.get("password", "")),
            client_ip(request),
            ctx.now(),
            user_agent=request.headers.get("user-agent", ""),
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        return render(
            request,
            ctx,
            "auth/login.html",
            status_code=status,
            next=target,
            error=exc.message,
            login=login_name,
        )
    end_session(ctx.session, request.cookies.get(SESSION_COOKIE))  # never keep an old id
    landing = {"totp": "/login/totp", "setup_totp": "/account/2fa/setup"}.get(result.stage, target)
    return Redirect(landing, cookies=[session_cookie(ctx, result.token)])


@get("/login/totp", sync_to_thread=True, include_in_schema=False)
def totp_page(request: Request, ctx: RequestCtx) -> Template:
    return render(request, ctx, "auth/totp.html", error=None)


@post("/login/totp", sync_to_thread=True, include_in_schema=False)
def totp(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Second factor: a right code swaps the pending session for a full one under a new id."""
    user = ctx.session.get(User, ctx.user.id)
    try:
        token = complete_second_factor(
            ctx.session,
            request.cookies.get(SESSION_COOKIE, ""),
            user,
            str(data.get("code", "")),
            ctx.now(),
            ip=client_ip(request),
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        return render(request, ctx, "auth/totp.html", status_code=status, error=exc.message)
    return Redirect("/", cookies=[session_cookie(ctx, token)])


@post("/logout", sync_to_thread=True, include_in_schema=False)
def logout(request: Request, ctx: RequestCtx) -> Redirect:
    end_session(ctx.session, request.cookies.get(SESSION_COOKIE))
    return Redirect("/login", cookies=[clear_session_cookie()])


ROUTES = [login_page, login, totp_page, totp, logout]

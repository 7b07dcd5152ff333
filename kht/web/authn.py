"""Authentication middleware: who is asking, and turning anonymous visitors away.

API requests authenticate with `Authorization: Bearer <token>` only (no cookies, so no
CSRF exposure); UI requests with the server-side session cookie. Both resolve to a
`Principal` in `scope["user"]`. Everything needs authentication except the login pages,
`/healthz`, static files, the OpenAPI document, the language switch, public web forms
(`/forms/`, protected by signed tokens instead) and the public knowledge base (`/kb`, which
shows published public articles only).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.response import Redirect, Response
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.orm import Session

from kht.auth.principal import principal_from_bearer, principal_from_session
from kht.auth.sessions import SESSION_COOKIE
from kht.db.base import utcnow
from kht.db.engine import open_session
from kht.web.deps import SAFE_METHODS, SESSION_KEY

# /api/v1/sms/callbacks/<token>/...: the carrier calls them; the token authenticates.
# /m/...: mass mail's pixel, tracked links and unsubscribe; their signed token authenticates.
PUBLIC_PREFIXES = (
    "/static/",
    "/api/schema",
    "/forms/",
    "/api/v1/sms/callbacks/",
    "/kb/",
    "/m/",
)
PUBLIC_PATHS = frozenset({"/login", "/healthz", "/language", "/favicon.ico", "/kb"})
# Pages a half-logged-in session (second factor pending or to be set up) may reach.
STAGE_PATHS = {
    "totp": frozenset({"/login/totp", "/logout"}),
    "setup_totp": frozenset({"/account/2fa/setup", "/logout"}),
}


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def resolve(factory: Any, scope: Scope) -> Any:
    """Open the request's session (kept in the scope) and find its Principal, or None.

    The session is handed on to `ctx` (kht.web.deps), so one request costs one session and
    one transaction, not two. Runs in a worker thread: it queries.
    """
    session = open_session(factory, readonly=scope.get("method") in SAFE_METHODS)
    scope[SESSION_KEY] = session  # type: ignore[literal-required]
    return _resolve(session, scope)


def _resolve(session: Session, scope: Scope) -> Any:
    now = utcnow()
    if scope["path"].startswith("/api/"):
        return principal_from_bearer(session, _header(scope, b"authorization"), now)
    return principal_from_session(session, _cookie(scope, SESSION_COOKIE), now)


def _refusal(scope: Scope, principal: Any) -> Response[Any] | None:
    path = scope["path"]
    if is_public(path):
        return None
    if path.startswith("/api/"):
        if principal is None:
            body = {
                "status": 401,
                "code": "not_authenticated",
                "message": "a valid bearer token is required",
                "field": None,
            }
            return Response(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return None
    if principal is None:
        target = path + (f"?{scope['query_string'].decode()}" if scope["query_string"] else "")
        stale = _cookie(scope, SESSION_COOKIE) is not None
        cookies = [Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")] if stale else []
        return Redirect(f"/login?next={quote(target)}", cookies=cookies)
    allowed = STAGE_PATHS.get(principal.stage)
    if allowed is not None and path not in allowed:
        return Redirect(sorted(allowed)[0] if principal.stage == "setup_totp" else "/login/totp")
    return None


def needs_session(path: str) -> bool:
    """Static files need no database; /healthz checks it with a connection of its own, so it
    answers even while every request slot is taken."""
    return not (path.startswith("/static/") or path == "/healthz")


class AuthenticationMiddleware(ASGIMiddleware):
    """Sets `scope["user"]`; answers 401 (API) or redirects to /login (UI) when missing.

    Every request with a session holds one of the app's request slots (kht.web.capacity)
    from before its session is opened until after it is closed.
    """

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if not needs_session(scope["path"]):
            scope["user"] = None
            await next_app(scope, receive, send)
            return
        state = scope["litestar_app"].state
        async with state.capacity.slot():
            await self._handle(state, scope, receive, send, next_app)

    async def _handle(
        self, state: Any, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp
    ) -> None:
        try:
            principal = await state.capacity.run(resolve, state.session_factory, scope)
            scope["user"] = principal
            refusal = _refusal(scope, principal)
            if refusal is not None:
                request: Request[Any, Any, Any] = Request(scope, receive)
                await refusal.to_asgi_response(app=None, request=request)(scope, receive, send)
                return
            await next_app(scope, receive, send)
        finally:
            # Normally `ctx` closed it; a handler without `ctx` (or a refusal) leaves it open.
            session = scope.pop(SESSION_KEY, None)  # type: ignore[misc]
            if session is not None:
                await state.capacity.run(session.close)

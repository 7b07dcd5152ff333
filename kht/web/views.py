"""UI shell pages: home (the dashboard and "my day"), language switch, health check."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import text

from kht.auth.service import set_own_language
from kht.context import RequestCtx
from kht.db.engine import read_only
from kht.errors import ValidationError
from kht.web.i18n import LANGUAGE_COOKIE, normalise
from kht.web.myday import my_day
from kht.web.pages import render


@get("/", sync_to_thread=True, include_in_schema=False)
def home(request: Request, ctx: RequestCtx) -> Template:
    """The user's dashboard (kht.dashboards), then "my day": overdue and today's actions,
    deals closing this month, recent customers."""
    from kht.actions.service import record_url
    from kht.dashboards.views import home_context
    from kht.delivery.service import FREQUENCY_LABELS, subscriptions

    plugins = [ctx.plugins.info(name) for name in ctx.plugins.enabled]
    board = home_context(ctx) if ctx.user is not None else {}
    mails = subscriptions(ctx) if ctx.user is not None else []
    return render(
        request,
        ctx,
        "home.html",
        plugins=plugins,
        day=my_day(ctx),
        record_url=record_url,
        board=board,
        subscriptions=mails,
        frequency_labels=FREQUENCY_LABELS,
    )


@post("/language", sync_to_thread=True, include_in_schema=False)
def set_language(
    request: Request,
    ctx: RequestCtx,
    data: URLEncodedBody[dict[str, Any]],
) -> Redirect:
    language = normalise(data.get("language"))
    if language is None:
        raise ValidationError("language must be zh_CN or en", "language")
    if ctx.user is not None:
        set_own_language(ctx, language)
    target = str(data.get("next") or "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"  # never redirect off-site
    secure = ctx.settings.secure_cookies
    cookie = Cookie(
        key=LANGUAGE_COOKIE,
        value=language,
        max_age=365 * 86400,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    return Redirect(path=target, cookies=[cookie])


@get("/healthz", sync_to_thread=True, include_in_schema=False)
def healthz(state: State) -> Response[dict[str, str]]:
    """200 when the database answers, 503 otherwise (read-only: never queued behind writers)."""
    try:
        with read_only(state.engine).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # the point of the check is to report any failure
        return Response({"status": "error", "database": type(exc).__name__}, status_code=503)
    return Response({"status": "ok", "database": "ok"})


ROUTES = [home, set_language, healthz]

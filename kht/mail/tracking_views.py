"""The public ends of mass mail's links (no login; the signed token authenticates):
/m/o/<token>.gif (open pixel), /m/c/<token>?u=&s= (tracked link), /m/u/<token>
(unsubscribe: a page with a button, and RFC 8058 one-click POST). A token or link kht did
not sign is a 404; a tracked link only redirects to the URL it was signed for. A tracked
personal mail's pixel and links use the same two paths with a `p` token (no unsubscribe:
it is one person writing to another)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from kht.context import Ctx, RequestCtx
from kht.mail import mass_status
from kht.mail.tracking import PERSONAL, recipient_of, target_of
from kht.web.pages import render

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
NO_CACHE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _record(
    request: Request, ctx: Ctx, change: Callable[[Ctx, int], Any], recipient_id: int
) -> None:
    """Record an open or click in a transaction of its own: a GET's session only reads."""
    with request.app.state.session_factory() as session, session.begin():
        change(replace(ctx, session=session), recipient_id)


def _recipient(ctx: RequestCtx, token: str) -> int:
    recipient_id = recipient_of(ctx.settings, token)
    if recipient_id is None:
        raise NotFoundException()
    return recipient_id


def _tracked(ctx: RequestCtx, token: str) -> tuple[Callable[..., Any], int, str]:
    """What a token stands for: (the status module, its id, the token's prefix); a personal
    mail's token (`p…`) is tried first, then a mass recipient's."""
    from kht.mail import personal_tracking

    mail_id = recipient_of(ctx.settings, token, PERSONAL)
    if mail_id is not None:
        return personal_tracking, mail_id, PERSONAL
    return mass_status, _recipient(ctx, token), ""


@get("/m/o/{token:str}", sync_to_thread=True, include_in_schema=False)
def open_pixel(request: Request, ctx: RequestCtx, token: FromPath[str]) -> Response[bytes]:
    """A 1x1 GIF; the first load stamps the recipient's open."""
    status, number, _ = _tracked(ctx, token.removesuffix(".gif"))
    _record(request, ctx, status.opened, number)
    return Response(PIXEL, media_type="image/gif", headers=NO_CACHE)


@get("/m/c/{token:str}", sync_to_thread=True, include_in_schema=False)
def click(
    request: Request,
    ctx: RequestCtx,
    token: FromPath[str],
    u: FromQuery[str] = "",
    s: FromQuery[str] = "",
) -> Redirect:
    """Stamp the click and go to the link's target, if kht signed it for this recipient."""
    status, number, prefix = _tracked(ctx, token)
    target = target_of(ctx.settings, number, u, s, prefix)
    if target is None:
        raise NotFoundException()
    _record(request, ctx, status.clicked, number)
    return Redirect(target, status_code=302, headers=NO_CACHE)


@get("/m/u/{token:str}", sync_to_thread=True, include_in_schema=False)
def unsubscribe_page(request: Request, ctx: RequestCtx, token: FromPath[str]) -> Template:
    """Asks before unsubscribing (link checkers and previews follow GET links)."""
    _recipient(ctx, token)
    return render(request, ctx, "mail/unsubscribe.html", token=token, done=False)


@post("/m/u/{token:str}", sync_to_thread=True, include_in_schema=False, status_code=200)
def unsubscribe(request: Request, ctx: RequestCtx, token: FromPath[str]) -> Template:
    """Unsubscribe: from the page's button, or a mail program's one-click POST (RFC 8058)."""
    mass_status.unsubscribed(ctx, _recipient(ctx, token))
    return render(request, ctx, "mail/unsubscribe.html", token=token, done=True)


ROUTES = [open_pixel, click, unsubscribe_page, unsubscribe]

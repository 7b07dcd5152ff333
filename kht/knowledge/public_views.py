"""The public knowledge base (`/kb`, no login): published public articles only, read-only
but for "was this helpful"."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup

from kht.context import RequestCtx
from kht.knowledge import usage
from kht.web.pages import render

Query = Annotated[str, msgspec.Meta(max_length=100)]


@get("/kb", sync_to_thread=True, include_in_schema=False)
def public_list(request: Request, ctx: RequestCtx, q: FromQuery[Query] = "") -> Template:
    """Public articles, searched like the staff's (Chinese substrings, pinyin)."""
    articles = usage.public_articles(ctx, q)
    return render(request, ctx, "knowledge/public_list.html", articles=articles, q=q)


@get("/kb/{article_id:int}", sync_to_thread=True, include_in_schema=False)
def public_article(request: Request, ctx: RequestCtx, article_id: FromPath[int]) -> Template:
    """One public article; internal, draft and archived ones are 404 here."""
    article = usage.public_article(ctx, article_id)
    voted = request.query_params.get("voted") == "1"
    # Sanitised by nh3 when it was stored (kht.knowledge.text.sanitise).
    body = Markup(article.body)  # noqa: S704
    return render(
        request, ctx, "knowledge/public_article.html", article=article, body=body, voted=voted
    )


@post("/kb/{article_id:int}/helpful", sync_to_thread=True, include_in_schema=False)
def public_helpful(
    ctx: RequestCtx, article_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """A visitor's "was this helpful" answer."""
    article = usage.public_article(ctx, article_id)
    usage.vote(ctx, article, str(data.get("helpful")) == "yes")
    return Redirect(f"/kb/{article_id}?voted=1", status_code=303)


@post("/kb/{article_id:int}/view", sync_to_thread=True, include_in_schema=False, status_code=204)
def public_viewed(ctx: RequestCtx, article_id: FromPath[int]) -> None:
    """The public page, once loaded in a browser, counts a view (a GET never writes)."""
    usage.count_view(ctx, usage.public_article(ctx, article_id).id)


ROUTES = [public_list, public_article, public_helpful, public_viewed]

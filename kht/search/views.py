"""Search UI: the results page and the navbar's as-you-type suggestions (an htmx fragment)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy import select

from kht.context import RequestCtx
from kht.search import service
from kht.search.documents import SOURCES, Source
from kht.search.schemas import SearchHit
from kht.web.pages import render

PER_GROUP = 20  # hits per kind on the page with every kind
# The mail group of the results page (mail is searched by kht.mail, not indexed here).
MAIL_SOURCE = Source(
    kind=service.MAIL,
    model=None,
    module="mail",
    url="/mail/{id}",
    label_zh="邮件",
    label_en="Mail",
    columns=lambda: select(),
)
SUGGESTIONS = 8


@dataclass(frozen=True)
class Group:
    """The hits of one kind on the results page."""

    source: Source
    hits: list[SearchHit]
    total: int


def _groups(ctx: RequestCtx, q: str, kind: str) -> list[Group]:
    limit = service.MAX_LIMIT if kind else PER_GROUP
    groups = []
    for source in service.sources(kind or None):
        if ctx.user is not None and ctx.user.can(source.module, "view"):
            hits, total = service.search(ctx, q, kind=source.kind, limit=limit)
            groups.append(Group(source=source, hits=hits, total=total))
    if kind in ("", service.MAIL):
        hits, total = service.mail_hits(ctx, q, limit)
        groups.append(Group(source=MAIL_SOURCE, hits=hits, total=total))
    return groups


@get("/search", sync_to_thread=True, include_in_schema=False)
def search_page(
    request: Request, ctx: RequestCtx, q: FromQuery[str] = "", kind: FromQuery[str] = ""
) -> Template:
    """Results grouped by kind; with `kind`, up to 100 hits of that kind alone."""
    service.sources(kind or None)  # an unknown kind is refused (422) even without a query
    groups = _groups(ctx, q, kind) if q.strip() else []
    return render(
        request,
        ctx,
        "search/results.html",
        q=q,
        kind=kind,
        groups=groups,
        found=sum(group.total for group in groups),
    )


@get("/search/suggest", sync_to_thread=True, include_in_schema=False)
def search_suggest(request: Request, ctx: RequestCtx, q: FromQuery[str] = "") -> Template:
    """The dropdown under the navbar's search box: the best few hits and a link to all."""
    hits, total = service.search(ctx, q, limit=SUGGESTIONS) if q.strip() else ([], 0)
    labels = {**SOURCES, service.MAIL: MAIL_SOURCE}
    return render(request, ctx, "search/suggest.html", q=q, hits=hits, total=total, sources=labels)


ROUTES = [search_page, search_suggest]

"""Search JSON API: a thin controller over kht.search.service."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery, Parameter

from kht.context import RequestCtx
from kht.search import service
from kht.search.schemas import SearchPage


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["search"]

    @get("/", sync_to_thread=True)
    def search(
        self,
        ctx: RequestCtx,
        q: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        limit: int = Parameter(ge=1, le=service.MAX_LIMIT, default=service.DEFAULT_LIMIT),
    ) -> SearchPage:
        """Customers, contacts and leads in scope matching `q` (Chinese substrings, words,
        pinyin, phone digits); `kind` narrows to one of them."""
        items, total = service.search(ctx, q, kind=kind or None, limit=limit)
        return SearchPage(items=items, total=total)

"""Knowledge pages: the shared record pages (kht.recordpages) with the article's body,
versions, diffs and "was this helpful"; the public view is in kht.knowledge.public_views."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup

from kht.context import Ctx, RequestCtx
from kht.knowledge import service, usage, versions
from kht.knowledge.public_views import ROUTES as PUBLIC
from kht.plugin_types import RecordAction, RecordPages
from kht.web.pages import render


def _labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """Category paths: for the list cells, the form's picker and the page."""
    return {"article_category_id": service.category_names(ctx)}


def _detail_context(ctx: Ctx, article: Any) -> dict[str, Any]:
    """The sanitised body and the published versions."""
    if article is None:
        return {}
    return {
        # Sanitised by nh3 when it was stored (kht.knowledge.text.sanitise).
        "body": Markup(article.body),  # noqa: S704
        "versions": versions.version_numbers(ctx, article.id),
    }


PAGES = RecordPages(
    badge="status",
    form_fields=("title", "article_category_id", "audience", "status", "body"),
    detail_fields=(
        "article_category_id",
        "audience",
        "published_version",
        "view_count",
        "helpful_yes",
        "helpful_no",
        "updated_at",
    ),
    list_filters=("status", "audience", "article_category_id"),
    list_actions=(
        RecordAction(key="public", label_zh="公开知识库", label_en="Public view", url="/kb"),
    ),
    labels=_labels,
    detail_context=_detail_context,
    detail_template="knowledge/detail.html",
    form_template="knowledge/form.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


@get("/knowledge/{article_id:int}/diff", sync_to_thread=True, include_in_schema=False)
def diff_page(
    request: Request,
    ctx: RequestCtx,
    article_id: FromPath[int],
    old: FromQuery[int],
    new: FromQuery[int],
) -> Template:
    """Two published versions side by side, changes marked."""
    article = service.get_article(ctx, article_id)
    diff = versions.diff_versions(ctx, article_id, old, new)
    return render(
        request,
        ctx,
        "knowledge/diff.html",
        article=article,
        diff=diff,
        table=Markup(diff.html),  # noqa: S704 -- difflib escapes the text it compares
    )


@post("/knowledge/{article_id:int}/helpful", sync_to_thread=True, include_in_schema=False)
def helpful(
    ctx: RequestCtx, article_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """A "was this helpful" answer from the article's page."""
    article = service.get_article(ctx, article_id)
    usage.vote(ctx, article, str(data.get("helpful")) == "yes")
    return Redirect(f"/knowledge/{article_id}?voted=1", status_code=303)


@post(
    "/knowledge/{article_id:int}/view",
    sync_to_thread=True,
    include_in_schema=False,
    status_code=204,
)
def viewed(ctx: RequestCtx, article_id: FromPath[int]) -> None:
    """The article's page, once loaded in a browser, counts a view (a GET never writes)."""
    usage.count_view(ctx, service.get_article(ctx, article_id).id)


ROUTES = [diff_page, helpful, viewed, *PUBLIC]

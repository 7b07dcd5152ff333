"""Knowledge JSON API beyond what the article kind's declaration gives (kht.records.api):
categories, versions and their diff, "was this helpful" votes, suggestions."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.knowledge import categories, service, usage, versions
from kht.knowledge.schemas import (
    CategoryCreate,
    CategoryOut,
    DiffOut,
    HelpfulOut,
    HelpfulVote,
    Suggestion,
    VersionOut,
)

Text = Annotated[str, msgspec.Meta(max_length=500)]


class KnowledgeController(Controller):
    """Categories, versions, diffs, votes and suggestions of the knowledge base."""

    path = "/api/v1/knowledge"
    tags = ["knowledge"]

    @get("/categories", sync_to_thread=True)
    def list_categories(self, ctx: RequestCtx) -> list[CategoryOut]:
        """Every category, with its path in the tree."""
        return categories.list_categories(ctx)

    @post("/categories", sync_to_thread=True)
    def create_category(self, ctx: RequestCtx, data: JSONBody[CategoryCreate]) -> CategoryOut:
        """A new category (knowledge editors)."""
        made = categories.create_category(ctx, data)
        return next(c for c in categories.list_categories(ctx) if c.id == made.id)

    @get("/suggestions", sync_to_thread=True)
    def suggestions(
        self, ctx: RequestCtx, text: FromQuery[Text], limit: FromQuery[int] = 5
    ) -> list[Suggestion]:
        """Published articles about `text` (a ticket's subject), best first."""
        return usage.suggest_articles(ctx, text, limit)

    @get("/{article_id:int}/versions", sync_to_thread=True)
    def list_versions(self, ctx: RequestCtx, article_id: FromPath[int]) -> list[VersionOut]:
        """Every published version of the article, newest first."""
        return versions.list_versions(ctx, article_id)

    @get("/{article_id:int}/diff", sync_to_thread=True)
    def diff(
        self, ctx: RequestCtx, article_id: FromPath[int], old: FromQuery[int], new: FromQuery[int]
    ) -> DiffOut:
        """Two published versions compared (unified text and a side-by-side HTML table)."""
        return versions.diff_versions(ctx, article_id, old, new)

    @post("/{article_id:int}/helpful", sync_to_thread=True, status_code=200)
    def helpful(
        self, ctx: RequestCtx, article_id: FromPath[int], data: JSONBody[HelpfulVote]
    ) -> HelpfulOut:
        """Count a "was this helpful" answer."""
        return usage.vote(ctx, service.get_article(ctx, article_id), data.helpful)


ROUTES = [KnowledgeController]

"""How articles are used: views, "was this helpful" votes, the public view, suggestions.

Counters move with one UPDATE each (no version bump): a reader's vote never makes an editor's
save stale. The public view (no login) shows published public articles only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update

from kht.context import Ctx
from kht.errors import NotFound
from kht.knowledge.models import Article
from kht.knowledge.schemas import HelpfulOut, Suggestion
from kht.knowledge.text import plain_text
from kht.search.service import matching_records, related_records

PUBLISHED = "published"
SUMMARY_CHARS = 120
MAX_SUGGESTIONS = 20


def _public(article_id: int) -> Any:
    return select(Article).where(
        Article.id == article_id,
        Article.deleted_at.is_(None),
        Article.status == PUBLISHED,
        Article.audience == "public",
    )


def public_article(ctx: Ctx, article_id: int) -> Article:
    """A published public article, for anyone (internal, draft, archived: 404)."""
    article = ctx.session.scalar(_public(article_id))
    if article is None:
        raise NotFound(f"article {article_id} not found")
    return article


def public_articles(ctx: Ctx, q: str = "", limit: int = 50) -> list[Article]:
    """Published public articles, newest first, matching `q` through the search index
    (Chinese substrings, pinyin) or in the title."""
    query = select(Article).where(
        Article.deleted_at.is_(None), Article.status == PUBLISHED, Article.audience == "public"
    )
    if q.strip():
        found = [Article.title.icontains(q.strip(), autoescape=True)]
        documents = matching_records(ctx, "article", q)
        if documents is not None:
            found.append(Article.id.in_(documents))
        query = query.where(or_(*found))
    return list(ctx.session.scalars(query.order_by(Article.published_at.desc()).limit(limit)))


def count_view(ctx: Ctx, article_id: int) -> None:
    """One more view of the article."""
    ctx.session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(view_count=Article.view_count + 1)
        .execution_options(synchronize_session=False)
    )


def vote(ctx: Ctx, article: Article, helpful: bool) -> HelpfulOut:
    """Count a "was this helpful" answer on an article the voter could open."""
    column = Article.helpful_yes if helpful else Article.helpful_no
    ctx.session.execute(
        update(Article)
        .where(Article.id == article.id)
        .values({column.key: column + 1})
        .execution_options(synchronize_session=False)
    )
    yes, no = ctx.session.execute(
        select(Article.helpful_yes, Article.helpful_no).where(Article.id == article.id)
    ).one()
    return HelpfulOut(helpful_yes=yes, helpful_no=no)


def suggest_articles(ctx: Ctx, text: str, limit: int = 5) -> list[Suggestion]:
    """Published articles about `text` (a ticket's subject), most shared words first.

    For the service module: any word of `text` may match (Chinese by its two-character
    runs, other words by prefix), ranked by how many match. Internal articles are suggested
    to users who may view the knowledge base; without one (a public form) only public ones.
    """
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    ids = related_records(ctx, "article", text, limit * 4)
    if not ids:
        return []
    staff = ctx.user is not None and ctx.user.can("knowledge", "view")
    query = select(Article).where(
        Article.id.in_(ids), Article.deleted_at.is_(None), Article.status == PUBLISHED
    )
    if not staff:
        query = query.where(Article.audience == "public")
    found = {a.id: a for a in ctx.session.scalars(query)}
    ranked = [found[i] for i in ids if i in found][:limit]
    return [
        Suggestion(
            id=a.id,
            title=a.title,
            summary=" ".join(plain_text(a.body).split())[:SUMMARY_CHARS],
            url=f"/knowledge/{a.id}" if staff else f"/kb/{a.id}",
        )
        for a in ranked
    ]

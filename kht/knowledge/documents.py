"""What the search index holds about a knowledge article (kht.search.documents uses it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from kht.context import Ctx
from kht.knowledge.models import Article
from kht.knowledge.text import plain_text
from kht.search.tokens import pinyin_tokens, text_tokens

BODY_CHARS = 8000  # of an article's text: enough to find it by what it is about
SUBTITLE_CHARS = 120


def article_columns() -> Select[Any]:
    """The columns an article's document is built from."""
    return select(
        Article.id,
        Article.owner_id,
        Article.deleted_at,
        Article.title,
        Article.body,
        Article.ext,
    )


def article_document(row: Any) -> dict[str, str]:
    """Title and text as tokens (Chinese as bigrams), the title also as pinyin."""
    text = plain_text(row.body)
    tokens = text_tokens(row.title) + pinyin_tokens(row.title) + text_tokens(text[:BODY_CHARS])
    return {
        "title": row.title or "",
        "subtitle": " ".join(text.split())[:SUBTITLE_CHARS],
        "tokens": " ".join(tokens),
    }


def articles_visible(ctx: Ctx, record_id: Any) -> ColumnElement[bool] | None:
    """Editors (the knowledge `edit` right) find every article; others published ones only."""
    if ctx.user is not None and ctx.user.can("knowledge", "edit"):
        return None
    published = select(Article.id).where(Article.status == "published")
    return record_id.in_(published)

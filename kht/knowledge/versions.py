"""Published versions of an article: every publication kept, any two compared (difflib)."""

from __future__ import annotations

import difflib

from sqlalchemy import func, select

from kht.context import Ctx
from kht.errors import ValidationError
from kht.knowledge.models import Article, ArticleVersion
from kht.knowledge.schemas import DiffOut, VersionOut
from kht.knowledge.text import plain_text
from kht.records.schemas import out_of

DIFF_WRAP = 60  # characters per line of the side-by-side table (Chinese text wraps too)


def keep_version(ctx: Ctx, article: Article) -> ArticleVersion:
    """Keep what `article` says now as its next published version."""
    ctx.session.flush()
    last = ctx.session.scalar(
        select(func.max(ArticleVersion.number)).where(ArticleVersion.article_id == article.id)
    )
    version = ArticleVersion(
        article_id=article.id,
        number=(last or 0) + 1,
        title=article.title,
        body=article.body,
        published_at=ctx.now(),
        published_by_id=ctx.user_id,
    )
    ctx.session.add(version)
    article.published_version = version.number
    article.published_at = version.published_at
    ctx.session.flush()
    return version


def list_versions(ctx: Ctx, article_id: int) -> list[VersionOut]:
    """The article's published versions, newest first (the article must be visible)."""
    from kht.knowledge.service import get_article

    get_article(ctx, article_id)
    rows = ctx.session.scalars(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.number.desc())
    )
    return [_out(row) for row in rows]


def _out(row: ArticleVersion) -> VersionOut:
    return out_of(VersionOut, row)


def _version(ctx: Ctx, article_id: int, number: int, field: str) -> ArticleVersion:
    found = ctx.session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article_id, ArticleVersion.number == number
        )
    )
    if found is None:
        raise ValidationError(f"article {article_id} has no version {number}", field)
    return found


def _lines(version: ArticleVersion) -> list[str]:
    return [version.title, "", *plain_text(version.body).splitlines()]


def diff_versions(ctx: Ctx, article_id: int, old: int, new: int) -> DiffOut:
    """Versions `old` and `new` of an article compared line by line (title, then one line
    per paragraph of its text): a unified diff and a side-by-side HTML table."""
    from kht.knowledge.service import get_article

    get_article(ctx, article_id)
    before = _version(ctx, article_id, old, "old")
    after = _version(ctx, article_id, new, "new")
    a, b = _lines(before), _lines(after)
    names = (f"v{old}", f"v{new}")
    unified = "\n".join(difflib.unified_diff(a, b, *names, lineterm=""))
    table = difflib.HtmlDiff(wrapcolumn=DIFF_WRAP).make_table(a, b, *names, context=False)
    return DiffOut(article_id=article_id, old=old, new=new, unified=unified, html=table)


def version_numbers(ctx: Ctx, article_id: int) -> list[int]:
    rows = ctx.session.scalars(
        select(ArticleVersion.number)
        .where(ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.number)
    )
    return list(rows)


__all__ = ["diff_versions", "keep_version", "list_versions", "version_numbers"]

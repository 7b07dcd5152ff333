"""Knowledge articles as a record kind: who sees drafts, sanitised bodies, versions on publish.

Rights (the `knowledge` permission module): `view` reads published articles, internal and
public; `create` / `edit` make an editor, who also sees drafts and archived articles, and
publishes (each publication keeps a version, kht.knowledge.versions); `delete` moves an
article to the recycle bin. Articles are shared: no owner, `created_by_id` is the author.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, select

from kht import record_service as records
from kht.auth.permissions import require
from kht.context import Ctx
from kht.db.custom_fields import Choice
from kht.errors import Conflict, NotFound, ValidationError
from kht.fields import builtin, common
from kht.knowledge.models import Article, ArticleCategory
from kht.knowledge.schemas import ArticleCreate, ArticleOut, ArticleUpdate
from kht.knowledge.text import sanitise
from kht.knowledge.versions import keep_version
from kht.plugin_types import KindMenu, RecordKind

KIND = "article"
MODULE = "knowledge"
PUBLISHED = "published"


def is_editor(ctx: Ctx) -> bool:
    """Whether the acting user edits the knowledge base (and so sees drafts)."""
    return ctx.user is not None and ctx.user.can(MODULE, "edit")


def _clean(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    if "body" in values:
        values["body"] = sanitise(values["body"])
    category = values.get("article_category_id")
    if category is not None and ctx.session.get(ArticleCategory, category) is None:
        raise ValidationError(f"category {category} does not exist", "article_category_id")
    return values


def get_article(ctx: Ctx, article_id: int) -> Article:
    """One article: published ones for readers, every one for editors (else 404)."""
    article = records.get_record(ctx, SPEC, article_id)
    if article.status != PUBLISHED and not is_editor(ctx):
        raise NotFound(f"article {article_id} not found")
    return article


def article_query(ctx: Ctx, **options: Any) -> Select[Any]:
    """The list query: searched as every kind is, drafts and archived only for editors."""
    query = records.list_query(ctx, SPEC, **options)
    return query if is_editor(ctx) else query.where(Article.status == PUBLISHED)


def create_article(ctx: Ctx, data: ArticleCreate) -> Article:
    """A new article (shared, no owner); created as published it keeps version 1."""
    values = _clean(ctx, records.changes_of(data))
    article = records.create_record(ctx, SPEC, values, owner_id=None)
    if article.status == PUBLISHED:
        keep_version(ctx, article)
    return article


def update_article(ctx: Ctx, article_id: int, data: Any) -> Article:
    """A partial update (409 when stale); publishing, or changing a published article's
    title or body, keeps a new version."""
    require(ctx.user, MODULE, "edit")
    article = get_article(ctx, article_id)
    if data.version != article.version:
        raise Conflict(f"article {article_id} was changed by someone else; reload it", "version")
    changes = _clean(ctx, records.changes_of(data))
    before = (article.status, article.title, article.body)
    records.update_record(ctx, SPEC, article, data.version, changes)
    if article.status == PUBLISHED and before != (PUBLISHED, article.title, article.body):
        keep_version(ctx, article)
    return article


def to_out(ctx: Ctx, article: Article, tags: list[str]) -> ArticleOut:
    return records.record_out(ArticleOut, article, tags)


def category_names(ctx: Ctx) -> dict[int, str]:
    """Every category by id, named by its path ("产品 / 安装")."""
    rows = ctx.session.execute(
        select(ArticleCategory.id, ArticleCategory.name, ArticleCategory.parent_id)
    ).all()
    parents = {row.id: (row.name, row.parent_id) for row in rows}

    def path(category_id: int, depth: int = 0) -> str:
        name, parent = parents[category_id]
        if parent is None or parent not in parents or depth > 10:
            return name
        return f"{path(parent, depth + 1)} / {name}"

    return {category_id: path(category_id) for category_id in parents}


FIELDS = (
    builtin("title", "text", "标题", "Title", required=True),
    builtin("article_category_id", "number", "分类", "Category"),
    builtin(
        "audience",
        "single_choice",
        "可见范围",
        "Audience",
        choices=(
            Choice(key="internal", label_zh="内部", label_en="Internal"),
            Choice(key="public", label_zh="公开", label_en="Public"),
        ),
    ),
    builtin(
        "status",
        "single_choice",
        "状态",
        "Status",
        choices=(
            Choice(key="draft", label_zh="草稿", label_en="Draft"),
            Choice(key="published", label_zh="已发布", label_en="Published"),
            Choice(key="archived", label_zh="已归档", label_en="Archived"),
        ),
    ),
    builtin("published_version", "number", "版本", "Version"),
    builtin("view_count", "number", "浏览次数", "Views"),
    builtin("helpful_yes", "number", "有帮助", "Helpful"),
    builtin("helpful_no", "number", "没帮助", "Not helpful"),
    *common("created_at", "updated_at"),
    builtin("body", "long_text", "正文", "Body", help="HTML; scripts and styles are removed"),
)

SPEC = RecordKind(
    kind=KIND,
    model=Article,
    module=MODULE,
    label_zh="知识库",
    label_en="Knowledge",
    plural="knowledge",
    menu=KindMenu(section="service", icon="journal-text", order=60),
    fields=FIELDS,
    searchable=("title",),
    open_filter=false,  # shared records: a hand-over never moves articles
    owned=False,
    list_defaults=("title", "article_category_id", "audience", "status", "view_count"),
    get=get_article,
    query=article_query,
    create=create_article,
    create_schema=ArticleCreate,
    update=update_article,
    update_schema=ArticleUpdate,
    out_schema=ArticleOut,
    to_out=to_out,
)

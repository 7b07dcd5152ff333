"""Article categories: a tree (each may have a parent), kept by knowledge editors."""

from __future__ import annotations

from sqlalchemy import select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import ValidationError
from kht.knowledge.models import ArticleCategory
from kht.knowledge.schemas import CategoryCreate, CategoryOut

MODULE = "knowledge"


def list_categories(ctx: Ctx) -> list[CategoryOut]:
    """Every category with its path ("产品 / 安装"), in path order."""
    from kht.knowledge.service import category_names

    require(ctx.user, MODULE, "view")
    paths = category_names(ctx)
    rows = ctx.session.scalars(select(ArticleCategory))
    found = [
        CategoryOut(
            id=c.id, name=c.name, parent_id=c.parent_id, position=c.position, path=paths[c.id]
        )
        for c in rows
    ]
    return sorted(found, key=lambda c: (c.path, c.position))


def create_category(ctx: Ctx, data: CategoryCreate) -> ArticleCategory:
    """A new category (knowledge editors); its parent must exist."""
    require(ctx.user, MODULE, "edit")
    if data.parent_id is not None and ctx.session.get(ArticleCategory, data.parent_id) is None:
        raise ValidationError(f"category {data.parent_id} does not exist", "parent_id")
    category = ArticleCategory(
        name=data.name.strip(), parent_id=data.parent_id, position=data.position
    )
    if not category.name:
        raise ValidationError("name is required", "name")
    ctx.session.add(category)
    ctx.session.flush()
    return category

"""API types of knowledge articles, their categories, versions, diffs and helpful votes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import RecordOut, update_schema
from kht.types import Ext, Id

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[str, msgspec.Meta(max_length=200_000)]
Audience = Literal["internal", "public"]
Status = Literal["draft", "published", "archived"]


class ArticleCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new article: its HTML `body` is sanitised (nh3) before it is stored."""

    title: Title
    body: Body = ""
    article_category_id: Id | None = None
    audience: Audience = "internal"
    status: Status = "draft"
    ext: Ext = {}


ArticleUpdate = update_schema(
    ArticleCreate, "ArticleUpdate", "A partial update of an article (publishing keeps a version)."
)


class ArticleOut(RecordOut, kw_only=True):
    title: str
    body: str
    article_category_id: int | None
    audience: str
    status: str
    published_version: int
    published_at: datetime | None
    view_count: int
    helpful_yes: int
    helpful_no: int
    owner_id: int | None
    tags: list[str]
    deleted_at: datetime | None


class CategoryCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    parent_id: Id | None = None
    position: int = 0


class CategoryOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    parent_id: int | None
    position: int
    path: str


class VersionOut(msgspec.Struct, kw_only=True):
    number: int
    title: str
    body: str
    published_at: datetime
    published_by_id: int | None


class DiffOut(msgspec.Struct, kw_only=True):
    """Two published versions compared: a unified diff of their text, and the same as an
    HTML table (side by side) a page can show."""

    article_id: int
    old: int
    new: int
    unified: str
    html: str


class HelpfulVote(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    helpful: bool


class HelpfulOut(msgspec.Struct, kw_only=True):
    helpful_yes: int
    helpful_no: int


class Suggestion(msgspec.Struct, kw_only=True):
    id: int
    title: str
    summary: str
    url: str

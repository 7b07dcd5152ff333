"""Knowledge articles, their categories, their published versions; meeting invitations sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow

AUDIENCES = ("internal", "public")
STATUSES = ("draft", "published", "archived")


class ArticleCategory(IdMixin, Base):
    """A category of articles; `parent_id` makes a tree (None: a top-level category)."""

    __tablename__ = "knowledge_categories"

    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_categories.id", ondelete="SET NULL"), nullable=True, default=None
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class Article(BusinessRecord, ExtensibleMixin, Base):
    """A knowledge article: sanitised HTML `body`, shown to staff (`internal`) or to anyone
    (`public`) once `published`. Shared: `owner_id` is its author, not a scope."""

    __tablename__ = "knowledge_articles"
    __table_args__ = (Index("ix_knowledge_articles_status", "status", "audience"),)

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    article_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_categories.id", ondelete="SET NULL"), nullable=True, default=None
    )
    audience: Mapped[str] = mapped_column(String(10), default="internal")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # The number of the last published version (0: never published).
    published_version: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    helpful_yes: Mapped[int] = mapped_column(Integer, default=0)
    helpful_no: Mapped[int] = mapped_column(Integer, default=0)


class ArticleVersion(IdMixin, Base):
    """What an article said when it was published: every publication is kept."""

    __tablename__ = "knowledge_versions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_knowledge_versions"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, default=None
    )

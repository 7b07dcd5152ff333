"""Tags and their attachment to records of any kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


class Tag(IdMixin, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(50), unique=True)
    color: Mapped[str] = mapped_column(String(20), default="secondary")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecordTag(Base):
    """A tag on one record (`kind` + `record_id`)."""

    __tablename__ = "record_tags"
    __table_args__ = (Index("ix_record_tags_record", "kind", "record_id"),)

    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)

"""Saved views (per user or shared); a view marked as a segment is a dynamic customer list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, utcnow


class SavedView(IdMixin, Base):
    """Filters, sort and columns of a list, saved under a name."""

    __tablename__ = "saved_views"

    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    segment: Mapped[bool] = mapped_column(Boolean, default=False)
    filters: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    sort: Mapped[str] = mapped_column(String(100), default="-updated_at")
    columns: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""A dashboard: a user's own arrangement of widgets, or an administrator's default for a role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


class Dashboard(IdMixin, Base):
    """Exactly one of `user_id` (the user's own layout) and `role_key` (the default every
    user of that role sees until they arrange their own). `widgets` is a list of widget
    dicts, validated by kht.dashboards.service on every write."""

    __tablename__ = "dashboards"

    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, unique=True, default=None
    )
    role_key: Mapped[str | None] = mapped_column(
        String(40), nullable=True, unique=True, default=None
    )
    widgets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

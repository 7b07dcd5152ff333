"""The settings store: one row per owner (a plugin or core module), its values as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, utcnow


class StoredSettings(IdMixin, Base):
    """The saved settings of `owner` (a `SettingsDef.owner`); `version` counts the saves,
    for optimistic locking (a save carrying another version is a 409)."""

    __tablename__ = "settings"

    owner: Mapped[str] = mapped_column(String(63), unique=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )

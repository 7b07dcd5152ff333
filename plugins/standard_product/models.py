"""The pack's one table: its settings (target profile, nurturing, routing), a single row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from kht.plugin_api import Base, utcnow

SETTINGS_ID = 1


class PackSettings(Base):
    """Row 1 holds the settings as JSON (see schemas.Settings) and the round-robin cursor."""

    __tablename__ = "standard_product_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]]
    next_rep: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

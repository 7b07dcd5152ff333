"""Stored scores of value models: one row per record and model, replaced on each computation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, utcnow


class ValueScore(IdMixin, Base):
    """The latest score of `model_key` for one record, with the parts that explain it."""

    __tablename__ = "value_scores"
    __table_args__ = (
        UniqueConstraint("kind", "record_id", "model_key", name="uq_value_scores_record_model"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    model_key: Mapped[str] = mapped_column(String(100))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    parts: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

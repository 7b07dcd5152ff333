"""Lifecycle stages, allowed transitions, and the history of stage changes of any record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


class LifecycleStage(IdMixin, Base):
    __tablename__ = "lifecycle_stages"

    key: Mapped[str] = mapped_column(String(40), unique=True)
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


class LifecycleTransition(IdMixin, Base):
    __tablename__ = "lifecycle_transitions"
    __table_args__ = (UniqueConstraint("from_key", "to_key", name="uq_lifecycle_transition"),)

    from_key: Mapped[str] = mapped_column(String(40))
    to_key: Mapped[str] = mapped_column(String(40))


class StageChange(IdMixin, Base):
    """One move of a record between stages, with time and cause."""

    __tablename__ = "stage_changes"
    __table_args__ = (Index("ix_stage_changes_record", "kind", "record_id"),)

    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    from_stage: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_stage: Mapped[str] = mapped_column(String(40))
    cause: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )

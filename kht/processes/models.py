"""Approval decisions on a record's stage (the approval gate of a process stage)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow

DECISIONS = ("approved", "rejected")


class ProcessApproval(IdMixin, Base):
    """One approve/reject of a record in a stage; the latest decision is the one that counts."""

    __tablename__ = "process_approvals"
    __table_args__ = (Index("ix_process_approvals_record", "kind", "record_id", "stage_id"),)

    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("sales_process_stages.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Audit rows; written only by the audit listener, never edited or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, utcnow


class AuditEntry(IdMixin, Base):
    """One create/update/delete/restore of a record; `changes` maps field -> [old, new]."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_record", "kind", "record_id"),
        Index("ix_audit_log_job", "job_id"),
    )

    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The job (an import) whose run made the change, so the run can be listed and reverted.
    # No foreign key: audit rows outlive the jobs they name.
    job_id: Mapped[int | None] = mapped_column(nullable=True, default=None)

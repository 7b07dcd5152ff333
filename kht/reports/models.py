"""Reports users keep: their favourites (shown first in the catalogue) and the reports they
built (saved reports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, VersionMixin, utcnow


class ReportFavourite(IdMixin, Base):
    """A user's favourite report, by its key (a report of a disabled pack simply vanishes)."""

    __tablename__ = "report_favourites"
    __table_args__ = (
        UniqueConstraint("user_id", "report_key", name="uq_report_favourites_user_key"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    report_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedReport(IdMixin, VersionMixin, Base):
    """A report a user built (kht.reports.saved): a definition like a built-in one, stored
    in the grammar of the report page (`field[:bucket]`, `agg[:field]`, `field:op:value`);
    private to its owner unless `shared` (which needs the right to share)."""

    __tablename__ = "saved_reports"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(60))
    dimensions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    measures: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    filters: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    chart: Mapped[str] = mapped_column(String(20), default="bar")
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

"""The reports a user marked as favourites (shown first in their catalogue)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


class ReportFavourite(IdMixin, Base):
    """A user's favourite report, by its key (a report of a disabled pack simply vanishes)."""

    __tablename__ = "report_favourites"
    __table_args__ = (
        UniqueConstraint("user_id", "report_key", name="uq_report_favourites_user_key"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    report_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Sales quotas (销售定额) per user, department or branch and period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, TimestampMixin, VersionMixin

TARGETS = ("user", "department", "branch")
PERIODS = ("month", "quarter", "year")


class Quota(IdMixin, TimestampMixin, VersionMixin, Base):
    """The revenue target of one user, department or branch for one month, quarter or year."""

    __tablename__ = "sales_quotas"
    __table_args__ = (
        Index(
            "uq_sales_quotas_target_period",
            "target_type",
            "target_id",
            "period",
            "period_start",
            unique=True,
        ),
    )

    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="CNY")

"""Departments (a tree), branches and business lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, Table
from sqlalchemy.orm import Mapped, deferred, mapped_column

from kht.db.base import Base, IdMixin, JSONType, TimestampMixin, VersionMixin, utcnow


class Department(IdMixin, Base):
    """A node of the department tree; `path` ("/1/4/9/") makes subtree queries one LIKE."""

    __tablename__ = "departments"

    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), nullable=True
    )
    path: Mapped[str] = mapped_column(String(400), default="/", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Branch(IdMixin, Base):
    """A branch office or region."""

    __tablename__ = "branches"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BusinessLine(IdMixin, Base):
    """A business (product) line; users may belong to several."""

    __tablename__ = "business_lines"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


user_business_lines = Table(
    "user_business_lines",
    Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "business_line_id",
        Integer,
        ForeignKey("business_lines.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class CompanySettings(IdMixin, TimestampMixin, VersionMixin, Base):
    """The company that sells (one row, id 1): the header of printed quotes.

    `logo` is a PNG already checked and scaled down by kht.org.company.
    """

    __tablename__ = "company_settings"

    legal_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="")
    bank_name: Mapped[str] = mapped_column(String(200), default="")
    bank_account: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # The list columns (besides the category) that make customers similar for the model
    # value (kht.value.customer), e.g. ["ext.custom.industry", "ext.custom.region"].
    value_peer_fields: Mapped[list[str] | None] = mapped_column(
        JSONType, nullable=True, default=None
    )
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True, default=None))

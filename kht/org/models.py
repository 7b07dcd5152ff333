"""Departments (a tree), branches and business lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


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

"""Customers, their categories and static groups."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow


class CustomerCategory(IdMixin, Base):
    """A class of customers; `reclaim_days` returns untouched customers to the pool."""

    __tablename__ = "customer_categories"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    reclaim_days: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    # What a customer of this class spends in all on what we sell, as an administrator
    # estimates it: the customer value's wallet gap (kht.value.customer); NULL: unknown.
    wallet: Mapped[Decimal | None] = mapped_column(nullable=True, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Customer(BusinessRecord, ExtensibleMixin, Base):
    """A company or a person; `ext` holds custom-field values; no owner = the shared pool."""

    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_live_updated", "deleted_at", "updated_at"),
        # List pages: live customers newest first (a partial index both databases can walk),
        # and one owner's live customers for counts and scoped pages.
        Index(
            "ix_customers_live_recent",
            "updated_at",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_customers_owner_live", "owner_id", "deleted_at", "updated_at"),
    )

    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="company")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(50), default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_categories.id", ondelete="SET NULL"), nullable=True, index=True
    )
    stage: Mapped[str] = mapped_column(String(40), default="target", index=True)
    stage_changed_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    last_contact_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    # The customer hierarchy (kht.customers.hierarchy): the parent company (group ->
    # subsidiary -> branch) and the group at the top, kept by the service so reports can
    # roll up with a plain GROUP BY; both NULL for a customer outside any hierarchy. No
    # foreign key (SQLite cannot add one to a big table in place): the service checks it.
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None, index=True)
    group_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None, index=True)


class CustomerGroup(IdMixin, Base):
    """A static group of customers (a hand-picked list)."""

    __tablename__ = "customer_groups"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


customer_group_members = Table(
    "customer_group_members",
    Base.metadata,
    Column(
        "group_id", Integer, ForeignKey("customer_groups.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "customer_id",
        Integer,
        ForeignKey("customers.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

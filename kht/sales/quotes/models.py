"""Quotes, their lines and the editable print templates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, TimestampMixin, VersionMixin

STATUSES = ("draft", "sent", "accepted", "rejected", "expired", "superseded")
Quantity = Numeric(18, 4)
Rate = Numeric(5, 4)


class Quote(BusinessRecord, ExtensibleMixin, Base):
    """A priced offer to a customer. Revising a sent quote makes a new row with the same
    `number` and the next `revision`; the old one becomes `superseded` and stays readable.
    Totals are stored as computed by the service (Decimal, rounded per line to the cent)."""

    __tablename__ = "quotes"
    __table_args__ = (
        Index("uq_quotes_number_revision", "number", "revision", unique=True),
        Index("ix_quotes_live_updated", "deleted_at", "updated_at"),
    )

    number: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, default=None
    )
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), nullable=True, index=True
    )
    price_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("price_lists.id", ondelete="SET NULL"), nullable=True, default=None
    )
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("quote_templates.id", ondelete="SET NULL"), nullable=True, default=None
    )
    status: Mapped[str] = mapped_column(String(12), default="draft")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    quote_date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True, default=None)
    terms: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    subtotal: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    discount_total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    tax_total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)


class PricedLineMixin:
    """The columns a quote line and an order line share: quantity x unit price, less the
    discount, plus tax (all Decimal, computed by kht.sales.quotes.pricing)."""

    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True, default=None
    )
    description: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20), default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    unit_price: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    discount_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    tax_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    net: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    tax: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))


class QuoteLine(IdMixin, PricedLineMixin, Base):
    """One line of a quote."""

    __tablename__ = "quote_lines"

    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)


class QuoteTemplate(IdMixin, TimestampMixin, VersionMixin, Base):
    """A print layout (sandboxed Jinja) and default terms; packs contribute their own."""

    __tablename__ = "quote_templates"

    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    plugin: Mapped[str] = mapped_column(String(60), default="")
    body: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

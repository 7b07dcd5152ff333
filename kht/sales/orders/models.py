"""Orders, their lines, expected payments (the plan) and received payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, TimestampMixin
from kht.sales.quotes.models import PricedLineMixin

STATUSES = ("open", "fulfilled", "cancelled")


class Order(BusinessRecord, ExtensibleMixin, Base):
    """A customer's order, usually made by accepting a quote; `paid_total` sums payments."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_live_updated", "deleted_at", "updated_at"),
        Index("ix_orders_customer_date", "customer_id", "order_date"),
    )

    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, default=None
    )
    quote_id: Mapped[int | None] = mapped_column(
        ForeignKey("quotes.id", ondelete="SET NULL"), nullable=True, index=True
    )
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="open")
    order_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    subtotal: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    discount_total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    tax_total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    paid_total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    notes: Mapped[str] = mapped_column(Text, default="")


class OrderLine(IdMixin, PricedLineMixin, Base):
    """A line copied from the quote (or entered), priced like a quote line."""

    __tablename__ = "order_lines"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)


class PaymentPlan(IdMixin, TimestampMixin, Base):
    """An expected payment (回款计划): amount due on a date, for the payment forecast."""

    __tablename__ = "order_payment_plans"
    __table_args__ = (Index("ix_order_payment_plans_due", "due_date"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column()
    note: Mapped[str] = mapped_column(String(300), default="")


class Payment(IdMixin, TimestampMixin, Base):
    """Money received against an order."""

    __tablename__ = "order_payments"
    __table_args__ = (Index("ix_order_payments_received", "received_on"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column()
    method: Mapped[str] = mapped_column(String(40), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")

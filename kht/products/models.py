"""Products (shared by everyone: no owner), price lists and their items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin
from kht.errors import ValidationError

Rate = Numeric(5, 4)
CENT = Decimal("0.01")
RATE = Decimal("0.0001")
MAX_MONEY = Decimal("1e16")


def decimal_of(key: str, value: Any) -> Decimal | None:
    """`value` as a finite Decimal (strings and ints too), or a ValidationError naming `key`."""
    if value is None:
        return None
    if isinstance(value, float | bool):
        raise ValidationError(f'{key} must be a decimal string such as "12.50"', key)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"{key} must be a number, not {value!r}", key) from None
    # JSON bodies arrive as Decimal already, and "NaN" or "Infinity" decode to one.
    if not number.is_finite():
        raise ValidationError(f"{key} must be a finite number", key)
    return number


def money_value(key: str, value: Any) -> Decimal:
    """A non-negative amount with at most 2 decimal places, or a ValidationError naming `key`."""
    number = decimal_of(key, value)
    if number is None or number < 0:
        raise ValidationError(f"{key} must be zero or more", key)
    # The size first: rounding a number of more than 28 digits raises instead of rounding.
    if number >= MAX_MONEY:
        raise ValidationError(f"{key} is too large", key)
    if number != number.quantize(CENT):
        raise ValidationError(f"{key} has at most 2 decimal places", key)
    return number.quantize(CENT)


def rate_value(value: Any) -> Decimal:
    """A tax rate: a fraction between 0 and 1 with at most 4 decimal places (0.1300)."""
    number = decimal_of("tax_rate", value)
    if number is None or not Decimal(0) <= number <= Decimal(1):
        raise ValidationError("tax_rate must be between 0 and 1 (0.13 for 13 %)", "tax_rate")
    if number != number.quantize(RATE):
        raise ValidationError("tax_rate has at most 4 decimal places", "tax_rate")
    return number.quantize(RATE)


class Product(BusinessRecord, ExtensibleMixin, Base):
    """A catalogue entry; `owner_id` stays empty (products are shared, never handed over)."""

    __tablename__ = "products"
    __table_args__ = (Index("ix_products_live_updated", "deleted_at", "updated_at"),)

    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    product_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_lines.id", ondelete="SET NULL"), nullable=True, index=True
    )
    list_price: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0.00"))
    tax_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0.1300"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")

    @validates("list_price", "tax_rate")
    def _decimal(self, key: str, value: Any) -> Decimal:
        # Every write path (bulk "set a field" hands over text) gets the same money rules.
        return rate_value(value) if key == "tax_rate" else money_value(key, value)


class PriceList(BusinessRecord, ExtensibleMixin, Base):
    """Prices for a customer category, a branch, or everyone, valid between two dates."""

    __tablename__ = "price_lists"

    name: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True, default=None)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True, default=None)
    customer_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_categories.id", ondelete="SET NULL"), nullable=True, index=True
    )
    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branches.id", ondelete="SET NULL"), nullable=True, index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")


class PriceListItem(IdMixin, Base):
    """One product's price in a list from `min_quantity` up (tiers: several rows)."""

    __tablename__ = "price_list_items"
    __table_args__ = (
        Index(
            "uq_price_list_items_tier", "price_list_id", "product_id", "min_quantity", unique=True
        ),
    )

    price_list_id: Mapped[int] = mapped_column(
        ForeignKey("price_lists.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    price: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    min_quantity: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("1"))
    position: Mapped[int] = mapped_column(Integer, default=0)

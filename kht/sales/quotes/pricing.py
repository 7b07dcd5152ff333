"""Line and document totals of quotes and orders, computed exactly with Decimal.

The rounding rule (the same for quotes and orders, and the one printed documents show):

* every line is rounded on its own, half-up (ROUND_HALF_UP) to the cent:
  gross = round(quantity x unit_price, 2)
  net   = round(quantity x unit_price x (1 - discount_rate), 2)
  tax   = round(net x tax_rate, 2)
  total = net + tax
* the document's figures are sums of the rounded line figures, never re-rounded:
  subtotal = sum(gross), discount_total = subtotal - sum(net),
  tax_total = sum(tax), total = sum(net) + tax_total.

So the printed lines always add up to the printed totals. Worked example: 3 x 33.33 at a
10 % discount and 13 % tax: gross 99.99, net round(89.991) = 89.99, tax round(11.6987) =
11.70, total 101.69.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import msgspec

from kht.errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal("1")
MAX_MONEY = Decimal("9999999999999999.99")  # Numeric(18, 2)
QUANTITY_PLACES = Decimal("0.0001")  # Numeric(18, 4)
RATE_PLACES = Decimal("0.0001")  # Numeric(5, 4)


def cents(value: Decimal) -> Decimal:
    """`value` rounded half-up to the cent (0.005 -> 0.01, -0.005 -> -0.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class LineFigures(msgspec.Struct, frozen=True, kw_only=True):
    """The computed figures of one line."""

    gross: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


class Totals(msgspec.Struct, frozen=True, kw_only=True):
    """The figures of a whole quote or order."""

    subtotal: Decimal = ZERO
    discount_total: Decimal = ZERO
    tax_total: Decimal = ZERO
    total: Decimal = ZERO


def decimal_of(value: Any, field: str) -> Decimal:
    """`value` as a finite Decimal (never through float), else a 422 naming `field`."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field} must be a number", field) from None
    if not number.is_finite():
        raise ValidationError(f"{field} must be a number", field)
    return number


def check_quantity(value: Any, field: str = "quantity") -> Decimal:
    """A quantity: more than 0, at most four decimals."""
    number = decimal_of(value, field)
    if number <= 0:
        raise ValidationError(f"{field} must be more than 0", field)
    # The size first: rounding a number of more than 28 digits raises instead of rounding.
    if number >= Decimal("1e14") or number != number.quantize(QUANTITY_PLACES):
        raise ValidationError(f"{field} allows at most 4 decimals and 14 digits", field)
    return number.quantize(QUANTITY_PLACES)


def check_money(value: Any, field: str, *, positive: bool = False) -> Decimal:
    """An amount of money: not negative (more than 0 when `positive`), whole cents."""
    number = decimal_of(value, field)
    if number < 0 or (positive and number == 0):
        raise ValidationError(f"{field} must be {'more than' if positive else 'at least'} 0", field)
    if number > MAX_MONEY or number != number.quantize(CENT):  # size first, as above
        raise ValidationError(f"{field} must be an amount in cents (two decimals)", field)
    return number.quantize(CENT)


def check_rate(value: Any, field: str) -> Decimal:
    """A rate between 0 and 1 (0.13 for 13 %), at most four decimals."""
    number = decimal_of(value, field)
    if number < 0 or number > 1:
        raise ValidationError(f"{field} must be between 0 and 1 (0.13 for 13%)", field)
    if number != number.quantize(RATE_PLACES):
        raise ValidationError(f"{field} allows at most 4 decimals", field)
    return number.quantize(RATE_PLACES)


def line_figures(
    quantity: Decimal, unit_price: Decimal, discount_rate: Decimal, tax_rate: Decimal
) -> LineFigures:
    """Gross, net, tax and total of one line, each rounded half-up to the cent (see above)."""
    amount = quantity * unit_price
    net = cents(amount * (ONE - discount_rate))
    tax = cents(net * tax_rate)
    return LineFigures(gross=cents(amount), net=net, tax=tax, total=net + tax)


def document_totals(lines: Iterable[Any]) -> Totals:
    """Totals of lines that carry quantity, unit_price, discount_rate and tax_rate.

    Sums of the per-line rounded figures, so they are exact and match the printed lines.
    """
    gross = net = tax = ZERO
    for line in lines:
        figures = line_figures(line.quantity, line.unit_price, line.discount_rate, line.tax_rate)
        gross += figures.gross
        net += figures.net
        tax += figures.tax
    return Totals(subtotal=gross, discount_total=gross - net, tax_total=tax, total=net + tax)


def amount_in_words(amount: Decimal) -> str:
    """A sum in Chinese capital numerals (大写金额) as on invoices: 壹仟贰佰叁拾肆元伍角."""
    import cn2an

    value = cents(amount)
    words = cn2an.an2cn(str(abs(value)), "rmb")
    if value < 0:
        words = "负" + words
    if value == value.to_integral_value() and not words.endswith("整"):
        words += "整"
    return words


__all__ = [
    "CENT",
    "LineFigures",
    "Totals",
    "amount_in_words",
    "cents",
    "check_money",
    "check_quantity",
    "check_rate",
    "decimal_of",
    "document_totals",
    "line_figures",
]

"""Line and document figures: exact Decimal arithmetic, rounded per line half-up to the cent."""

from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from kht.errors import ValidationError
from kht.sales.quotes.pricing import (
    amount_in_words,
    cents,
    check_money,
    check_quantity,
    check_rate,
    document_totals,
    line_figures,
)


def line(quantity: str, price: str, discount: str = "0", tax: str = "0") -> SimpleNamespace:
    return SimpleNamespace(
        quantity=D(quantity), unit_price=D(price), discount_rate=D(discount), tax_rate=D(tax)
    )


def test_three_at_33_33_with_ten_percent_off_and_13_percent_tax():
    figures = line_figures(D("3"), D("33.33"), D("0.10"), D("0.13"))
    # gross 99.99; net 99.99 x 0.9 = 89.991 -> 89.99; tax 89.99 x 0.13 = 11.6987 -> 11.70
    assert figures.gross == D("99.99")
    assert figures.net == D("89.99")
    assert figures.tax == D("11.70")
    assert figures.total == D("101.69")


def test_half_a_cent_rounds_up_never_to_even():
    assert cents(D("0.125")) == D("0.13")  # banker's rounding would give 0.12
    assert cents(D("2.675")) == D("2.68")  # the float 2.675 would round down
    assert line_figures(D("1"), D("0.05"), D("0.5"), D("0")).net == D("0.03")  # 0.025
    assert line_figures(D("1"), D("10.00"), D("0"), D("0.0125")).tax == D("0.13")  # 0.125


def test_totals_are_sums_of_the_rounded_lines():
    lines = [line("3", "33.33", "0.10", "0.13"), line("1", "0.05", "0.5", "0.13")]
    totals = document_totals(lines)
    # net 89.99 + 0.03 = 90.02; tax 11.70 + 0.00 (0.0039) = 11.70
    assert totals.subtotal == D("100.04")
    assert totals.discount_total == D("10.02")
    assert totals.tax_total == D("11.70")
    assert totals.total == D("101.72")
    assert totals.subtotal - totals.discount_total + totals.tax_total == totals.total


def test_a_thousand_small_lines_add_up_exactly():
    lines = [line("1", "0.10", "0", "0.13")] * 1000
    totals = document_totals(lines)
    assert totals.subtotal == D("100.00")
    assert totals.tax_total == D("10.00")  # 0.013 -> 0.01 per line, never drifts
    assert totals.total == D("110.00")
    assert isinstance(totals.total, D)


def test_fractional_quantities_and_no_float_anywhere():
    figures = line_figures(D("2.5"), D("19.99"), D("0.15"), D("0.09"))
    assert figures.gross == D("49.98")  # 49.975 -> 49.98
    assert figures.net == D("42.48")  # 42.47875 -> 42.48
    assert figures.tax == D("3.82")  # 3.8232 -> 3.82
    assert figures.total == D("46.30")


@pytest.mark.parametrize(
    ("check", "value", "field"),
    [
        (check_quantity, "-1", "quantity"),
        (check_quantity, "0", "quantity"),
        (check_quantity, "1.00001", "quantity"),
        (check_quantity, "abc", "quantity"),
        (check_rate, "1.5", "rate"),
        (check_rate, "-0.1", "rate"),
        (check_money, "-0.01", "price"),
        (check_money, "1.001", "price"),
        (check_money, "NaN", "price"),
    ],
)
def test_bad_numbers_are_refused_naming_the_field(check, value, field):
    with pytest.raises(ValidationError) as refused:
        check(value, field)
    assert refused.value.field == field


def test_amounts_in_chinese_capitals():
    assert amount_in_words(D("101.69")) == "壹佰零壹元陆角玖分"
    assert amount_in_words(D("1234.50")).startswith("壹仟贰佰叁拾肆元伍角")
    assert amount_in_words(D("100.00")) == "壹佰元整"
    assert amount_in_words(D("10000001.01")) == "壹仟万零壹元零壹分"

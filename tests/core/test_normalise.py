"""One comparison of names, phone numbers and emails for lead duplicates, merging and imports."""

from __future__ import annotations

import pytest

from kht.normalise import is_mobile, normalise_email, normalise_name, phone_forms, phone_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("上海华东电器 有限公司", "上海华东电器"),
        ("上海华东电器股份有限公司", "上海华东电器"),
        (" 上海华东电器有限责任公司 ", "上海华东电器"),
        ("上海华东电器集团有限公司", "上海华东电器"),
        ("Northwind Traders Ltd.", "northwindtraders"),
        ("NORTHWIND TRADERS, LTD", "northwindtraders"),
        ("Northwind Traders Inc.", "northwindtraders"),
        ("Northwind Traders Co., Ltd.", "northwindtraders"),
        ("Acme Co., Ltd.", "acme"),
        ("Acme, Inc.", "acme"),
        ("acme llc", "acme"),
        ("Berliner Medizintechnik GmbH", "berlinermedizintechnik"),
        ("Ｎｏｒｔｈｗｉｎｄ", "northwind"),  # full-width letters fold
        ("Costco", "costco"),  # "co" inside a word is no suffix
        ("张 伟", "张伟"),
        ("有限公司", "有限公司"),  # a suffix alone is still a name
        ("Ltd", "ltd"),
        ("", ""),
        (None, ""),
    ],
)
def test_names_are_normalised(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("13800138000", "+86 138 0013 8000"),
        ("138-0013-8000", "0086 13800138000"),
        ("010-62780909", "+86 10 6278 0909"),
        ("(010) 6278 0909", "+86-10-62780909"),
        ("0086-10-62780909", "1062780909"),
    ],
)
def test_chinese_numbers_compare_by_national_number(left, right):
    assert phone_key(left) == phone_key(right) is not None


def test_other_countries_keep_their_code():
    assert phone_key("+44 20 7946 0000") != phone_key("+1 20 7946 0000")
    assert phone_key("+1 212 555 0100") == phone_key("001 212-555-0100") == "+12125550100"


def test_short_numbers_do_not_count():
    # A five-digit hotline (95588) or an extension is shared by too many records to mean
    # anything; the lead check used to count it, the merge finder did not.
    assert phone_key("95588") is None
    assert phone_key("8008") is None
    assert phone_key("") is None
    assert phone_key(None) is None


def test_a_key_lists_the_spellings_an_index_lookup_must_try():
    forms = phone_forms(phone_key("138 0013 8000"))
    assert {"13800138000", "8613800138000", "008613800138000"} <= forms
    assert phone_forms(phone_key("+1 212 555 0100")) == {"12125550100", "0012125550100"}


def test_mobile_numbers_are_told_from_landlines():
    assert is_mobile("+86 139 0101 2345")
    assert not is_mobile("010-62780909")


def test_emails_compare_without_case_or_spaces_and_need_an_at_sign():
    assert normalise_email(" Wang.JG@Example.CN ") == "wang.jg@example.cn"
    assert normalise_email("n/a") == ""

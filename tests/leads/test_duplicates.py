"""Duplicate detection: leads, customers and contacts with the same name, phone or email."""

from __future__ import annotations

import pytest

from kht.leads.duplicates import is_mobile, normalise_email, normalise_name, phone_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("上海华东电器 有限公司", "上海华东电器"),
        ("上海华东电器股份有限公司", "上海华东电器"),
        (" 上海华东电器有限责任公司 ", "上海华东电器"),
        ("Northwind Traders Ltd.", "northwindtraders"),
        ("NORTHWIND TRADERS, LTD", "northwindtraders"),
        ("Northwind Traders Inc.", "northwindtraders"),
        ("Acme Co., Ltd.", "acme"),
        ("Berliner Medizintechnik GmbH", "berlinermedizintechnik"),
        ("张 伟", "张伟"),
        ("有限公司", "有限公司"),  # a suffix alone is still a name
        ("", ""),
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
    ],
)
def test_chinese_numbers_compare_by_national_number(left, right):
    assert phone_key(left) == phone_key(right) is not None


def test_other_countries_keep_their_code_and_short_numbers_do_not_count():
    assert phone_key("+44 20 7946 0000") != phone_key("+1 20 7946 0000")
    assert phone_key("1234") is None
    assert phone_key("") is None


def test_mobile_numbers_are_told_from_landlines():
    assert is_mobile("+86 139 0101 2345")
    assert not is_mobile("010-62780909")


def test_emails_compare_without_case_or_spaces():
    assert normalise_email(" Wang.JG@Example.CN ") == "wang.jg@example.cn"


def test_duplicates_by_name_phone_and_email_across_kinds(office):
    customer = office.customer_of(
        "rep", "清华同方威视技术股份有限公司", phone="010-62780909", email="info@nuctech.cn"
    )
    with office.client("rep") as client:
        contact = client.post(
            "/api/v1/contacts",
            json={
                "customer_id": customer,
                "name": "王建国",
                "mobile": "13901012345",
                "email": "WangJG@nuctech.cn",
            },
        ).json()
    earlier = office.lead_of("rep", name="王工", company="清华同方威视技术 有限公司")
    lead = office.lead_of(
        "rep",
        name="王建国",
        company="清华同方威视技术股份有限公司",
        phone="+86 139 0101 2345",
        email="wangjg@nuctech.cn",
    )
    unrelated = office.lead_of("rep", name="李四", company="别的公司", phone="021-12345678")
    with office.client("rep") as client:
        found = client.get(f"/api/v1/leads/{lead['id']}/duplicates").json()
        none = client.get(f"/api/v1/leads/{unrelated['id']}/duplicates").json()
    by_kind = {(item["kind"], item["id"]): item for item in found}
    assert set(by_kind) == {
        ("customer", customer),
        ("contact", contact["id"]),
        ("lead", earlier["id"]),
    }
    assert by_kind[("customer", customer)]["why"] == ["name"]
    assert by_kind[("contact", contact["id"])]["why"] == ["name", "phone", "email"]
    assert by_kind[("lead", earlier["id"])]["why"] == ["name"]
    assert by_kind[("lead", earlier["id"])]["name"] == "王工 (清华同方威视技术 有限公司)"
    assert none == []


def test_a_phone_match_needs_the_whole_number(office):
    office.customer_of("rep", "A公司", phone="010-62780909")
    lead = office.lead_of("rep", name="x", phone="62780909")  # same ending, other number
    with office.client("rep") as client:
        found = client.get(f"/api/v1/leads/{lead['id']}/duplicates").json()
    assert found == []


def test_duplicates_are_found_only_within_the_callers_scope(office):
    office.customer_of("other_rep", "Northwind Traders Ltd.", email="sales@northwind.example")
    lead = office.lead_of("rep", name="Laura", company="Northwind Traders, Inc.")
    with office.client("rep") as client:
        mine = client.get(f"/api/v1/leads/{lead['id']}/duplicates").json()
    with office.client("manager") as client:
        managers = client.get(f"/api/v1/leads/{lead['id']}/duplicates").json()
    assert mine == []
    assert [(item["kind"], item["why"]) for item in managers] == [("customer", ["name"])]


def test_names_with_like_wildcards_match_only_themselves(office):
    office.customer_of("rep", "100%_Pure Ltd")
    office.customer_of("rep", "100xyPure Ltd")
    lead = office.lead_of("rep", name="x", company="100%_Pure")
    with office.client("rep") as client:
        found = client.get(f"/api/v1/leads/{lead['id']}/duplicates").json()
    assert [item["name"] for item in found] == ["100%_Pure Ltd"]

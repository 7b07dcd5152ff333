"""Duplicate detection: leads, customers and contacts with the same name, phone or email.

How names, phones and emails are normalised is tested in tests/core/test_normalise.py.
"""

from __future__ import annotations


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


def test_a_group_company_is_the_same_company_as_the_merge_finder_says(office):
    # The lead check once kept 集团 in a name while the merge finder dropped it, so a lead
    # for 上海华东电器集团有限公司 missed the customer 上海华东电器有限公司 a merge would join.
    customer = office.customer_of("rep", "上海华东电器有限公司")
    lead = office.lead_of("rep", name="周", company="上海华东电器集团有限公司")
    with office.client("rep") as client:
        found = client.get(f"/api/v1/leads/{lead['id']}/duplicates").json()
    assert [(item["kind"], item["id"], item["why"]) for item in found] == [
        ("customer", customer, ["name"])
    ]


def test_a_hotline_shared_by_many_is_no_phone_match(office):
    office.customer_of("rep", "A银行", phone="95588")
    lead = office.lead_of("rep", name="x", phone="95588")
    with office.client("rep") as client:
        found = client.get(f"/api/v1/leads/{lead['id']}/duplicates").json()
    assert found == []

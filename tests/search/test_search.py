"""What the global search finds: Chinese substrings, words, pinyin, phones, emails, fields."""

from __future__ import annotations

import pytest

from kht.db.custom_fields import CustomField
from kht.search import service

TONGFANG = "清华同方威视技术股份有限公司"
NORTHWIND = "Northwind Traders Ltd."


@pytest.fixture
def customers(team):
    team.create("customer", name=TONGFANG, phone="010-62780909", email="info@nuctech.com")
    team.create("customer", name=NORTHWIND, phone="+44 20 7946 0000")
    team.create("customer", name="上海华东电器集团有限公司")
    team.create("customer", name="张伟", kind="person", phone="13800138000")
    return team


@pytest.mark.parametrize("q", ["同方", "威视技术", "清华同方威视技术股份有限公司", "技术股份"])
def test_a_chinese_substring_finds_the_customer(customers, q):
    assert customers.find(q) == [TONGFANG]


def test_a_chinese_text_not_in_the_name_finds_nothing(customers):
    assert customers.find("同方华") == []
    assert customers.find("方威视同") == []


def test_a_single_chinese_character_matches_inside_names(customers):
    assert set(customers.find("华")) == {TONGFANG, "上海华东电器集团有限公司"}
    assert customers.find("伟") == ["张伟"]


def test_an_english_word_prefix_finds_the_customer(customers):
    assert customers.find("north") == [NORTHWIND]
    assert customers.find("NorthWind traders") == [NORTHWIND]
    assert customers.find("trad") == [NORTHWIND]
    assert customers.find("orthwind") == []


@pytest.mark.parametrize(
    "q", ["qinghua", "qinghuatongfang", "tongfang", "qhtf", "QHTF", "qing hua"]
)
def test_pinyin_full_and_initials_find_chinese_names(customers, q):
    assert customers.find(q) == [TONGFANG]


def test_pinyin_of_a_person(customers):
    assert customers.find("zhangwei") == ["张伟"]
    assert customers.find("zw") == ["张伟"]


@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("62780909", TONGFANG),
        ("010-62780909", TONGFANG),
        ("01062780909", TONGFANG),
        ("0909", TONGFANG),
        ("138 0013 8000", "张伟"),
        ("8000", "张伟"),
        ("79460000", NORTHWIND),
    ],
)
def test_phone_digits_find_the_customer(customers, q, title):
    assert customers.find(q) == [title]


def test_an_email_address_or_its_parts_find_the_customer(customers):
    assert customers.find("info@nuctech.com") == [TONGFANG]
    assert customers.find("nuctech") == [TONGFANG]


def test_every_query_part_must_match(customers):
    assert customers.find("同方 0909") == [TONGFANG]
    assert customers.find("同方 north") == []
    assert customers.find("华 集团") == ["上海华东电器集团有限公司"]


def test_text_in_custom_fields_is_found(team):
    with team.as_user(None) as ctx:  # no service for field definitions yet: a plain row
        ctx.session.add(
            CustomField(
                kind="customer", name="brand", type="text", label_zh="品牌", label_en="Brand"
            )
        )
        ctx.session.add(
            CustomField(
                kind="customer", name="hotline", type="phone", label_zh="热线", label_en="Hotline"
            )
        )
    team.create(
        "customer",
        name="甲公司",
        ext={"custom": {"brand": "安检设备 SafeScan", "hotline": "400-810-8888"}},
    )
    assert team.find("安检") == ["甲公司"]
    assert team.find("safescan") == ["甲公司"]
    assert team.find("8108888") == ["甲公司"]


def test_contacts_and_leads_are_found_with_their_company(team):
    customer_id = team.create("customer", name=TONGFANG)
    team.create(
        "contact",
        name="李雷",
        customer_id=customer_id,
        mobile="13912345678",
        email="lilei@nuctech.com",
    )
    team.create("lead", name="韩梅梅", company="北京同方软件", phone="010-88886666")
    with team.as_user("admin") as ctx:
        hits, total = service.search(ctx, "同方")
    assert total == 3
    assert {(h.kind, h.title) for h in hits} == {
        ("customer", TONGFANG),
        ("contact", "李雷"),
        ("lead", "韩梅梅"),
    }
    contact = next(h for h in hits if h.kind == "contact")
    assert contact.subtitle.startswith(TONGFANG) and "13912345678" in contact.subtitle
    assert contact.url == f"/contacts/{contact.record_id}"
    assert team.find("lilei") == ["李雷"]
    assert team.find("hmm") == ["韩梅梅"]
    assert team.find("同方", kind="lead") == ["韩梅梅"]


def test_title_matches_come_first_and_the_limit_holds(team):
    team.create("customer", name="Acme Northern Supplies")
    team.create("customer", name="Northwind")
    team.create("customer", name="Big North")
    team.create("customer", name="North")
    assert team.find("north") == ["North", "Northwind", "Big North", "Acme Northern Supplies"]
    with team.as_user("admin") as ctx:
        hits, total = service.search(ctx, "north", limit=2)
    assert [h.title for h in hits] == ["North", "Northwind"] and total == 4


def test_an_empty_or_punctuation_only_query_finds_nothing(customers):
    assert customers.find("") == []
    assert customers.find('  "*^:-() ') == []

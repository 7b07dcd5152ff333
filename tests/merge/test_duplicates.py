"""Finding likely duplicate customers and contacts, within the caller's scope."""

from __future__ import annotations

from kht.contacts.models import Contact
from tests.merge.conftest import add_record


def pairs(client, url: str = "/api/v1/customers/duplicates") -> set[tuple[frozenset, tuple]]:
    answer = client.get(url)
    assert answer.status_code == 200
    return {
        (frozenset((item["a"]["name"], item["b"]["name"])), tuple(item["reasons"]))
        for item in answer.json()["items"]
    }


def test_duplicates_are_found_by_phone_email_and_similar_name(team):
    team.customer("清华同方威视技术股份有限公司", owner="rep1", phone="010-62780909")
    team.customer("同方威视", owner="rep1", phone="+86 10 6278 0909")
    team.customer("杭州西湖医疗器械有限公司", owner="rep1", email="Sales@XiHu.cn")
    team.customer("西湖医疗", owner="rep1", email="sales@xihu.cn ")
    team.customer("上海华东电器集团有限公司", owner="rep1")
    team.customer("上海华东电器有限公司", owner="rep1")
    team.customer("上海华东电气工程有限公司", owner="rep1")  # similar words, another company
    team.customer("Northwind Traders Ltd.", owner="rep1")
    team.customer("Northwind Trader", owner="rep1")
    with team.client("rep1") as client:
        found = pairs(client)
    assert found == {
        (frozenset({"清华同方威视技术股份有限公司", "同方威视"}), ("phone",)),
        (frozenset({"杭州西湖医疗器械有限公司", "西湖医疗"}), ("email",)),
        (frozenset({"上海华东电器集团有限公司", "上海华东电器有限公司"}), ("name",)),
        (frozenset({"Northwind Traders Ltd.", "Northwind Trader"}), ("name",)),
    }


def test_pairs_with_several_reasons_come_first_and_the_limit_applies(team):
    team.customer("重复甲公司", owner="rep1", phone="13800138000", email="a@x.cn")
    team.customer("重复甲", owner="rep1", phone="138 0013 8000", email="A@x.cn")
    team.customer("单一乙", owner="rep1", email="b@x.cn")
    team.customer("其他丙", owner="rep1", email="b@x.cn")
    with team.client("rep1") as client:
        items = client.get("/api/v1/customers/duplicates").json()["items"]
        assert items[0]["reasons"] == ["phone", "email", "name"]
        assert len(client.get("/api/v1/customers/duplicates?limit=1").json()["items"]) == 1
        assert client.get("/api/v1/customers/duplicates?limit=0").status_code == 422


def test_only_customers_in_scope_are_compared(team):
    team.customer("华南机电有限公司", owner="rep1", phone="020-12345678")
    team.customer("华南机电", owner="west_rep", phone="020-12345678")
    with team.client("rep1") as client:
        assert pairs(client) == set()
    with team.client("east_mgr") as client:
        assert pairs(client) == set()  # west_rep is outside Sales/East
    with team.client("admin") as client:
        assert len(pairs(client)) == 1


def test_contact_duplicates_compare_names_only_within_one_customer(team):
    acme = team.customer("Acme", owner="rep1")
    other = team.customer("Other", owner="rep1")
    add_record(team, "rep1", "contact", Contact, "contacts", name="张伟", customer_id=acme)
    add_record(team, "rep1", "contact", Contact, "contacts", name="张伟", customer_id=acme)
    add_record(team, "rep1", "contact", Contact, "contacts", name="张伟", customer_id=other)
    add_record(team, "rep1", "contact", Contact, "contacts", name="李娜", mobile="13900001111")
    add_record(team, "rep1", "contact", Contact, "contacts", name="Li Na", phone="139-0000-1111")
    with team.client("rep1") as client:
        found = pairs(client, "/api/v1/contacts/duplicates")
    assert found == {
        (frozenset({"张伟"}), ("name",)),
        (frozenset({"李娜", "Li Na"}), ("phone",)),
    }

"""Contacts through the JSON API: people at customers, within the caller's scope."""

from __future__ import annotations

import pytest


@pytest.fixture
def acme(office) -> int:
    return office.customer_of("rep", "清华同方威视技术股份有限公司")


def new_contact(client, customer_id, **values):
    response = client.post("/api/v1/contacts", json={"customer_id": customer_id, **values})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_rep_adds_contacts_with_role_influence_and_attitude_and_owns_them(office, acme):
    with office.client("rep") as client:
        first = new_contact(
            client,
            acme,
            name="王建国",
            title="采购总监",
            role="decision_maker",
            influence="high",
            attitude="supportive",
            mobile="13901012345",
            email="wangjg@example.cn",
            wechat="wang_jg",
            birthday="1975-03-08",
        )
        new_contact(client, acme, name="刘芳", role="user")
        listed = client.get(f"/api/v1/customers/{acme}/contacts").json()
    assert first["owner_id"] == office.users["rep"]
    assert first["birthday"] == "1975-03-08"
    assert (first["role"], first["influence"], first["attitude"]) == (
        "decision_maker",
        "high",
        "supportive",
    )
    assert sorted(c["name"] for c in listed) == sorted(["刘芳", "王建国"])


def test_defaults_are_other_medium_unknown(office, acme):
    with office.client("rep") as client:
        contact = new_contact(client, acme, name="赵磊")
    assert (contact["role"], contact["influence"], contact["attitude"]) == (
        "other",
        "medium",
        "unknown",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x", "role": "boss"}, "role"),
        ({"name": "x", "influence": "huge"}, "influence"),
        ({"name": "x", "attitude": "angry"}, "attitude"),
        ({"name": "x", "email": "not-an-email"}, "email"),
        ({"name": "x", "birthday": "08/03/1975"}, "birthday"),
        ({"name": "x", "owner_id": 1}, "owner_id"),
        ({"name": "x", "mobile": "1" * 41}, "mobile"),
    ],
)
def test_bad_input_is_refused_with_422_naming_the_field(office, acme, body, field):
    with office.client("rep") as client:
        response = client.post("/api/v1/contacts", json={"customer_id": acme, **body})
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_a_contact_needs_a_customer_the_caller_can_see(office, acme):
    theirs = office.customer_of("other_rep", "杭州西湖医疗器械有限公司")
    with office.client("rep") as client:
        missing = client.post("/api/v1/contacts", json={"customer_id": 99999, "name": "x"})
        foreign = client.post("/api/v1/contacts", json={"customer_id": theirs, "name": "x"})
        no_customer = client.post("/api/v1/contacts", json={"name": "x"})
    for response in (missing, foreign):
        assert response.status_code == 422
        assert response.json()["field"] == "customer_id"
    assert no_customer.status_code == 422
    assert "customer_id" in no_customer.json()["message"]


def test_reps_see_only_their_own_contacts_and_managers_their_tree(office, acme):
    theirs = office.customer_of("other_rep", "Northwind Traders Ltd.")
    with office.client("rep") as client:
        mine = new_contact(client, acme, name="王建国")
    with office.client("other_rep") as client:
        other = new_contact(client, theirs, name="Margaret Peacock")
        assert client.get(f"/api/v1/contacts/{mine['id']}").status_code == 404
        assert client.get(f"/api/v1/customers/{acme}/contacts").status_code == 404
        patched = client.patch(f"/api/v1/contacts/{mine['id']}", json={"version": 1, "name": "y"})
        assert patched.status_code == 404
        assert client.delete(f"/api/v1/contacts/{mine['id']}").status_code == 404
        assert [c["id"] for c in client.get("/api/v1/contacts").json()["items"]] == [other["id"]]
    with office.client("manager") as client:
        ids = {c["id"] for c in client.get("/api/v1/contacts").json()["items"]}
    assert ids == {mine["id"], other["id"]}


def test_service_staff_may_view_but_not_create_contacts(office, acme):
    with office.client("svc") as client:
        assert client.get("/api/v1/contacts").status_code == 200
        response = client.post("/api/v1/contacts", json={"customer_id": acme, "name": "x"})
    assert response.status_code == 403


def test_update_with_a_stale_version_is_a_409_and_changes_nothing(office, acme):
    with office.client("rep") as client:
        contact = new_contact(client, acme, name="王建国")
        url = f"/api/v1/contacts/{contact['id']}"
        first = client.patch(url, json={"version": 1, "title": "总经理"})
        stale = client.patch(url, json={"version": 1, "title": "董事长"})
        shown = client.get(url).json()
    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert stale.status_code == 409
    assert shown["title"] == "总经理"


def test_customer_is_not_changed_by_patch_but_by_move(office, acme):
    with office.client("rep") as client:
        contact = new_contact(client, acme, name="王建国")
        response = client.patch(
            f"/api/v1/contacts/{contact['id']}", json={"version": 1, "customer_id": acme}
        )
    assert response.status_code == 422
    assert response.json()["field"] == "customer_id"


def test_moving_a_contact_keeps_its_history(office, acme):
    other = office.customer_of("rep", "上海华东电器集团有限公司")
    with office.client("rep") as client:
        contact = new_contact(client, acme, name="陈志强")
        client.patch(f"/api/v1/contacts/{contact['id']}", json={"version": 1, "title": "总经理"})
        moved = client.post(
            f"/api/v1/contacts/{contact['id']}/move", json={"version": 2, "customer_id": other}
        )
        history = client.get(
            "/api/v1/audit", params={"kind": "contact", "record_id": contact["id"]}
        ).json()
        at_old = client.get(f"/api/v1/customers/{acme}/contacts").json()
        at_new = client.get(f"/api/v1/customers/{other}/contacts").json()
    assert moved.status_code == 200
    assert moved.json()["customer_id"] == other
    assert [entry["action"] for entry in history] == ["update", "update", "create"]
    assert history[0]["changes"]["customer_id"] == [acme, other]
    assert history[1]["changes"]["title"] == ["", "总经理"]
    assert at_old == []
    assert [c["id"] for c in at_new] == [contact["id"]]


def test_a_move_needs_a_visible_target_and_the_current_version(office, acme):
    theirs = office.customer_of("other_rep", "Northwind Traders Ltd.")
    mine = office.customer_of("rep", "北京中关村科技发展有限公司")
    with office.client("rep") as client:
        contact = new_contact(client, acme, name="王建国")
        url = f"/api/v1/contacts/{contact['id']}/move"
        foreign = client.post(url, json={"version": 1, "customer_id": theirs})
        stale = client.post(url, json={"version": 7, "customer_id": mine})
        still = client.get(f"/api/v1/contacts/{contact['id']}").json()
    assert foreign.status_code == 422
    assert foreign.json()["field"] == "customer_id"
    assert stale.status_code == 409
    assert still["customer_id"] == acme


def test_delete_moves_to_the_recycle_bin_and_restore_brings_it_back(office, acme):
    with office.client("rep") as client:
        contact = new_contact(client, acme, name="王建国")
        url = f"/api/v1/contacts/{contact['id']}"
        assert client.delete(url).status_code == 403  # reps may not delete
    with office.client("manager") as client:
        assert client.delete(url).status_code == 204
        assert client.get(url).status_code == 404
        binned = client.get("/api/v1/contacts", params={"deleted": "true"}).json()
        restored = client.post(f"{url}/restore")
    with office.client("rep") as client:
        assert client.get(url).status_code == 200
    assert [c["id"] for c in binned["items"]] == [contact["id"]]
    assert restored.status_code == 200


def test_the_list_filters_sorts_searches_and_pages(office, acme):
    with office.client("rep") as client:
        new_contact(client, acme, name="Alice", role="decision_maker", attitude="supportive")
        new_contact(client, acme, name="Bob", role="decision_maker", attitude="opposed")
        new_contact(client, acme, name="Carol", role="user", email="carol@example.com")
        deciders = client.get(
            "/api/v1/contacts", params={"f": "role:eq:decision_maker", "sort": "name"}
        ).json()
        both = client.get(
            "/api/v1/contacts",
            params=[("f", "role:eq:decision_maker"), ("f", "attitude:eq:opposed")],
        ).json()
        found = client.get("/api/v1/contacts", params={"q": "carol@"}).json()
        paged = client.get(
            "/api/v1/contacts", params={"sort": "-name", "page": 2, "page_size": 2}
        ).json()
        bad_field = client.get("/api/v1/contacts", params={"f": "salary:gt:1"})
        bad_value = client.get("/api/v1/contacts", params={"f": "role:eq:boss"})
        bad_sort = client.get("/api/v1/contacts", params={"sort": "nope"})
    assert [c["name"] for c in deciders["items"]] == ["Alice", "Bob"]
    assert [c["name"] for c in both["items"]] == ["Bob"]
    assert [c["name"] for c in found["items"]] == ["Carol"]
    assert (paged["total"], [c["name"] for c in paged["items"]]) == (3, ["Alice"])
    assert (bad_field.status_code, bad_field.json()["field"]) == (422, "salary")
    assert (bad_value.status_code, bad_value.json()["field"]) == (422, "role")
    assert (bad_sort.status_code, bad_sort.json()["field"]) == (422, "sort")


def test_birthday_filters_compare_dates(office, acme):
    with office.client("rep") as client:
        new_contact(client, acme, name="Old", birthday="1960-01-01")
        new_contact(client, acme, name="Young", birthday="1995-06-01")
        new_contact(client, acme, name="Unknown")
        after = client.get("/api/v1/contacts", params={"f": "birthday:gte:1990-01-01"}).json()
        empty = client.get("/api/v1/contacts", params={"f": "birthday:empty"}).json()
        bad = client.get("/api/v1/contacts", params={"f": "birthday:gt:yesterday"})
    assert [c["name"] for c in after["items"]] == ["Young"]
    assert [c["name"] for c in empty["items"]] == ["Unknown"]
    assert (bad.status_code, bad.json()["field"]) == (422, "birthday")


def test_custom_fields_on_contacts_are_validated_stored_and_filterable(office, acme):
    office.add_field("contact", "hobby", "single_choice", choices=["golf", "tea"])
    office.add_field("contact", "budget", "money")
    with office.client("rep") as client:
        contact = new_contact(
            client, acme, name="王建国", ext={"custom": {"hobby": "tea", "budget": "1000.5"}}
        )
        wrong = client.post(
            "/api/v1/contacts",
            json={"customer_id": acme, "name": "x", "ext": {"custom": {"hobby": "poker"}}},
        )
        unknown = client.post(
            "/api/v1/contacts",
            json={"customer_id": acme, "name": "x", "ext": {"custom": {"shoe_size": 42}}},
        )
        changed = client.patch(
            f"/api/v1/contacts/{contact['id']}",
            json={"version": 1, "ext": {"custom": {"hobby": "golf"}}},
        ).json()
        golfers = client.get("/api/v1/contacts", params={"f": "ext.custom.hobby:eq:golf"}).json()
    assert contact["ext"] == {"custom": {"hobby": "tea", "budget": "1000.50"}}
    assert (wrong.status_code, wrong.json()["field"]) == (422, "ext.custom.hobby")
    assert (unknown.status_code, unknown.json()["field"]) == (422, "ext.custom.shoe_size")
    assert changed["ext"] == {"custom": {"hobby": "golf", "budget": "1000.50"}}
    assert [c["id"] for c in golfers["items"]] == [contact["id"]]


def test_a_required_custom_field_must_be_given(office, acme):
    office.add_field("contact", "level", "text", required=True)
    with office.client("rep") as client:
        response = client.post("/api/v1/contacts", json={"customer_id": acme, "name": "x"})
    assert (response.status_code, response.json()["field"]) == (422, "ext.custom.level")

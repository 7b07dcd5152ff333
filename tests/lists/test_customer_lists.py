"""Customer lists: filters on any field, sorting, saved views and segments, bulk operations."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.db.custom_fields import CustomField
from kht.testing import add_user, bearer, runtime_of


@pytest.fixture
def world(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "mgr", "sales_manager", department="Sales/East")
    add_user(runtime, "rep", "sales_rep", department="Sales/East")
    add_user(runtime, "west", "sales_rep", department="Sales/West")
    with runtime.ctx() as ctx:
        ctx.session.add(
            CustomField(
                kind="customer",
                name="level",
                type="single_choice",
                label_zh="等级",
                label_en="Level",
                choices=["A", "B", "C"],
                required=False,
                position=1,
                help="",
                active=True,
            )
        )
        ctx.session.add(
            CustomField(
                kind="customer",
                name="budget",
                type="money",
                label_zh="预算",
                label_en="Budget",
                choices=[],
                required=False,
                position=2,
                help="",
                active=True,
            )
        )
    return app, runtime


def client(world, login):
    app, runtime = world
    test_client = TestClient(app)
    test_client.headers.update(bearer(runtime, login))
    return test_client


def seed(api, rows):
    return [api.post("/api/v1/customers", json=row).json() for row in rows]


ROWS = [
    {"name": "清华同方威视", "ext": {"custom": {"level": "A", "budget": "1200.50"}}},
    {"name": "上海电器", "kind": "company", "ext": {"custom": {"level": "B", "budget": "90"}}},
    {"name": "张伟", "kind": "person", "phone": "13800138000"},
    {"name": "Northwind", "email": "ops@northwind.example", "ext": {"custom": {"level": "A"}}},
]


def names(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [item["name"] for item in answer.json()["items"]]


def test_filters_on_built_in_and_custom_fields(world):
    with client(world, "rep") as api:
        seed(api, ROWS)
        assert names(api.get("/api/v1/customers", params={"f": "kind:eq:person"})) == ["张伟"]
        level_a = api.get(
            "/api/v1/customers", params={"f": "ext.custom.level:eq:A", "sort": "name"}
        )
        assert names(level_a) == ["Northwind", "清华同方威视"]
        rich = api.get("/api/v1/customers", params={"f": "ext.custom.budget:gte:100"})
        assert names(rich) == ["清华同方威视"]
        combined = api.get(
            "/api/v1/customers",
            params=[("f", "ext.custom.level:eq:A"), ("f", "name:contains:同方")],
        )
        assert names(combined) == ["清华同方威视"]
        empty = api.get("/api/v1/customers", params={"f": "ext.custom.level:empty"})
        assert names(empty) == ["张伟"]


def test_sorting_by_a_custom_number_field(world):
    with client(world, "rep") as api:
        seed(api, ROWS)
        by_budget = api.get(
            "/api/v1/customers",
            params={"sort": "-ext.custom.budget", "f": "ext.custom.budget:not_empty"},
        )
        assert names(by_budget) == ["清华同方威视", "上海电器"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"f": "nope:eq:1"}, "nope"),
        ({"f": "ext.custom.level:gt:A"}, "ext.custom.level"),
        ({"f": "ext.custom.level:eq:Z"}, "ext.custom.level"),
        ({"f": "ext.custom.budget:gt:lots"}, "ext.custom.budget"),
        ({"f": "justafield"}, "f"),
        ({"sort": "secret"}, "sort"),
    ],
)
def test_bad_filters_and_sorts_are_422_naming_the_field(world, params, field):
    with client(world, "rep") as api:
        answer = api.get("/api/v1/customers", params=params)
        assert answer.status_code == 422
        assert answer.json()["field"] == field


def test_the_columns_endpoint_lists_custom_fields(world):
    with client(world, "rep") as api:
        keys = [c["key"] for c in api.get("/api/v1/customers/columns").json()]
    assert {"name", "owner_id", "ext.custom.level", "ext.custom.budget", "tag"} <= set(keys)


def test_saved_views_are_private_unless_shared_and_segments_filter_lists(world):
    with client(world, "rep") as rep:
        seed(rep, ROWS)
        mine = rep.post(
            "/api/v1/views",
            json={
                "kind": "customer",
                "name": "A-level",
                "segment": True,
                "filters": [{"field": "ext.custom.level", "op": "eq", "value": "A"}],
                "columns": ["name", "ext.custom.level"],
            },
        )
        assert mine.status_code == 201, mine.text
        view_id = mine.json()["id"]
        assert names(rep.get("/api/v1/customers", params={"view": view_id, "sort": "name"})) == [
            "Northwind",
            "清华同方威视",
        ]
        refused = rep.post(
            "/api/v1/views", json={"kind": "customer", "name": "team", "shared": True}
        )
        assert refused.status_code == 403
    with client(world, "west") as west:
        assert west.get(f"/api/v1/views/{view_id}").status_code == 404
        assert west.get("/api/v1/customers", params={"view": view_id}).status_code == 404
    with client(world, "mgr") as mgr:
        shared = mgr.post(
            "/api/v1/views",
            json={"kind": "customer", "name": "Everyone's", "shared": True, "segment": True},
        )
        assert shared.status_code == 201
    with client(world, "west") as west:
        listed = west.get("/api/v1/views", params={"segments": True}).json()
        assert [v["name"] for v in listed] == ["Everyone's"]
        bad = west.post(
            "/api/v1/views", json={"kind": "customer", "name": "x", "columns": ["password_hash"]}
        )
        assert bad.status_code == 422 and bad.json()["field"] == "columns"


def test_bulk_assign_tag_set_and_delete_a_selection(world):
    app, runtime = world
    with client(world, "mgr") as mgr:
        created = seed(mgr, ROWS)
        ids = [c["id"] for c in created[:2]]
        from kht.auth.service import find_user

        with runtime.ctx() as ctx:
            rep_id = find_user(ctx.session, "rep").id
        assigned = mgr.post(
            "/api/v1/customers/bulk", json={"action": "assign", "ids": ids, "owner_id": rep_id}
        )
        assert assigned.json() == {"action": "assign", "count": 2}
        tagged = mgr.post(
            "/api/v1/customers/bulk",
            json={"action": "tag", "ids": ids, "add_tags": ["重点", "2026"]},
        )
        assert tagged.json()["count"] == 2
        assert names(mgr.get("/api/v1/customers", params={"f": "tag:eq:重点", "sort": "name"})) == [
            "上海电器",
            "清华同方威视",
        ]
        set_level = mgr.post(
            "/api/v1/customers/bulk",
            json={"action": "set", "ids": ids, "field": "ext.custom.level", "value": "C"},
        )
        assert set_level.status_code == 201
        bad_value = mgr.post(
            "/api/v1/customers/bulk",
            json={"action": "set", "ids": ids, "field": "ext.custom.level", "value": "Z"},
        )
        assert bad_value.status_code == 422
        history = mgr.get("/api/v1/audit", params={"kind": "customer", "record_id": ids[0]})
        fields = [set(entry["changes"]) for entry in history.json()]
        assert {"owner_id"} in fields and {"tags"} in fields and {"ext"} in fields
        removed = mgr.post(
            "/api/v1/customers/bulk", json={"action": "delete", "f": ["tag:eq:重点"]}
        )
        assert removed.json()["count"] == 2
        assert mgr.get("/api/v1/customers").json()["total"] == 2
        restored = mgr.post(
            "/api/v1/customers/bulk", json={"action": "restore", "f": ["tag:eq:重点"]}
        )
        assert restored.json()["count"] == 2
        assert mgr.get("/api/v1/customers").json()["total"] == 4


def test_bulk_on_an_invisible_id_refuses_everything(world):
    with client(world, "west") as west:
        theirs = seed(west, [{"name": "West Co"}])[0]
    with client(world, "rep") as rep:
        mine = seed(rep, [{"name": "East Co"}])[0]
        answer = rep.post(
            "/api/v1/customers/bulk",
            json={"action": "tag", "add_tags": ["x"], "ids": [mine["id"], theirs["id"]]},
        )
        assert answer.status_code == 404
        assert rep.get(f"/api/v1/customers/{mine['id']}").json()["tags"] == []
        no_assign = rep.post(
            "/api/v1/customers/bulk", json={"action": "assign", "ids": [mine["id"]]}
        )
        assert no_assign.status_code == 403


def test_groups_hold_customers_and_filter_lists(world):
    with client(world, "rep") as rep:
        created = seed(rep, ROWS)
        group = rep.post("/api/v1/customer-groups", json={"name": "展会客户"}).json()
        added = rep.post(
            f"/api/v1/customer-groups/{group['id']}/members",
            json={"customer_ids": [created[0]["id"], created[2]["id"]]},
        )
        assert added.json() == {"added": 2}
        in_group = rep.get(
            "/api/v1/customers", params={"f": f"group:eq:{group['id']}", "sort": "name"}
        )
        assert names(in_group) == ["张伟", "清华同方威视"]
        clash = rep.post("/api/v1/customer-groups", json={"name": "展会客户"})
        assert clash.status_code == 409


def test_the_customer_api_shows_its_own_tags_sorted(world):
    with client(world, "rep") as rep:
        first, second = seed(rep, [{"name": "Tagged Co"}, {"name": "Other Co"}])
        rep.post(
            "/api/v1/customers/bulk",
            json={"action": "tag", "add_tags": ["重点", "VIP", "a-list"], "ids": [first["id"]]},
        )
        rep.post(
            "/api/v1/customers/bulk",
            json={"action": "tag", "add_tags": ["other"], "ids": [second["id"]]},
        )
        assert rep.get(f"/api/v1/customers/{first['id']}").json()["tags"] == sorted(
            ["重点", "VIP", "a-list"]
        )
        assert rep.get(f"/api/v1/customers/{second['id']}").json()["tags"] == ["other"]


def test_a_tag_with_a_control_character_is_refused_and_nothing_is_tagged(world):
    with client(world, "rep") as rep:
        (mine,) = seed(rep, [{"name": "Plain Co"}])
        answer = rep.post(
            "/api/v1/customers/bulk",
            json={"action": "tag", "add_tags": ["ok", "bad\x1fname"], "ids": [mine["id"]]},
        )
        assert answer.status_code == 422
        assert answer.json()["field"] == "tags"
        assert rep.get(f"/api/v1/customers/{mine['id']}").json()["tags"] == []

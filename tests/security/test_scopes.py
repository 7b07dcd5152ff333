"""Roles and data scopes: what each built-in role can list, open, change and delete.

Out-of-scope ids answer 404 on every route that takes an id; permitted-but-forbidden
operations answer 403.
"""

from __future__ import annotations

import pytest

from kht.auth.models import Role
from kht.testing import add_user

# Which owners' customers each login sees in the list.
VISIBLE = {
    "admin": {"east_rep", "east_rep2", "west_rep", "east_mgr", "director"},
    "director": {"east_rep", "east_rep2", "west_rep", "east_mgr", "director"},
    "east_mgr": {"east_rep", "east_rep2", "east_mgr"},
    "east_rep": {"east_rep"},
    "west_rep": {"west_rep"},
    "exec": {"east_rep", "east_rep2", "west_rep", "east_mgr", "director"},
    "mkt": {"east_rep", "east_rep2", "west_rep", "east_mgr", "director"},
    "svc": {"east_rep", "east_rep2", "west_rep", "east_mgr", "director"},
}


def listed_owners(world, login: str) -> set[str]:
    with world.client(login) as client:
        items = client.get("/api/v1/customers").json()["items"]
    names = {item["name"] for item in items}
    return {owner for owner, _ in world.ids.items() if f"customer of {owner}" in names}


@pytest.mark.parametrize("login", sorted(VISIBLE))
def test_each_role_lists_exactly_its_scope(world, login):
    assert listed_owners(world, login) == VISIBLE[login]


@pytest.mark.parametrize("login", sorted(VISIBLE))
def test_records_outside_the_scope_answer_404_on_every_id_route(world, login):
    with world.client(login) as client:
        for owner, customer_id in world.ids.items():
            if owner in VISIBLE[login]:
                continue
            url = f"/api/v1/customers/{customer_id}"
            assert client.get(url).status_code == 404
            assert client.patch(url, json={"version": 1, "name": "x"}).status_code == 404
            assert client.delete(url).status_code == 404
            audit = client.get(
                "/api/v1/audit", params={"kind": "customer", "record_id": customer_id}
            )
            assert audit.status_code == 404


def test_a_rep_can_open_and_change_own_records_but_not_delete_them(world):
    customer_id = world.ids["east_rep"]
    with world.client("east_rep") as client:
        assert client.get(f"/api/v1/customers/{customer_id}").status_code == 200
        changed = client.patch(
            f"/api/v1/customers/{customer_id}", json={"version": 1, "phone": "123456"}
        )
        assert changed.status_code == 200
        refused = client.delete(f"/api/v1/customers/{customer_id}")
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"


def test_a_manager_changes_and_deletes_records_in_the_department(world):
    customer_id = world.ids["east_rep2"]
    with world.client("east_mgr") as client:
        changed = client.patch(
            f"/api/v1/customers/{customer_id}", json={"version": 1, "notes": "checked"}
        )
        assert changed.status_code == 200
        assert client.delete(f"/api/v1/customers/{customer_id}").status_code == 204
    with world.client("east_rep2") as client:
        assert client.get(f"/api/v1/customers/{customer_id}").status_code == 404


@pytest.mark.parametrize("login", ["exec", "mkt", "svc"])
def test_read_only_roles_may_open_but_not_create_change_or_delete(world, login):
    customer_id = world.ids["west_rep"]
    with world.client(login) as client:
        assert client.get(f"/api/v1/customers/{customer_id}").status_code == 200
        assert client.post("/api/v1/customers", json={"name": "new"}).status_code == 403
        patched = client.patch(f"/api/v1/customers/{customer_id}", json={"version": 1, "name": "x"})
        assert patched.status_code == 403
        assert client.delete(f"/api/v1/customers/{customer_id}").status_code == 403


def test_a_created_record_belongs_to_its_creator(world):
    with world.client("west_rep") as client:
        created = client.post("/api/v1/customers", json={"name": "fresh"}).json()
    assert created["owner_id"] == world.users["west_rep"]
    with world.client("east_rep") as client:
        assert client.get(f"/api/v1/customers/{created['id']}").status_code == 404


def _custom_role(world, key: str, scope: str) -> None:
    with world.runtime.ctx() as ctx:
        ctx.session.add(
            Role(
                key=key,
                name_zh=key,
                name_en=key,
                grants={"customers": {"ops": ["view"], "scope": scope}},
            )
        )


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("department", {"east_rep", "east_rep2", "east_mgr"}),
        ("department_tree", {"east_rep", "east_rep2", "east_mgr"}),
        ("branch", {"east_rep", "east_mgr"}),
        ("business_line", {"east_rep", "west_rep"}),
        ("own", set()),
        ("all", {"east_rep", "east_rep2", "west_rep", "east_mgr", "director"}),
    ],
)
def test_every_scope_kind_limits_the_list(world, scope, expected):
    _custom_role(world, f"viewer_{scope}", scope)
    add_user(
        world.runtime,
        "viewer",
        f"viewer_{scope}",
        department="Sales/East",
        branch="Shanghai",
        business_lines=("Devices",),
    )
    assert listed_owners(world, "viewer") == expected


def test_a_role_without_the_module_gets_403_on_the_list(world):
    with world.runtime.ctx() as ctx:
        ctx.session.add(Role(key="nothing", name_zh="无", name_en="None", grants={}))
    add_user(world.runtime, "nobody", "nothing")
    with world.client("nobody") as client:
        assert client.get("/api/v1/customers").status_code == 403
        assert client.get(f"/api/v1/customers/{world.ids['east_rep']}").status_code == 404


def test_search_respects_the_scope(world):
    with world.client("east_rep") as client:
        found = client.get("/api/v1/customers", params={"q": "customer of"}).json()
    assert found["total"] == 1

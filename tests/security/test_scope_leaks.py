"""Leaks found by probing as another team: form option lists and customer group writes.

Every read goes through the one scope (`kht/auth/scope.py`): a form's contact picker names no
contact of another team's customer, and group writes touch only customers in the caller's
scope. Groups are shared vocabulary owned by their creator (see `kht/customers/groups.py`).
"""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.testing import add_user, log_in
from tests.team import team  # noqa: F401 - the fixture

SECRET = "机密联系人王五"


@pytest.fixture
def east_customer(team) -> int:  # noqa: F811
    """A customer of rep1 (Sales/East) with one contact whose name must not leak."""
    customer_id = team.customer("华东客户", owner="rep1")
    with team.ctx("rep1") as ctx:
        create_contact(ctx, ContactCreate(customer_id=customer_id, name=SECRET))
    return customer_id


def _page(team, login: str, url: str) -> str:  # noqa: F811
    with TestClient(team.app) as client:
        log_in(client, login)
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        return answer.text


@pytest.mark.parametrize("form", ["/quotes/new", "/opportunities/new"])
def test_a_new_record_form_lists_no_contacts_of_another_teams_customer(
    team,  # noqa: F811
    east_customer,
    form,
):
    url = f"{form}?customer_id={east_customer}"
    assert SECRET not in _page(team, "west_rep", url)
    assert SECRET in _page(team, "rep1", url)


@pytest.fixture
def west_mgr(team) -> str:  # noqa: F811
    team.users["west_mgr"] = add_user(
        team.runtime, "west_mgr", "sales_manager", department="Sales/West"
    )
    return "west_mgr"


@pytest.fixture
def east_group(team, east_customer) -> int:  # noqa: F811
    """rep1's group holding rep1's customer."""
    with team.client("rep1") as rep1:
        group = rep1.post("/api/v1/customer-groups", json={"name": "展会客户"}).json()
        added = rep1.post(
            f"/api/v1/customer-groups/{group['id']}/members",
            json={"customer_ids": [east_customer]},
        )
        assert added.json() == {"added": 1}
    return group["id"]


def _members(team, group_id: int) -> int:  # noqa: F811
    with team.client("admin") as admin:
        groups = admin.get("/api/v1/customer-groups").json()
    return next(g["members"] for g in groups if g["id"] == group_id)


def test_nobody_takes_another_teams_customers_out_of_a_group(
    team,  # noqa: F811
    west_mgr,
    east_group,
    east_customer,
):
    with team.client(west_mgr) as manager:
        removed = manager.post(
            f"/api/v1/customer-groups/{east_group}/members/remove",
            json={"customer_ids": [east_customer]},
        )
        missing = manager.post(
            f"/api/v1/customer-groups/{east_group}/members/remove",
            json={"customer_ids": [999999]},
        )
    assert removed.status_code == missing.status_code == 404
    assert removed.json()["field"] == missing.json()["field"] == "customer_ids"
    assert _members(team, east_group) == 1


def test_nobody_puts_another_teams_customers_into_a_group(team, east_group, east_customer):  # noqa: F811
    with team.client("west_rep") as west:
        group = west.post("/api/v1/customer-groups", json={"name": "西区"}).json()
        added = west.post(
            f"/api/v1/customer-groups/{group['id']}/members",
            json={"customer_ids": [east_customer]},
        )
    assert added.status_code == 404
    assert _members(team, group["id"]) == 0


def test_group_names_are_shared_but_member_counts_are_scoped(team, east_group):  # noqa: F811
    with team.client("west_rep") as west:
        groups = {g["id"]: g for g in west.get("/api/v1/customer-groups").json()}
    assert groups[east_group]["name"] == "展会客户"
    assert groups[east_group]["members"] == 0
    assert _members(team, east_group) == 1


def test_a_manager_of_another_team_may_not_delete_a_reps_group(team, west_mgr, east_group):  # noqa: F811
    with team.client(west_mgr) as manager:
        refused = manager.delete(f"/api/v1/customer-groups/{east_group}")
    assert refused.status_code == 403
    assert _members(team, east_group) == 1


def test_the_creators_manager_may_delete_the_group(team, east_group):  # noqa: F811
    with team.client("east_mgr") as manager:
        assert manager.delete(f"/api/v1/customer-groups/{east_group}").status_code == 204
    with team.client("admin") as admin:
        assert east_group not in {g["id"] for g in admin.get("/api/v1/customer-groups").json()}


def _merge(team, login: str, survivor: int, merged: int):  # noqa: F811
    body = {
        "survivor_id": survivor,
        "merged_id": merged,
        "version_survivor": 1,
        "version_merged": 1,
    }
    with team.client(login) as client:
        return client.post("/api/v1/customers/merge", json=body)


@pytest.mark.parametrize("login", ["west_mgr", "west_rep"])
def test_merging_in_another_teams_customer_answers_as_a_missing_one(
    team,  # noqa: F811
    west_mgr,
    east_customer,
    login,
):
    own = team.customer("西区客户", owner=login)
    real = _merge(team, login, own, east_customer)
    missing = _merge(team, login, own, 999999)
    assert real.status_code == missing.status_code
    assert real.status_code in (403, 404)
    assert real.json()["message"] == missing.json()["message"].replace("999999", str(east_customer))


@pytest.mark.parametrize("resource", ["quotes", "opportunities"])
def test_a_record_may_not_name_a_contact_the_caller_cannot_see(team, resource):  # noqa: F811
    """A pool customer (visible to all) with rep1's contact: west_rep may not name it."""
    pooled = team.customer("公海客户")
    with team.ctx("rep1") as ctx:
        contact = create_contact(ctx, ContactCreate(customer_id=pooled, name=SECRET)).id
    body = {"customer_id": pooled, "title": "报价", "name": "机会"}
    body = {k: v for k, v in body.items() if k != ("name" if resource == "quotes" else "title")}
    with team.client("west_rep") as west:
        real = west.post(f"/api/v1/{resource}", json={**body, "contact_id": contact})
        missing = west.post(f"/api/v1/{resource}", json={**body, "contact_id": 999999})
    assert real.status_code == missing.status_code == 422
    assert real.json()["field"] == "contact_id"

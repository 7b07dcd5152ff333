"""The customer hierarchy: group -> subsidiaries -> branches, with cycle and depth checks,
the tree on the 360 page, the "this group and below" filter and roll-ups to the group.

The group 集团 and its subsidiary 华东子公司 (with the branch 杭州分公司) belong to rep1 of
Sales/East; the subsidiary 西部子公司 to west_rep of Sales/West. rep1 must never see the
western subsidiary through the group.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kht.customers.hierarchy import MAX_DEPTH
from kht.customers.models import Customer
from tests.team import team  # noqa: F401 - the fixture


@pytest.fixture
def group(team):  # noqa: F811
    ids = {"group": team.customer("集团总部", owner="rep1")}
    ids["east"] = team.customer("华东子公司", owner="rep1", parent_id=ids["group"])
    ids["west"] = team.customer("西部子公司", owner="west_rep", parent_id=ids["group"])
    ids["branch"] = team.customer("杭州分公司", owner="rep1", parent_id=ids["east"])
    ids["alone"] = team.customer("独立客户", owner="rep1")
    return ids


def _groups(team, ids) -> dict[str, int | None]:  # noqa: F811
    with team.ctx(None) as ctx:
        return {k: ctx.session.get(Customer, v).group_id for k, v in ids.items()}


def _patch(client, customer_id: int, **changes):
    version = client.get(f"/api/v1/customers/{customer_id}").json()["version"]
    return client.patch(f"/api/v1/customers/{customer_id}", json={"version": version, **changes})


def test_every_customer_of_a_hierarchy_knows_its_group(team, group):  # noqa: F811
    top = group["group"]
    assert _groups(team, group) == {
        "group": top,
        "east": top,
        "west": top,
        "branch": top,
        "alone": None,
    }


def test_cycles_and_self_parents_are_refused_naming_the_field(team, group):  # noqa: F811
    with team.client("rep1") as rep1:
        for parent in (group["branch"], group["group"]):
            answer = _patch(rep1, group["group"], parent_id=parent)
            assert answer.status_code == 422, answer.text
            assert answer.json()["field"] == "parent_id"
        assert rep1.get(f"/api/v1/customers/{group['group']}").json()["parent_id"] is None


def test_a_parent_out_of_scope_answers_as_a_missing_one(team, group):  # noqa: F811
    with team.client("rep1") as rep1:
        hidden = rep1.post("/api/v1/customers", json={"name": "新", "parent_id": group["west"]})
        missing = rep1.post("/api/v1/customers", json={"name": "新", "parent_id": 999999})
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json()["field"] == missing.json()["field"] == "parent_id"
    assert hidden.json()["message"] == missing.json()["message"].replace(
        "999999", str(group["west"])
    )


def test_a_hierarchy_has_a_depth_limit(team):  # noqa: F811
    chain = [team.customer("层级1", owner="rep1")]
    with team.client("rep1") as rep1:
        for level in range(2, MAX_DEPTH + 1):
            made = rep1.post(
                "/api/v1/customers", json={"name": f"层级{level}", "parent_id": chain[-1]}
            )
            assert made.status_code == 201, made.text
            chain.append(made.json()["id"])
        too_deep = rep1.post("/api/v1/customers", json={"name": "太深", "parent_id": chain[-1]})
        assert too_deep.status_code == 422 and too_deep.json()["field"] == "parent_id"
        # Hanging a two-level tree under the fourth level would make six levels too.
        small = rep1.post("/api/v1/customers", json={"name": "小集团"}).json()["id"]
        rep1.post("/api/v1/customers", json={"name": "小分公司", "parent_id": small})
        moved = _patch(rep1, small, parent_id=chain[MAX_DEPTH - 2])
        assert moved.status_code == 422 and moved.json()["field"] == "parent_id"


def test_moving_a_subsidiary_moves_its_branches_to_the_new_group(team, group):  # noqa: F811
    with team.client("admin") as admin:
        assert _patch(admin, group["east"], parent_id=None).status_code == 200
    groups = _groups(team, group)
    assert groups["east"] == groups["branch"] == group["east"]
    assert groups["group"] == groups["west"] == group["group"]
    with team.client("admin") as admin:
        assert _patch(admin, group["west"], parent_id=group["alone"]).status_code == 200
    groups = _groups(team, group)
    assert groups["group"] is None  # no companies below it any more
    assert groups["west"] == groups["alone"] == group["alone"]


def _filtered(team, login: str, top: int) -> set[int]:  # noqa: F811
    with team.client(login) as client:
        answer = client.get("/api/v1/customers", params={"f": f"group_tree:eq:{top}"})
    assert answer.status_code == 200, answer.text
    return {item["id"] for item in answer.json()["items"]}


def test_the_group_and_below_filter_stays_in_scope(team, group):  # noqa: F811
    everyone = {group[k] for k in ("group", "east", "west", "branch")}
    assert _filtered(team, "admin", group["group"]) == everyone
    assert _filtered(team, "rep1", group["group"]) == everyone - {group["west"]}
    assert _filtered(team, "rep1", group["east"]) == {group["east"], group["branch"]}
    with team.client("rep1") as rep1:
        bad = rep1.get("/api/v1/customers", params={"f": "group_tree:eq:abc"})
    assert bad.status_code == 422 and bad.json()["field"] == "group_tree"


def test_the_360_page_shows_the_tree_the_reader_may_see(team, group):  # noqa: F811
    with team.browser("rep1") as rep1:
        html = rep1.get(f"/customers/{group['group']}").text
        assert 'id="hierarchy-tree"' in html
        assert "华东子公司" in html and "杭州分公司" in html
        assert "西部子公司" not in html
        branch = rep1.get(f"/customers/{group['branch']}").text
        assert 'id="hierarchy-path"' in branch and "集团总部" in branch
    with team.browser("admin") as admin:
        assert "西部子公司" in admin.get(f"/customers/{group['group']}").text


def _order(team, login: str, customer_id: int, amount: str) -> None:  # noqa: F811
    with team.client(login) as client:
        made = client.post(
            "/api/v1/orders",
            json={
                "customer_id": customer_id,
                "lines": [{"description": "服务", "unit_price": amount, "tax_rate": "0"}],
            },
        )
    assert made.status_code == 201, made.text


def _rows(team, login: str, key: str) -> dict[str, list]:  # noqa: F811
    with team.client(login) as client:
        answer = client.get(f"/api/v1/reports/{key}")
    assert answer.status_code == 200, answer.text
    return {row["labels"][0]: row["values"] for row in answer.json()["rows"]}


def test_revenue_and_customers_roll_up_to_the_group_within_scope(team, group):  # noqa: F811
    _order(team, "rep1", group["east"], "100.00")
    _order(team, "rep1", group["branch"], "20.50")
    _order(team, "west_rep", group["west"], "7.00")
    _order(team, "rep1", group["alone"], "1.00")
    revenue = _rows(team, "admin", "orders.revenue_by_group")
    assert Decimal(str(revenue["集团总部"][1])) == Decimal("127.50")
    assert Decimal(str(revenue["独立客户"][1])) == Decimal("1.00")
    # A manager of the East sees the group without its western subsidiary.
    east = _rows(team, "east_mgr", "orders.revenue_by_group")
    assert Decimal(str(east["集团总部"][1])) == Decimal("120.50")
    assert _rows(team, "admin", "customers.by_group")["集团总部"][0] == 4
    assert _rows(team, "east_mgr", "customers.by_group")["集团总部"][0] == 3


def _save_form(client, customer_id: int, name: str, parent_id: int, version: int):
    from kht.testing import csrf_token

    return client.post(
        f"/customers/{customer_id}/edit",
        data={
            "name": name,
            "kind": "company",
            "parent_id": str(parent_id),
            "version": str(version),
            "_csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )


def test_the_form_sets_the_parent_and_refuses_a_cycle(team, group):  # noqa: F811
    with team.browser("rep1") as rep1:
        form = rep1.get(f"/customers/{group['alone']}/edit").text
        assert 'name="parent_id"' in form and "集团总部" in form
        with team.client("rep1") as api:
            version = api.get(f"/api/v1/customers/{group['alone']}").json()["version"]
        saved = _save_form(rep1, group["alone"], "独立客户", group["east"], version)
        assert saved.status_code == 303, saved.text
        cycle = _save_form(rep1, group["group"], "集团总部", group["alone"], 1)
        assert cycle.status_code == 422
        assert "parent_id" in cycle.text or "cycle" in cycle.text
    assert _groups(team, group)["alone"] == group["group"]

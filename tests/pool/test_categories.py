"""Customer categories: administrators manage names, order and reclaim days; others read."""

from __future__ import annotations

from kht.customers.models import Customer


def test_an_administrator_creates_changes_and_deletes_categories(team):
    with team.client("admin") as client:
        created = client.post(
            "/api/v1/customer-categories", json={"name": "普通客户", "reclaim_days": 30}
        )
        assert created.status_code == 201
        category = created.json()
        assert category == {
            "id": category["id"],
            "name": "普通客户",
            "reclaim_days": 30,
            "position": 0,
            "wallet": None,
        }
        url = f"/api/v1/customer-categories/{category['id']}"
        changed = client.patch(url, json={"reclaim_days": None, "position": 5})
        assert changed.json()["reclaim_days"] is None and changed.json()["position"] == 5
        assert client.patch(url, json={"name": "一般客户"}).json()["name"] == "一般客户"
        assert client.get("/api/v1/customer-categories").json()["total"] == 1
        assert client.delete(url).status_code == 204
        assert client.get(url).status_code == 404


def test_deleting_a_category_keeps_its_customers_without_one(team):
    with team.client("admin") as client:
        category = client.post("/api/v1/customer-categories", json={"name": "临时"}).json()
    customer_id = team.customer("分类客户", owner="rep1", category_id=category["id"])
    with team.client("admin") as client:
        client.delete(f"/api/v1/customer-categories/{category['id']}")
    with team.ctx(None) as ctx:
        assert ctx.session.get(Customer, customer_id).category_id is None


def test_names_are_unique_and_input_is_checked(team):
    with team.client("admin") as client:
        client.post("/api/v1/customer-categories", json={"name": "VIP"})
        twice = client.post("/api/v1/customer-categories", json={"name": "vip"})
        assert twice.status_code == 409 and twice.json()["field"] == "name"
        blank = client.post("/api/v1/customer-categories", json={"name": "  "})
        assert blank.status_code == 422 and blank.json()["field"] == "name"
        negative = client.post(
            "/api/v1/customer-categories", json={"name": "x", "reclaim_days": -1}
        )
        assert negative.status_code == 422 and negative.json()["field"] == "reclaim_days"
        unknown = client.post("/api/v1/customer-categories", json={"name": "x", "id": 3})
        assert unknown.status_code == 422 and unknown.json()["field"] == "id"


def test_only_administrators_of_customers_change_categories(team):
    with team.client("admin") as client:
        category = client.post("/api/v1/customer-categories", json={"name": "VIP"}).json()
    for login in ("east_mgr", "rep1"):
        with team.client(login) as client:
            assert client.get("/api/v1/customer-categories").status_code == 200
            url = f"/api/v1/customer-categories/{category['id']}"
            assert client.post("/api/v1/customer-categories", json={"name": "x"}).status_code == 403
            assert client.patch(url, json={"name": "y"}).status_code == 403
            assert client.delete(url).status_code == 403

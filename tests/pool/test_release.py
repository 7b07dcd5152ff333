"""Releasing customers back into the pool: owner or manager, with a reason, version-checked."""

from __future__ import annotations

from kht.customers.models import Customer


def release(client, customer_id: int, version: int = 1, reason: str = "客户暂无需求"):
    return client.post(
        f"/api/v1/customers/{customer_id}/release", json={"version": version, "reason": reason}
    )


def test_the_owner_releases_a_customer_with_a_reason_kept_in_its_history(team):
    customer_id = team.customer("华东客户", owner="rep1", claimed_at=None)
    with team.client("rep1") as client:
        answer = release(client, customer_id)
        assert answer.status_code == 200
        assert answer.json() == {
            "id": customer_id,
            "owner_id": None,
            "version": 2,
            "claimed_at": None,
        }
        assert [c["id"] for c in client.get("/api/v1/pool").json()["items"]] == [customer_id]
    entry = team.audit("customer", customer_id)[0]
    assert entry.action == "update" and entry.user_id == team.users["rep1"]
    assert entry.changes["owner_id"] == [team.users["rep1"], None]
    assert entry.changes["reason"] == [None, "客户暂无需求"]


def test_releasing_clears_the_claim_time(team):
    pooled = team.customer("领取后退回")
    with team.client("rep1") as client:
        claimed = client.post(f"/api/v1/pool/{pooled}/claim").json()
        assert claimed["claimed_at"] is not None
        assert release(client, pooled, version=claimed["version"]).json()["claimed_at"] is None
    with team.ctx(None) as ctx:
        assert ctx.session.get(Customer, pooled).claimed_at is None


def test_a_manager_releases_a_customer_of_the_department(team):
    customer_id = team.customer("rep2's customer", owner="rep2")
    with team.client("east_mgr") as client:
        assert release(client, customer_id).status_code == 200


def test_a_rep_cannot_release_a_colleagues_customer_even_in_the_pool_view(team):
    customer_id = team.customer("rep2's customer", owner="rep2")
    with team.client("rep1") as client:
        assert release(client, customer_id).status_code == 404  # out of a rep's scope
    with team.client("west_rep") as client:
        assert release(client, customer_id).status_code == 404
    with team.client("mkt") as client:  # sees every customer, may not edit them
        assert release(client, customer_id).status_code == 403


def test_a_stale_version_is_refused_and_changes_nothing(team):
    customer_id = team.customer("版本冲突", owner="rep1")
    with team.client("rep1") as client:
        client.patch(f"/api/v1/customers/{customer_id}", json={"version": 1, "phone": "1"})
        refused = release(client, customer_id, version=1)
        assert refused.status_code == 409
        assert refused.json()["field"] == "version"
        assert client.get(f"/api/v1/customers/{customer_id}").json()["owner_id"] is not None


def test_a_reason_is_required_and_releasing_a_pool_customer_is_a_conflict(team):
    customer_id = team.customer("没有理由", owner="rep1")
    pooled = team.customer("已在公海")
    with team.client("rep1") as client:
        blank = release(client, customer_id, reason="  ")
        assert blank.status_code == 422 and blank.json()["field"] == "reason"
        too_long = release(client, customer_id, reason="长" * 301)
        assert too_long.status_code == 422
        assert release(client, pooled).status_code == 409
        unknown = client.post(
            f"/api/v1/customers/{customer_id}/release",
            json={"version": 1, "reason": "x", "owner_id": 5},
        )
        assert unknown.status_code == 422 and unknown.json()["field"] == "owner_id"

"""Claiming pool customers: one winner when two people click at once, and per-user limits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.config import Settings
from kht.customers.models import Customer
from kht.errors import Conflict
from kht.pool import service
from kht.testing import bearer

USERS = ("rep1", "rep2")
LIMIT_SOURCES = {
    "pool_max_owned": "KHT_POOL_MAX_OWNED",
    "pool_max_claims_per_day": "KHT_POOL_MAX_CLAIMS_PER_DAY",
}


def set_limit(team, monkeypatch, name: str, value: int) -> None:
    """Through Settings once it has the field, through the environment until then."""
    if name in Settings.__struct_fields__:
        setattr(team.app.state.settings, name, value)
    else:
        monkeypatch.setenv(LIMIT_SOURCES[name], str(value))


def test_the_pool_lists_only_unowned_customers_to_everyone_who_may_view_customers(team):
    pooled = team.customer("深圳南山精密仪器有限公司")
    team.customer("owned by rep2", owner="rep2")
    for login in ("rep1", "west_rep", "mkt", "east_mgr"):
        with team.client(login) as client:
            answer = client.get("/api/v1/pool")
            assert answer.status_code == 200
            assert [item["id"] for item in answer.json()["items"]] == [pooled]


def test_claiming_makes_the_claimer_the_owner_and_is_audited(team):
    pooled = team.customer("成都天府软件园服务有限公司")
    with team.client("rep1") as client:
        answer = client.post(f"/api/v1/pool/{pooled}/claim")
        assert answer.status_code == 200
        assert answer.json()["owner_id"] == team.users["rep1"]
        assert answer.json()["version"] == 2
        assert client.get(f"/api/v1/customers/{pooled}").json()["owner_id"] == team.users["rep1"]
        assert client.get("/api/v1/pool").json()["total"] == 0
    latest = team.audit("customer", pooled)[0]
    assert latest.action == "update" and latest.user_id == team.users["rep1"]
    assert latest.changes["owner_id"] == [None, team.users["rep1"]]
    with team.client("rep2") as client:
        assert client.get(f"/api/v1/customers/{pooled}").status_code == 404


def test_two_people_claiming_the_same_customer_at_once_get_one_200_and_one_409(team):
    pooled = team.customer("抢手客户")
    tokens = {login: bearer(team.runtime, login) for login in USERS}
    barrier = threading.Barrier(2, timeout=30)
    answers: dict[str, int] = {}

    def claim(client: TestClient, login: str) -> None:
        barrier.wait()
        answer = client.post(f"/api/v1/pool/{pooled}/claim", headers=tokens[login])
        answers[login] = answer.status_code

    with TestClient(team.app) as client:  # one client (one app lifespan), two users
        threads = [threading.Thread(target=claim, args=(client, login)) for login in USERS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(answers.values()) == [200, 409]
    winner = next(login for login, status in answers.items() if status == 200)
    with team.ctx("admin") as ctx:
        assert ctx.session.get(Customer, pooled).owner_id == team.users[winner]


def test_concurrent_service_claims_leave_exactly_one_owner(team):
    pooled = team.customer("并发客户")
    with team.ctx(None) as ctx:
        principals = {login: load_principal(ctx.session, team.users[login]) for login in USERS}
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def claim(login: str) -> None:
        barrier.wait()
        try:
            with team.runtime.ctx(user=principals[login]) as ctx:
                service.claim(ctx, pooled)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=claim, args=(login,)) for login in USERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "won"]


def test_claiming_a_customer_out_of_scope_answers_exactly_as_a_missing_one(team):
    owned = team.customer("owned by rep2", owner="rep2")
    with team.client("rep1") as client:
        refused = client.post(f"/api/v1/pool/{owned}/claim")
        missing = client.post("/api/v1/pool/999999/claim")
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["message"] == missing.json()["message"].replace("999999", str(owned))


def _claim(team, login: str, customer_id: int):
    with team.client(login) as client:
        return client.post(f"/api/v1/pool/{customer_id}/claim")


def test_claiming_an_owned_customer_in_ones_scope_is_a_conflict(team):
    refused = _claim(team, "east_mgr", team.customer("owned by rep2", owner="rep2"))
    assert refused.status_code == 409
    assert "no longer in the shared pool" in refused.json()["message"]


def test_the_loser_of_a_claim_moments_ago_hears_someone_else_claimed_it(team):
    pooled = team.customer("刚被领走")
    assert _claim(team, "rep2", pooled).status_code == 200
    refused = _claim(team, "west_rep", pooled)
    assert refused.status_code == 409
    assert "someone else claimed it" in refused.json()["message"]


def test_a_deleted_pool_customer_cannot_be_claimed(team):
    pooled = team.customer("回收站客户")
    with team.client("admin") as client:
        assert client.delete(f"/api/v1/customers/{pooled}").status_code == 204
    with team.client("rep1") as client:
        assert client.post(f"/api/v1/pool/{pooled}/claim").status_code == 404


def test_a_role_that_may_only_view_customers_cannot_claim(team):
    pooled = team.customer("只读客户")
    with team.client("mkt") as client:
        assert client.post(f"/api/v1/pool/{pooled}/claim").status_code == 403


def test_the_owned_customer_limit_refuses_one_more_claim(team, monkeypatch):
    set_limit(team, monkeypatch, "pool_max_owned", 2)
    team.customer("mine 1", owner="rep1")
    team.customer("mine 2", owner="rep1")
    pooled = team.customer("one too many")
    with team.client("rep1") as client:
        refused = client.post(f"/api/v1/pool/{pooled}/claim")
        assert refused.status_code == 409
        assert "already own 2 customers" in refused.json()["message"]
    with team.client("rep2") as client:
        assert client.post(f"/api/v1/pool/{pooled}/claim").status_code == 200


def test_the_daily_claim_limit_counts_claims_even_of_customers_released_again(team, monkeypatch):
    set_limit(team, monkeypatch, "pool_max_claims_per_day", 2)
    first, second, third = (team.customer(f"pool {n}") for n in range(3))
    with team.client("rep1") as client:
        assert client.post(f"/api/v1/pool/{first}/claim").status_code == 200
        released = client.post(
            f"/api/v1/customers/{first}/release", json={"version": 2, "reason": "不合适"}
        )
        assert released.status_code == 200
        assert client.post(f"/api/v1/pool/{second}/claim").status_code == 200
        refused = client.post(f"/api/v1/pool/{third}/claim")
        assert refused.status_code == 409
        assert "daily maximum" in refused.json()["message"]


def test_yesterdays_claims_do_not_count_towards_today(team, monkeypatch):
    set_limit(team, monkeypatch, "pool_max_claims_per_day", 1)
    first, second, third = (team.customer(name) for name in ("yesterday", "today", "more"))
    with team.ctx("rep1") as ctx:
        ctx.clock = lambda: datetime.now(UTC) - timedelta(days=1)
        service.claim(ctx, first)
    with team.ctx("rep1") as ctx:
        assert service.claims_today(ctx, team.users["rep1"]) == 0
        service.claim(ctx, second)
        assert service.claims_today(ctx, team.users["rep1"]) == 1
        with pytest.raises(Conflict):
            service.claim(ctx, third)


def test_limits_of_zero_switch_the_checks_off(team, monkeypatch):
    set_limit(team, monkeypatch, "pool_max_owned", 0)
    set_limit(team, monkeypatch, "pool_max_claims_per_day", 0)
    with team.ctx("rep1") as ctx:
        assert service.limit(ctx, "pool_max_owned") == 0
    ids = [team.customer(f"bulk {n}") for n in range(3)]
    with team.ctx("rep1") as ctx:
        for customer_id in ids:
            service.claim(ctx, customer_id)

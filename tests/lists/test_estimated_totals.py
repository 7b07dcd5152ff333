"""List totals past the exact-count limit are estimates, flagged, exact on request, in scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kht.customers.models import Customer
from kht.lists import counting
from kht.testing import add_user, api_client, page_client, runtime_of

LIMIT = 5


@pytest.fixture
def world(kht_app):
    app = kht_app(list_exact_count_limit=LIMIT)
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    add_user(runtime, "rep", "sales_rep", department="Sales/East")
    add_user(runtime, "west", "sales_rep", department="Sales/West")
    return app


def seed(app, login: str, count: int) -> None:
    with api_client(app, login) as api:
        for number in range(count):
            answer = api.post("/api/v1/customers", json={"name": f"{login} 客户 {number}"})
            assert answer.status_code == 201, answer.text


def listing(app, login: str, **params) -> dict:
    with api_client(app, login) as api:
        answer = api.get("/api/v1/customers", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_total_up_to_the_limit_is_exact(world):
    seed(world, "rep", LIMIT)
    answer = listing(world, "rep")
    assert (answer["total"], answer["total_exact"]) == (LIMIT, True)


def test_a_longer_list_is_estimated_and_counted_exactly_on_request(world):
    seed(world, "rep", 3)
    seed(world, "west", 9)
    estimated = listing(world, "boss")
    assert estimated["total_exact"] is False
    assert estimated["total"] > LIMIT  # never under what was counted
    assert len(estimated["items"]) == 12
    exact = listing(world, "boss", exact="true")
    assert (exact["total"], exact["total_exact"]) == (12, True)
    # A filter's values reach the estimate's query too (PostgreSQL: EXPLAIN with parameters).
    filtered = listing(world, "boss", f=["name:contains:west", "kind:eq:company"])
    assert filtered["total_exact"] is False and filtered["total"] >= LIMIT + 1


def test_an_estimate_never_counts_records_outside_the_readers_scope(world):
    seed(world, "rep", LIMIT + 3)
    seed(world, "west", 30)
    answer = listing(world, "rep")
    # Estimated (past the limit), from the rep's own rows only: west's 30 never show.
    assert (answer["total"], answer["total_exact"]) == (LIMIT + 3, False)
    assert listing(world, "rep", f="name:contains:west")["total"] == 0


def test_the_list_page_says_about_and_links_to_the_exact_count(world):
    seed(world, "west", LIMIT + 2)
    with page_client(world, "west") as page:
        estimated = page.get("/customers")
        assert estimated.status_code == 200
        assert 'data-exact="false"' in estimated.text
        assert "约 7" in estimated.text
        assert 'id="list-count-exactly"' in estimated.text
        exact = page.get("/customers", params={"exact": "1"})
        assert 'data-exact="true"' in exact.text
        assert 'id="list-count-exactly"' not in exact.text


def test_the_sample_scales_the_scoped_matches_in_id_windows(world, monkeypatch):
    monkeypatch.setattr(counting, "WINDOWS", 2)
    monkeypatch.setattr(counting, "WINDOW", 3)
    seed(world, "rep", 20)  # the first half of the ids
    seed(world, "west", 20)  # the second half
    runtime = runtime_of(world)
    with runtime.ctx() as ctx:
        ids = sorted(ctx.session.scalars(select(Customer.id)))
        rep_id = ctx.session.scalar(select(Customer.owner_id).where(Customer.id == ids[0]))
        mine = select(Customer).where(Customer.owner_id == rep_id)
        # Windows at the first id and half-way: 3 of the rep's rows, none, of 6 ids sampled.
        estimate = counting.sampled_rows(ctx.session, mine, Customer.id)
        everyone = counting.sampled_rows(ctx.session, select(Customer), Customer.id)
    assert estimate == round(3 * len(ids) / 6)
    assert everyone == len(ids)


def test_rounding_keeps_three_significant_figures():
    assert [counting.about(n) for n in (987, 12437, 1_049_999)] == [987, 12400, 1_050_000]

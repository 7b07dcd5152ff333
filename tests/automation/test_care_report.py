"""The care-effectiveness report: per care strategy the customers reached, delivered, and
what they did next (an action done, an order, churn to the lost stage) within the window,
beside the customers no strategy reached; each reader sees only their own scope's figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import update

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.automation.care import CareIn, create_care
from kht.customers.models import Customer
from kht.testing import page_client
from tests.automation.conftest import runs, worker_tick

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
PERIOD = {"since": "2026-11-30", "until": "2026-12-02", "window_days": 30}


def _customers(team) -> dict[str, int]:
    ids = {
        "a": team.customer("甲公司", owner="rep1"),
        "b": team.customer("乙公司", owner="rep1"),
        "c": team.customer("丙公司", owner="west_rep"),
        "d": team.customer("丁公司", owner="rep2"),
    }
    with team.ctx(None) as ctx:
        quiet = [ids["a"], ids["b"], ids["c"]]
        ctx.session.execute(
            update(Customer)
            .where(Customer.id.in_(quiet))
            .values(last_contact_at=START - timedelta(days=100))
        )
        ctx.session.execute(
            update(Customer).where(Customer.id == ids["d"]).values(last_contact_at=START)
        )
    return ids


def _contact(team, login: str, customer_id: int) -> None:
    with team.ctx(login) as ctx:
        log_action(ctx, ActionCreate(kind="customer", record_id=customer_id, subject="回访了"))


def _order(team, login: str, customer_id: int) -> None:
    from kht.products.schemas import ProductCreate
    from kht.products.service import create_product

    with team.ctx("admin") as ctx:
        product = create_product(
            ctx, ProductCreate(code=f"P-{customer_id}", name="仪表", list_price=Decimal("5.00"))
        ).id
    api = team.client(login)
    quote = api.post(
        "/api/v1/quotes",
        json={
            "title": "报价",
            "customer_id": customer_id,
            "lines": [{"product_id": product, "quantity": "2"}],
        },
    ).json()
    api.post(f"/api/v1/quotes/{quote['id']}/send", json={})
    assert api.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).status_code == 201


def _churn(team, login: str, customer_id: int) -> None:
    from kht.lifecycle.service import change_stage

    with team.ctx(login) as ctx:
        change_stage(ctx, "customer", customer_id, "lost", cause="不再合作")


def _care(team) -> int:
    with time_machine.travel(START, tick=False):
        with team.ctx("admin") as ctx:
            rule_id = create_care(
                ctx,
                CareIn(name="沉睡关怀", moment="dormant", days=90, channel="call", subject="问候"),
            ).id
        worker_tick(team)
    return rule_id


def test_the_report_counts_what_cared_customers_did_next_beside_the_others(team):
    ids = _customers(team)
    rule_id = _care(team)
    assert sorted(r.record_id for r in runs(team, rule_id)) == sorted(
        [ids["a"], ids["b"], ids["c"]]
    )
    with time_machine.travel(START + timedelta(days=2), tick=False):
        _contact(team, "rep1", ids["a"])  # the rep followed the care up
        _contact(team, "rep2", ids["d"])  # an uncared customer was contacted too
    with time_machine.travel(START + timedelta(days=5), tick=False):
        _order(team, "west_rep", ids["c"])
    with time_machine.travel(START + timedelta(days=10), tick=False):
        _churn(team, "rep1", ids["b"])  # cared for, yet lost within the window
        _churn(team, "rep2", ids["d"])  # not cared for, and lost too
    with time_machine.travel(START + timedelta(days=40), tick=False):
        _order(team, "rep1", ids["b"])  # after the 30-day window: not the care's doing

        answer = team.client("admin").get("/api/v1/care/effectiveness", params=PERIOD)
    assert answer.status_code == 200, answer.text
    strategy, baseline = answer.json()["rows"]
    assert strategy["rule_id"] == rule_id and strategy["name"] == "沉睡关怀"
    assert strategy["channel"] == "call"
    assert {k: strategy[k] for k in ("cared", "delivered", "failed", "skipped")} == {
        "cared": 3,
        "delivered": 3,
        "failed": 0,
        "skipped": 0,
    }
    assert (strategy["customers"], strategy["followed_up"], strategy["ordered"]) == (3, 1, 1)
    assert strategy["followed_up_rate"] == 33.3
    assert (strategy["churned"], strategy["churned_rate"]) == (1, 33.3)
    assert baseline["rule_id"] is None
    assert (baseline["customers"], baseline["followed_up"], baseline["ordered"]) == (1, 1, 0)
    assert (baseline["churned"], baseline["churned_rate"]) == (1, 100.0)

    # A longer window counts b's order too.
    longer = team.client("admin").get(
        "/api/v1/care/effectiveness", params={**PERIOD, "window_days": 60}
    )
    assert longer.json()["rows"][0]["ordered"] == 2


def test_a_rep_sees_only_their_own_customers_figures(team):
    ids = _customers(team)
    _care(team)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        _contact(team, "rep1", ids["a"])
        _contact(team, "west_rep", ids["c"])
    rows = team.client("rep1").get("/api/v1/care/effectiveness", params=PERIOD).json()["rows"]
    assert (rows[0]["cared"], rows[0]["customers"], rows[0]["followed_up"]) == (2, 2, 1)
    assert rows[1]["customers"] == 0  # rep1's customers were all cared for


def test_bad_periods_are_422_naming_the_field(team):
    api = team.client("admin")
    backwards = api.get(
        "/api/v1/care/effectiveness", params={"since": "2026-12-02", "until": "2026-12-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "until"
    window = api.get("/api/v1/care/effectiveness", params={"window_days": 0})
    assert window.status_code == 422 and window.json()["field"] == "window_days"
    page = page_client(team.app, "admin").get("/care/effectiveness?since=12/01/2026")
    assert page.status_code == 422


def test_the_report_is_in_the_library_and_on_its_page(team):
    _customers(team)
    _care(team)
    admin = page_client(team.app, "admin")
    library = admin.get("/reports")
    assert library.status_code == 200 and "/care/effectiveness" in library.text
    page = admin.get("/care/effectiveness?since=2026-11-30&until=2026-12-02")
    assert page.status_code == 200
    assert "沉睡关怀" in page.text and 'id="care-baseline"' in page.text

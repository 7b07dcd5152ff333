"""Customer value (客户价值) on a worked example: established value from orders and payments,
potential value from the weighted pipeline and the category's wallet, model value from
similar customers; kept in step by the events, recomputed set-based, read in scope, and
usable as list columns, filters and report measures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from kht.customers.models import CustomerCategory
from kht.customfields.service import add_field
from kht.db.custom_fields import FieldDef
from kht.errors import ValidationError
from kht.jobs.periodic import registered
from kht.lists.engine import count, parse_filter
from kht.records import record_kinds
from kht.reports import service as reports
from kht.sales.opportunities import service as opportunities
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.orders import service as orders
from kht.sales.orders.schemas import OrderCreate, OrderUpdate, PaymentIn
from kht.sales.processes import service as processes
from kht.sales.quotes.schemas import LineIn
from kht.value import customer
from kht.value.customer_read import value_of
from kht.value.models import CustomerValue
from tests.team import build_team

NOW = datetime(2026, 11, 2, 4, tzinfo=UTC)
D = Decimal


class Example:
    """制造业 (wallet 200,000) customers A, B, C (汽车), D (食品) and E (no category, 汽车)."""

    def __init__(self, team):
        self.team = team
        with team.ctx("admin") as ctx:
            add_field(
                ctx,
                "customer",
                FieldDef(
                    name="industry",
                    type="single_choice",
                    label_zh="行业",
                    label_en="Industry",
                    choices=("auto", "food"),
                ),
            )
            category = CustomerCategory(name="制造业", wallet=D("200000"))
            ctx.session.add(category)
            ctx.session.flush()
            self.category = category.id
        made = {"A": "auto", "B": "auto", "C": "auto", "D": "food", "E": "auto"}
        self.ids = {
            name: team.customer(
                f"客户{name}",
                "rep1" if name != "E" else "rep2",
                category_id=None if name == "E" else self.category,
                ext={"custom": {"industry": industry}},
            )
            for name, industry in made.items()
        }

    def order(self, name: str, total: str, paid: str | None = None) -> int:
        with self.team.ctx("admin") as ctx:
            line = LineIn(description="设备", quantity=D("1"), unit_price=D(total))
            line.tax_rate = D("0")
            data = OrderCreate(
                customer_id=self.ids[name], order_date=date(2026, 10, 1), lines=[line]
            )
            made = orders.create_order(ctx, data)
            if paid:
                payment = PaymentIn(received_on=date(2026, 10, 9), amount=D(paid))
                orders.add_payment(ctx, made.id, payment)
            return made.id

    def opportunity(self, name: str, amount: str, stage: str = "qualify") -> int:
        with self.team.ctx("admin") as ctx:
            data = OpportunityCreate(
                name=f"{name} {amount}", customer_id=self.ids[name], amount=D(amount)
            )
            made = opportunities.create_opportunity(ctx, data)
            if stage != "qualify":
                stages = {s.key: s.id for s in processes.default_process(ctx).stages}
                opportunities.move_stage(ctx, made.id, stages[stage], version=made.version)
            return made.id

    def value(self, name: str, login: str = "admin"):
        with self.team.ctx(login) as ctx:
            return value_of(ctx, self.ids[name])

    def peers(self, *fields: str) -> None:
        with self.team.ctx("admin") as ctx:
            customer.set_peer_fields(ctx, list(fields))


@pytest.fixture
def example(kht_app) -> Example:
    built = Example(build_team(kht_app))
    a_cancelled = built.order("A", "20000")
    built.order("A", "30000", paid="10000")
    with built.team.ctx("admin") as ctx:
        version = orders.get_order(ctx, a_cancelled).version
        orders.update_order(ctx, a_cancelled, OrderUpdate(status="cancelled", version=version))
    built.opportunity("A", "50000", stage="needs")  # 30 %: 15,000 weighted
    lost = built.opportunity("A", "10000")
    with built.team.ctx("admin") as ctx:
        opportunities.close_opportunity(ctx, lost, won=False, reason="price")
    built.order("B", "90000")
    built.order("D", "500000")
    built.order("E", "1000")
    return built


def test_established_and_potential_value_of_the_worked_example(example):
    a = example.value("A")
    # Established: the order of 30,000 (the cancelled one of 20,000 does not count).
    assert (a.established, a.received, a.receivable, a.orders) == (
        "30000.00",
        "10000.00",
        "20000.00",
        1,
    )
    # Potential: 50,000 open at 30 % = 15,000, plus the wallet gap 200,000 - 30,000 - 15,000.
    assert (a.pipeline, a.weighted) == ("50000.00", "15000.00")
    assert (a.wallet, a.wallet_gap, a.potential) == ("200000.00", "155000.00", "170000.00")
    b, c, d, e = (example.value(name) for name in "BCDE")
    assert (b.established, b.wallet_gap, b.potential) == ("90000.00", "110000.00", "110000.00")
    assert (c.established, c.potential) == ("0.00", "200000.00")
    # D bought more than the wallet: no gap, never a negative one.
    assert (d.established, d.wallet_gap, d.potential) == ("500000.00", "0.00", "0.00")
    # E has no category, so no wallet estimate.
    assert (e.wallet, e.wallet_gap, e.potential) == (None, "0.00", "0.00")


def test_model_value_is_the_average_of_similar_customers(example):
    # By category only: A's peers are B, C and D: (90,000 + 0 + 500,000) / 3.
    a = example.value("A")
    assert (a.model, a.peers, a.hidden) == ("196666.67", 3, "166666.67")
    # Similar = same category and industry: A's peers are B and C.
    example.peers("ext.custom.industry")
    a, b, c, d = (example.value(name) for name in "ABCD")
    assert (a.model, a.peers, a.hidden) == ("45000.00", 2, "15000.00")
    assert (b.model, b.hidden) == ("15000.00", "-75000.00")
    assert (c.model, c.hidden) == ("60000.00", "60000.00")  # hidden potential
    assert (d.model, d.peers, d.hidden) == (None, 0, None)  # alone in its class
    assert a.peer_fields == ["ext.custom.industry"]


def test_orders_payments_and_opportunities_keep_values_and_classes_in_step(example):
    example.peers("ext.custom.industry")
    order = example.order("C", "60000", paid="60000")
    c = example.value("C")
    assert (c.established, c.received, c.wallet_gap) == ("60000.00", "60000.00", "140000.00")
    # C's order moved its class's total: A's peers are now worth (90,000 + 60,000) / 2.
    assert example.value("A").model == "75000.00"
    example.opportunity("C", "10000", stage="needs")
    # 10,000 at 30 % = 3,000 weighted, and the gap 200,000 - 60,000 - 3,000.
    assert example.value("C").potential == "140000.00"
    with example.team.ctx("admin") as ctx:
        orders.update_order(
            ctx,
            order,
            OrderUpdate(status="cancelled", version=orders.get_order(ctx, order).version),
        )
    assert example.value("C").established == "0.00"
    assert example.value("A").model == "45000.00"
    # A customer moved to another industry changes class at once.
    with example.team.ctx("admin") as ctx:
        from kht.customers.schemas import CustomerUpdate
        from kht.customers.service import get_customer, update_customer

        current = get_customer(ctx, example.ids["B"])
        update_customer(
            ctx,
            current.id,
            CustomerUpdate(version=current.version, ext={"custom": {"industry": "food"}}),
        )
    assert example.value("A").model == "0.00"  # only C (nothing bought) is left beside A
    assert example.value("D").model == "90000.00"  # B joined D's class


def test_the_set_based_recomputation_equals_the_values_kept_by_events(example):
    example.order("C", "1234.56")
    with example.team.ctx("admin") as ctx:
        kept = {
            row.customer_id: (row.established, row.potential, row.peer_key)
            for row in ctx.session.scalars(select(CustomerValue))
        }
        kept_models = {name: value_of(ctx, i).model for name, i in example.ids.items()}
        assert customer.recompute_all(ctx) == 5
    with example.team.ctx("admin") as ctx:
        again = {
            row.customer_id: (row.established, row.potential, row.peer_key)
            for row in ctx.session.scalars(select(CustomerValue))
        }
        assert again == kept
        assert {name: value_of(ctx, i).model for name, i in example.ids.items()} == kept_models


def test_a_wallet_change_recomputes_its_category(example):
    api = example.team.client("admin")
    response = api.patch(
        f"/api/v1/customer-categories/{example.category}", json={"wallet": "50000"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["wallet"] == "50000.00"
    assert example.value("A").wallet_gap == "5000.00"  # 50,000 - 30,000 - 15,000
    bad = api.patch(f"/api/v1/customer-categories/{example.category}", json={"wallet": "-1"})
    assert bad.status_code == 400 or bad.status_code == 422
    assert "wallet" in bad.text


def test_values_are_list_columns_filters_and_report_measures_in_the_readers_scope(example):
    with example.team.ctx("rep1") as ctx:
        spec = record_kinds(ctx)["customer"]
        rich = spec.query(ctx, filters=[parse_filter("value_potential:gte:100000")])
        assert count(ctx.session, rich) == 3  # A, B, C; D has none, E is rep2's
        result = reports.run_report(
            ctx,
            "customers.by_category",
            measures=["sum:value_established", "sum:value_potential", "avg:value_model"],
        )
    (row,) = [r for r in result.rows if r.keys == [example.category]]
    # A, B, C and D (rep1's); the model values 196,666.67, 176,666.67, 206,666.67, 40,000.
    assert row.values == [D("620000.00"), D("480000.00"), D("155000.00")]
    listed = example.team.client("rep1").get(
        "/api/v1/customers", params={"f": "value_established:gte:90000"}
    )
    assert listed.status_code == 200, listed.text
    assert sorted(item["name"] for item in listed.json()["items"]) == ["客户B", "客户D"]


def test_the_api_reads_in_scope_and_checks_the_similarity_fields(example):
    rep2 = example.team.client("rep2")
    assert rep2.get(f"/api/v1/customers/{example.ids['A']}/value").status_code == 404
    mine = rep2.get(f"/api/v1/customers/{example.ids['E']}/value")
    assert mine.status_code == 200 and mine.json()["established"] == "1000.00"
    assert rep2.put("/api/v1/customer-value/settings", json={"peer_fields": []}).status_code == 403
    admin = example.team.client("admin")
    for fields, where in (
        (["created_at"], "peer_fields[0]"),
        (["ext.custom.industry", "nope"], "peer_fields[1]"),
        (["value_model"], "peer_fields[0]"),
    ):
        response = admin.put("/api/v1/customer-value/settings", json={"peer_fields": fields})
        assert response.status_code == 422 and response.json()["field"] == where, response.text
    done = admin.put(
        "/api/v1/customer-value/settings", json={"peer_fields": ["ext.custom.industry"]}
    )
    assert done.json() == {"peer_fields": ["ext.custom.industry"], "customers": 5}
    assert admin.post("/api/v1/customer-value/recompute").json()["customers"] == 5
    assert rep2.post("/api/v1/customer-value/recompute").status_code == 403


def test_the_360_page_shows_the_values_with_their_parts(example):
    with example.team.browser("rep1") as browser:
        page = browser.get(f"/customers/{example.ids['A']}")
    assert page.status_code == 200
    html = page.text
    assert 'id="customer-value-panel"' in html
    assert 'id="value-established">30000.00<' in html
    assert 'data-part="wallet_gap">' in html and "155000.00" in html
    assert 'id="value-model">196666.67<' in html


def test_the_nightly_task_recomputes_every_customer(example):
    task = registered(example.team.runtime.plugins().pm.hook)["kht.customer_value"]
    assert task.cron == "30 3 * * *"
    with example.team.ctx("admin") as ctx:
        ctx.session.query(CustomerValue).delete()
    assert task.run(example.team.runtime) == "customer values: 5"
    assert example.value("B").established == "90000.00"


def test_bad_similarity_fields_raise_naming_them(example):
    with example.team.ctx("admin") as ctx, pytest.raises(ValidationError) as error:
        customer.set_peer_fields(ctx, ["id", "updated_at"])
    assert error.value.field in ("peer_fields[0]", "peer_fields[1]")

"""Rep performance: per rep and period, leads, actions by type, quotes sent and win rate,
revenue against quota, deals won and the average cycle; only the reps the reader may see."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import close_opportunity, create_opportunity
from kht.sales.orders.schemas import OrderCreate, OrderUpdate
from kht.sales.orders.service import create_order, update_order
from kht.sales.quotas.schemas import QuotaCreate
from kht.sales.quotas.service import create_quota
from kht.sales.quotes.schemas import LineIn, QuoteCreate
from kht.sales.quotes.service import accept_quote, create_quote, reject_quote, send_quote
from kht.testing import log_in
from plugins.standard_product.performance import blocks, quota_for, rep_performance

SHANGHAI = ZoneInfo("Asia/Shanghai")


def this_month(base: datetime) -> tuple[date, date]:
    """The reader's (Asia/Shanghai) month around `base`: the period of the data set."""
    day = base.astimezone(SHANGHAI).date()
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def line(amount: str) -> list[LineIn]:
    return [LineIn(description="数控机床", quantity=Decimal("1"), unit_price=Decimal(amount))]


@pytest.fixture
def sales(shop):
    """rep1's month: 2 leads, 3 done actions (+1 a year ago, +1 planned), 3 quotes sent (1
    accepted -> an order of 10,000, 1 rejected, 1 open) and a draft, orders of 40,000 (+1
    cancelled, +1 a year ago), 2 won opportunities opened 10 and 4 days before winning
    (30,000 + 20,000), a monthly quota of 100,000. rep2 has one lead; west_rep one lead."""
    base = datetime.now(UTC).replace(microsecond=0)
    start, end = this_month(base)
    shop.settings()
    with shop.at("rep1", base) as ctx:
        customer_id = create_customer(ctx, CustomerCreate(name="精工机械")).id
        lead_ids = [create_lead(ctx, LeadCreate(name=f"线索{i}")).id for i in range(2)]
        for type_ in ("call", "call", "meeting"):
            log_action(
                ctx, ActionCreate(kind="lead", record_id=lead_ids[0], type=type_, subject="跟进")
            )
        log_action(
            ctx,
            ActionCreate(
                kind="lead",
                record_id=lead_ids[1],
                type="visit",
                subject="计划",
                status="planned",
                due_at=base + timedelta(days=1),
            ),
        )
        quotes = []
        for title in ("一号", "二号", "三号", "草稿"):
            quote = create_quote(
                ctx, QuoteCreate(title=title, customer_id=customer_id, lines=line("10000"))
            )
            if title != "草稿":
                send_quote(ctx, quote.id)
            quotes.append(quote.id)
        accept_quote(ctx, quotes[0])
        reject_quote(ctx, quotes[1])
        create_order(
            ctx, OrderCreate(customer_id=customer_id, order_date=start, lines=line("40000"))
        )
        cancelled = create_order(ctx, OrderCreate(customer_id=customer_id, lines=line("5000")))
        update_order(ctx, cancelled.id, OrderUpdate(version=cancelled.version, status="cancelled"))
        create_order(
            ctx,
            OrderCreate(
                customer_id=customer_id, order_date=start - timedelta(days=400), lines=line("7000")
            ),
        )
    with shop.at("rep1", base - timedelta(days=400)) as ctx:
        log_action(ctx, ActionCreate(kind="lead", record_id=lead_ids[0], type="call", subject="旧"))
    for days, amount in ((10, "30000"), (4, "20000")):
        with shop.at("rep1", base - timedelta(days=days)) as ctx:
            opportunity_id = create_opportunity(
                ctx,
                OpportunityCreate(
                    name=f"机会{days}", customer_id=customer_id, amount=Decimal(amount)
                ),
            ).id
        with shop.at("rep1", base) as ctx:
            close_opportunity(ctx, opportunity_id, won=True, reason="签约")
    with shop.at("admin", base) as ctx:
        create_quota(
            ctx,
            QuotaCreate(
                target_type="user",
                target_id=shop.users["rep1"],
                period="month",
                period_start=start,
                amount=Decimal("100000"),
            ),
        )
    for login in ("rep2", "west_rep"):
        with shop.at(login, base) as ctx:
            create_lead(ctx, LeadCreate(name=f"{login}的线索"))
    return {"base": base, "start": start, "end": end}


def test_rep_performance_counts_the_known_data_set_exactly(shop, sales):
    with shop.at("east_mgr", sales["base"]) as ctx:
        report = rep_performance(ctx, sales["start"], sales["end"])
    rows = {row.name: row for row in report.reps}
    rep1 = rows["Rep1"]
    assert rep1.leads == 2
    assert rep1.actions == {"call": 2, "meeting": 1} and rep1.actions_total == 3
    assert (rep1.quotes_sent, rep1.quotes_accepted, rep1.win_rate) == (3, 1, Decimal("33.33"))
    assert rep1.revenue == Decimal("50000.00")  # the accepted quote's order 10,000 + 40,000
    assert (rep1.quota, rep1.attainment) == (Decimal("100000.00"), Decimal("50.00"))
    assert (rep1.won, rep1.won_amount) == (2, Decimal("50000.00"))
    assert rep1.average_cycle_days == Decimal("7.0")  # (10 + 4) / 2
    rep2 = rows["Rep2"]
    assert (rep2.leads, rep2.actions, rep2.quotes_sent, rep2.revenue, rep2.won) == (
        1,
        {},
        0,
        Decimal("0.00"),
        0,
    )
    assert (rep2.quota, rep2.attainment, rep2.win_rate, rep2.average_cycle_days) == (
        None,
        None,
        None,
        None,
    )


def test_a_period_before_the_data_is_empty_but_lists_the_reps(shop, sales):
    start = sales["start"] - timedelta(days=800)
    with shop.at("rep1", sales["base"]) as ctx:
        (row,) = rep_performance(ctx, start, start + timedelta(days=30)).reps
    assert (row.leads, row.actions_total, row.quotes_sent, row.revenue, row.won) == (
        0,
        0,
        0,
        Decimal("0.00"),
        0,
    )


def test_a_rep_sees_only_themself_a_manager_their_department_tree(shop, sales):
    period = f"start={sales['start']}&end={sales['end']}"
    seen = {}
    for login in ("rep1", "east_mgr", "admin"):
        with shop.client(login) as api:
            response = api.get(f"/api/v1/standard_product/rep-performance?{period}")
            assert response.status_code == 200, response.text
            seen[login] = {row["name"] for row in response.json()["reps"]}
    assert seen["rep1"] == {"Rep1"}
    assert seen["east_mgr"] == {"East_Mgr", "Rep1", "Rep2"}
    assert {"West_Rep", "Admin"} <= seen["admin"]
    with shop.client("rep1") as api:
        (row,) = api.get(f"/api/v1/standard_product/rep-performance?{period}").json()["reps"]
    assert row["revenue"] == "50000.00" and row["quota"] == "100000.00"
    assert row["actions"] == {"call": 2, "meeting": 1} and row["average_cycle_days"] == "7.0"


def test_the_department_filter_narrows_to_a_subtree(shop, sales):
    with shop.client("admin") as api:
        everyone = api.get("/api/v1/standard_product/rep-performance").json()
        assert everyone["start"] == str(sales["start"])  # default: the current month
        departments = api.get("/api/v1/departments").json()["items"]
        east = next(d["id"] for d in departments if d["name"] == "East")
        response = api.get(f"/api/v1/standard_product/rep-performance?department_id={east}")
        assert response.status_code == 200, response.text
        assert {row["name"] for row in response.json()["reps"]} == {"East_Mgr", "Rep1", "Rep2"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-13-01&end=2026-12-31", "start"),
        ("start=2026-01-01&end=yesterday", "end"),
        ("start=2026-02-01&end=2026-01-31", "end"),
        ("start=2026-01-01", "end"),
        ("start=2000-01-01&end=2026-01-01", "end"),
        ("department_id=east", "department_id"),
        ("department_id=999999", "department_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(shop, query, field):
    with shop.client("east_mgr") as api:
        response = api.get(f"/api/v1/standard_product/rep-performance?{query}")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_a_role_without_opportunities_may_not_see_it(shop):
    with shop.client("mkt") as api:
        assert api.get("/api/v1/standard_product/rep-performance").status_code == 403


def test_the_page_shows_the_table_and_the_revenue_vs_quota_chart(shop, sales):
    with TestClient(shop.app) as client:
        log_in(client, "east_mgr")
        assert "/standard_product/performance" in client.get("/leads").text
        page = client.get(
            f"/standard_product/performance?period=custom&start={sales['start']}&end={sales['end']}"
        )
        assert page.status_code == 200, page.text
        assert 'id="revenue-quota-chart"' in page.text and "echarts.min.js" in page.text
        assert f'data-user="{shop.users["rep1"]}"' in page.text
        assert f'data-user="{shop.users["west_rep"]}"' not in page.text
        data = json.loads(
            re.search(r'id="performance-data">(.*?)</script>', page.text, re.S).group(1)
        )
        rep1 = data["names"].index("Rep1")
        assert data["revenue"][rep1] == 50000.0 and data["quota"][rep1] == 100000.0
        assert data["quota"][data["names"].index("Rep2")] is None
        month = client.get(f"/standard_product/performance?period=month&on={sales['start']}")
        assert month.status_code == 200 and 'id="previous-period"' in month.text
        quarter = client.get(f"/standard_product/performance?period=quarter&on={sales['start']}")
        assert quarter.status_code == 200
        assert client.get("/standard_product/performance?period=week").status_code == 422
        assert client.get("/standard_product/performance?period=custom&start=x").status_code == 422
    with TestClient(shop.app) as client:
        log_in(client, "mkt")
        assert client.get("/standard_product/performance").status_code == 403


def test_the_range_is_split_into_whole_periods_and_partial_months():
    assert blocks(date(2026, 1, 1), date(2026, 12, 31)) == [("year", date(2026, 1, 1), 1)]
    assert blocks(date(2026, 1, 16), date(2026, 6, 30)) == [
        ("month", date(2026, 1, 1), Decimal(16) / 31),
        ("month", date(2026, 2, 1), 1),
        ("month", date(2026, 3, 1), 1),
        ("quarter", date(2026, 4, 1), 1),
    ]
    assert blocks(date(2026, 4, 1), date(2026, 5, 15)) == [
        ("month", date(2026, 4, 1), 1),
        ("month", date(2026, 5, 1), Decimal(15) / 31),
    ]


def test_quota_for_a_range_adds_whole_periods_and_prorates_partial_months(shop):
    rep1 = shop.users["rep1"]
    with shop.at("admin") as ctx:
        for period, start, amount in (
            ("quarter", date(2026, 4, 1), "90000"),
            ("month", date(2026, 1, 1), "31000"),
            ("month", date(2026, 2, 1), "28000"),
        ):
            create_quota(
                ctx,
                QuotaCreate(
                    target_type="user",
                    target_id=rep1,
                    period=period,
                    period_start=start,
                    amount=Decimal(amount),
                ),
            )
    with shop.at("rep1") as ctx:
        # Jan 16-31 of 31,000 = 16,000; February 28,000; Q2 90,000 (March has none)
        assert quota_for(ctx, date(2026, 1, 16), date(2026, 6, 30)) == {rep1: Decimal("134000.00")}
        # a year without a yearly quota adds up its quarters and months
        assert quota_for(ctx, date(2026, 1, 1), date(2026, 12, 31)) == {rep1: Decimal("149000.00")}
        assert quota_for(ctx, date(2025, 1, 1), date(2025, 12, 31)) == {}
    with shop.at("rep2") as ctx:  # rep2 may not see rep1's quotas
        assert quota_for(ctx, date(2026, 1, 1), date(2026, 12, 31)) == {}


def test_a_department_outside_the_managers_tree_shows_nobody(shop, sales):
    with shop.client("admin") as api:
        departments = api.get("/api/v1/departments").json()["items"]
    west = next(d["id"] for d in departments if d["name"] == "West")
    with shop.client("east_mgr") as api:
        response = api.get(f"/api/v1/standard_product/rep-performance?department_id={west}")
    assert response.status_code == 200 and response.json()["reps"] == []

"""The pack's reports: lead source quality, quote win rate by product line, rep activity."""

from __future__ import annotations

from decimal import Decimal

from litestar.testing import TestClient

from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.leads.convert import convert_lead
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead, get_lead
from kht.products.service import line_names
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import create_opportunity
from kht.sales.quotes.schemas import LineIn, QuoteCreate
from kht.sales.quotes.service import accept_quote, create_quote, reject_quote, send_quote
from kht.testing import add_user, log_in
from plugins.standard_product import reports
from tests.plugins.standard_product.test_lead_score import COLD, HOT


def lead(shop, source: str, values: dict, owner: str = "rep1") -> int:
    with shop.at(owner) as ctx:
        data = LeadCreate(name="线索", source=source, ext={"standard_product": values})
        return create_lead(ctx, data).id


def test_lead_source_quality_counts_scores_hot_and_converted_leads(shop):
    shop.settings()
    lead(shop, "展会", HOT)
    converted = lead(shop, "展会", COLD)
    lead(shop, "官网", COLD)
    lead(shop, "", {})
    with shop.at("rep1") as ctx:
        convert_lead(ctx, converted, get_lead(ctx, converted).version)
    with shop.at("rep1") as ctx:
        rows = {row.source: row for row in reports.lead_source_quality(ctx)}
    fair = rows["展会"]
    assert (fair.leads, fair.average_score, fair.hot, fair.converted) == (2, Decimal("37.50"), 1, 1)
    assert fair.conversion_rate == Decimal("50.00")
    assert (rows["官网"].leads, rows["官网"].average_score, rows["官网"].hot) == (
        1,
        Decimal("15.00"),
        0,
    )
    assert rows["—"].average_score == Decimal("0.00")
    assert list(rows)[0] == "展会"  # most leads first


def test_the_report_only_counts_leads_in_the_readers_scope(shop):
    shop.settings()
    lead(shop, "展会", HOT, owner="rep1")
    lead(shop, "展会", HOT, owner="west_rep")
    with shop.at("rep1") as ctx:
        (row,) = reports.lead_source_quality(ctx)
    assert row.leads == 1
    with shop.at("admin") as ctx:
        (row,) = reports.lead_source_quality(ctx)
    assert row.leads == 2


def sales(shop) -> dict:
    """rep1 quotes two opportunities of the 数控机床 line (one won, one lost) and one
    without an opportunity; all three were sent."""
    add_user(shop.runtime, "line_owner", "sales_rep", business_lines=("数控机床",))
    with shop.at("rep1") as ctx:
        line_id = next(i for i, name in line_names(ctx).items() if name == "数控机床")
        customer_id = create_customer(ctx, CustomerCreate(name="精工机械")).id
        item = LineIn(description="数控机床", quantity=Decimal("1"), unit_price=Decimal("10000"))
        quotes = []
        for name in ("一号机", "二号机", None):
            opportunity_id = None
            if name:
                opportunity_id = create_opportunity(
                    ctx,
                    OpportunityCreate(
                        name=name,
                        customer_id=customer_id,
                        amount=Decimal("10000"),
                        product_line_id=line_id,
                    ),
                ).id
            quote = create_quote(
                ctx,
                QuoteCreate(
                    title=name or "配件",
                    customer_id=customer_id,
                    opportunity_id=opportunity_id,
                    lines=[item],
                ),
            )
            send_quote(ctx, quote.id)
            quotes.append(quote.id)
        accept_quote(ctx, quotes[0])
        reject_quote(ctx, quotes[1])
    return {"line_id": line_id}


def test_quote_win_rate_by_product_line(shop):
    line_id = sales(shop)["line_id"]
    with shop.at("rep1") as ctx:
        rows = reports.quote_win_rate(ctx)
    machine, other = rows
    assert (machine.product_line_id, machine.product_line) == (line_id, "数控机床")
    assert (machine.quotes, machine.accepted, machine.win_rate) == (2, 1, Decimal("50.00"))
    assert machine.accepted_amount == Decimal("10000.00")
    assert (other.product_line, other.quotes, other.accepted, other.win_rate) == ("—", 1, 0, 0)


def test_rep_activity_against_results(shop):
    sales(shop)
    shop.settings()
    hot = lead(shop, "展会", HOT)
    for type_ in ("call", "meeting", "note"):
        shop.act(hot, type_)
    with shop.at("admin") as ctx:
        rows = {row.name: row for row in reports.rep_activity(ctx, days=30)}
    rep1 = rows["Rep1"]
    # the actions are logged by the admin on rep1's lead: they count for their owner, admin
    assert rows["Admin"].actions == 3 and rep1.actions == 0
    assert (rep1.leads, rep1.won, rep1.won_amount) == (1, 1, Decimal("10000.00"))


def test_the_reports_page_and_api(shop):
    shop.settings()
    lead(shop, "展会", HOT)
    with TestClient(shop.app) as client:
        log_in(client, "rep1")
        page = client.get("/standard_product/reports")
        assert page.status_code == 200
        assert 'data-source="展会"' in page.text and 'id="quote-win-rate"' in page.text
        assert "/standard_product/reports" in client.get("/leads").text
        assert client.get("/standard_product/reports?days=0").status_code == 422
    with shop.client("rep1") as api:
        sources = api.get("/api/v1/standard_product/reports/lead-sources")
        assert sources.status_code == 200, sources.text
        assert sources.json()[0]["source"] == "展会"
        assert sources.json()[0]["average_score"] == "60.00"
        assert api.get("/api/v1/standard_product/reports/quote-win-rate").status_code == 200
        bad = api.get("/api/v1/standard_product/reports/rep-activity?days=x")
        assert bad.status_code == 422 and bad.json()["field"] == "days"

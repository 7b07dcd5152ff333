"""Attribution and ROI: web-form leads with a campaign code, first- and last-touch revenue that
add up to the won opportunities, and ROI worked out in Decimal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from litestar.testing import TestClient

from kht.db.base import utcnow
from kht.leads import webform
from kht.leads.models import Lead
from kht.marketing.results import per, ratio, roi
from tests.marketing.conftest import create


def test_roi_worked_examples_in_decimal():
    # Spent 10,000, won 15,000: (15,000 − 10,000) / 10,000 = 0.5, a 50 % return.
    assert roi(Decimal("15000.00"), Decimal("10000.00")) == Decimal("0.5000")
    # Won back only 4,000 of 10,000: a loss of 60 %.
    assert roi(Decimal("4000.00"), Decimal("10000.00")) == Decimal("-0.6000")
    # 1,000 on 3,000: 2/3 rounds half up at the fourth place.
    assert roi(Decimal("1000.00"), Decimal("3000.00")) == Decimal("-0.6667")
    assert roi(Decimal("500.00"), Decimal("0.00")) is None  # nothing spent: no ROI
    assert per(Decimal("10000.00"), 3) == Decimal("3333.33")  # cost per lead
    assert per(Decimal("10000.00"), 0) is None
    assert ratio(7, 40) == Decimal("0.1750")  # response rate
    assert isinstance(roi(Decimal("1"), Decimal("3")), Decimal)


def _form_lead(team, code):
    with TestClient(team.app) as visitor:
        page = visitor.get(f"/forms/lead?campaign={code}")
        assert f'name="campaign" value="{code}"' in page.text
        token = webform.issue_token(
            team.runtime.settings.secret_key, utcnow() - timedelta(seconds=10)
        )
        data = {"name": "林晓梅", "email": "linxm@example.cn", "campaign": code, "token": token}
        response = visitor.post("/forms/lead", data={**data, webform.HONEYPOT: ""})
        assert 'id="form-thanks"' in response.text


def test_a_web_form_lead_with_a_campaign_code_is_the_campaigns_lead_and_member(team):
    campaign = create(team, code="EXPO26", channel="event", budget="3000")
    team.client("mkt").post(
        f"/api/v1/campaigns/{campaign['id']}/costs",
        json={"category": "venue", "amount": "3000", "spent_on": "2026-03-01"},
    )
    _form_lead(team, "EXPO26")
    _form_lead(team, "NO-SUCH-CODE")  # an unknown code still captures the lead, unattributed
    with team.ctx(None) as ctx:
        leads = sorted((lead.id, lead.campaign_id, lead.ext) for lead in ctx.session.query(Lead))
    assert [campaign_id for _, campaign_id, _ in leads] == [campaign["id"], None], leads
    members = team.client("mkt").get(f"/api/v1/campaigns/{campaign['id']}/members").json()
    assert [(m["kind"], m["status"]) for m in members["items"]] == [("lead", "registered")]
    results = team.client("mkt").get(f"/api/v1/campaigns/{campaign['id']}/results").json()
    assert results["leads"] == 1 and Decimal(results["cost_per_lead"]) == Decimal("3000.00")


def _won(team, login, amount, campaign_id=None):
    body = {"name": "扫描仪", "customer_id": team.customers[login], "amount": amount}
    if campaign_id is not None:
        body["campaign_id"] = campaign_id
    client = team.client(login)
    opp = client.post("/api/v1/opportunities", json=body).json()
    closed = client.post(
        f"/api/v1/opportunities/{opp['id']}/close", json={"won": True, "version": opp["version"]}
    )
    assert closed.status_code == 200, closed.text
    return opp


def test_first_and_last_touch_revenue_each_add_up_to_the_won_amounts(team):
    spring = create(team, name="春季邮件", channel="email")
    expo = create(team, name="秋季展会", channel="event")
    client = team.client("mkt")
    responded = {"kind": "customer", "record_id": team.customers["rep1"], "status": "responded"}
    added = client.post(f"/api/v1/campaigns/{spring['id']}/members", json=responded)
    assert added.status_code == 201
    other = {"kind": "customer", "record_id": team.customers["rep2"], "status": "attended"}
    assert client.post(f"/api/v1/campaigns/{expo['id']}/members", json=other).status_code == 201
    # rep1's customer answered the spring mail, then the deal came in through the expo.
    _won(team, "rep1", "1000.00", campaign_id=expo["id"])
    _won(team, "rep2", "2500.00")
    client.post(
        f"/api/v1/campaigns/{spring['id']}/costs",
        json={"category": "media", "amount": "500.00", "spent_on": "2026-03-01"},
    )

    spring_r = client.get(f"/api/v1/campaigns/{spring['id']}/results").json()
    expo_r = client.get(f"/api/v1/campaigns/{expo['id']}/results").json()
    first = {k: Decimal(r["won_revenue_first_touch"]) for k, r in (("s", spring_r), ("e", expo_r))}
    last = {k: Decimal(r["won_revenue_last_touch"]) for k, r in (("s", spring_r), ("e", expo_r))}
    assert first == {"s": Decimal("1000.00"), "e": Decimal("2500.00")}
    assert last == {"s": Decimal("0.00"), "e": Decimal("3500.00")}
    won = Decimal("3500.00")
    assert sum(first.values()) == won == sum(last.values())
    # Spring: (1,000 − 500) / 500 = 1, a 100 % return.
    assert Decimal(spring_r["roi"]) == Decimal("1.0000")
    assert spring_r["opportunities"] == 1 and expo_r["opportunities"] == 1


def test_the_library_reports_effect_and_roi_per_channel(team):
    spring = create(team, name="春季邮件", channel="email")
    create(team, name="空活动", channel="sms")
    client = team.client("mkt")
    responded = {"kind": "customer", "record_id": team.customers["rep1"], "status": "clicked"}
    client.post(f"/api/v1/campaigns/{spring['id']}/members", json=responded)
    responded = {"kind": "customer", "record_id": team.customers["rep2"], "status": "responded"}
    client.post(f"/api/v1/campaigns/{spring['id']}/members", json=responded)
    _won(team, "rep2", "3000.00")
    client.post(
        f"/api/v1/campaigns/{spring['id']}/costs",
        json={"category": "media", "amount": "1200.00", "spent_on": "2026-03-01"},
    )
    listed = {item["key"] for item in client.get("/api/v1/reports").json()}
    assert "marketing.effect_by_channel" in listed
    answer = client.get("/api/v1/reports/marketing.effect_by_channel")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    keys = [m["key"] for m in body["measures"]]
    email = next(row for row in body["rows"] if row["keys"][0] == "email")
    values = dict(zip(keys, email["values"], strict=True))
    assert Decimal(str(values["cost"])) == Decimal("1200.00")
    assert Decimal(str(values["won_revenue"])) == Decimal("3000.00")
    assert Decimal(values["reached"]) == 2 and Decimal(values["responded"]) == 1
    # ROI: (3,000 − 1,200) / 1,200 = 1.5, shown as 150 %.
    assert Decimal(str(values["roi"])) == Decimal("150")
    # Reps have no campaigns: the report is closed to them.
    assert team.client("rep1").get("/api/v1/reports/marketing.effect_by_channel").status_code in (
        403,
        404,
    )


def test_the_effect_report_gives_cost_per_lead_opportunity_and_won_deal(team):
    spring = create(team, name="春季邮件", channel="email")
    client = team.client("mkt")
    for login in ("rep1", "rep2"):
        member = {"kind": "customer", "record_id": team.customers[login], "status": "responded"}
        client.post(f"/api/v1/campaigns/{spring['id']}/members", json=member)
    _won(team, "rep1", "3000.00")
    # A second opportunity attributed to the campaign, still open.
    client_rep2 = team.client("rep2")
    opened = client_rep2.post(
        "/api/v1/opportunities",
        json={"name": "打印机", "customer_id": team.customers["rep2"], "amount": "800.00"},
    )
    assert opened.status_code == 201, opened.text
    client.post(
        f"/api/v1/campaigns/{spring['id']}/costs",
        json={"category": "media", "amount": "1000.00", "spent_on": "2026-03-01"},
    )
    body = client.get("/api/v1/reports/marketing.effect_by_campaign").json()
    keys = [m["key"] for m in body["measures"]]
    row = next(r for r in body["rows"] if r["keys"][0] == "春季邮件")
    values = {
        k: None if v is None else Decimal(str(v)) for k, v in zip(keys, row["values"], strict=True)
    }
    # 1,000 spent; no leads, 2 opportunities, 1 won: per opportunity 500, per won deal 1,000.
    assert values["opportunities"] == 2 and values["won_deals"] == 1
    assert values["cost_per_opportunity"] == Decimal("500.00")
    assert values["cost_per_won_deal"] == Decimal("1000.00")
    assert values["cost_per_lead"] is None  # no leads: no quotient, not a division by zero
    results = client.get(f"/api/v1/campaigns/{spring['id']}/results").json()
    assert Decimal(results["cost_per_opportunity"]) == Decimal("500.00")
    assert results["won_deals"] == 1 and Decimal(results["cost_per_won_deal"]) == Decimal("1000.00")
    with team.browser("mkt") as browser:
        page = browser.get(f"/campaigns/{spring['id']}")
    assert 'id="money-per-opportunity">¥500.00' in page.text
    assert 'id="money-per-won">¥1000.00' in page.text


def test_leads_imported_with_a_campaign_column_are_the_campaigns_leads(team):
    from tests.importing.conftest import csv_bytes, run, upload

    campaign = create(team, name="行业峰会", channel="event", code="SUMMIT")
    rows = [
        ["姓名", "公司", "营销活动"],
        ["王建国", "同方", "SUMMIT"],
        ["李四", "乙", ""],
    ]
    client = team.client("mkt")
    import_id = upload(client, "峰会线索.csv", csv_bytes(rows), kind="lead").json()["id"]
    job = run(client, import_id).json()
    assert job["result"]["created"] == 2, job
    results = client.get(f"/api/v1/campaigns/{campaign['id']}/results").json()
    assert results["leads"] == 1
    refused = client.post("/api/v1/leads", json={"name": "X", "campaign_id": 999999})
    assert refused.status_code == 422 and refused.json()["field"] == "campaign_id"

"""Campaigns: a record kind with its process (gates and an approval), validated input, the
data scope of the campaigns module, costs against the budget and a frozen member list."""

from __future__ import annotations

from decimal import Decimal

from kht.auth.models import Role
from tests.marketing.conftest import create, move, stages
from tests.team import add_user


def test_a_new_campaign_starts_planned_in_the_seeded_campaign_process(team):
    campaign = create(team, budget="5000", start_date="2026-03-01", end_date="2026-03-03")
    assert campaign["stage_key"] == "plan" and campaign["status"] == "open"
    assert Decimal(campaign["budget"]) == Decimal("5000.00")
    processes = team.client("admin").get("/api/v1/processes").json()
    mine = [p for p in processes if p["kind"] == "campaign"]
    assert [s["key"] for s in mine[0]["stages"]] == [
        "plan",
        "approval",
        "preparation",
        "execution",
        "evaluation",
        "closed",
    ]
    listed = team.client("mkt").get("/api/v1/campaigns").json()
    assert [c["name"] for c in listed["items"]] == ["春季展会"]


def test_bad_input_is_a_422_naming_the_field(team):
    client = team.client("mkt")
    body = {"name": "X", "start_date": "2026-03-05", "end_date": "2026-03-01"}
    refused = client.post("/api/v1/campaigns", json=body)
    assert refused.status_code == 422 and refused.json()["field"] == "end_date"
    refused = client.post("/api/v1/campaigns", json={"name": "X", "budget": "-1"})
    assert refused.status_code == 422 and refused.json()["field"] == "budget"
    # A segment the user cannot see: another user's private view.
    view = team.client("admin").post(
        "/api/v1/views", json={"kind": "customer", "name": "私有", "segment": True}
    )
    body = {"name": "X", "segment_view_id": view.json()["id"]}
    refused = client.post("/api/v1/campaigns", json=body)
    assert refused.status_code == 422 and refused.json()["field"] == "segment_view_id"
    campaign = create(team, start_date="2026-03-05")
    stale = client.patch(
        f"/api/v1/campaigns/{campaign['id']}",
        json={"version": campaign["version"], "end_date": "2026-03-01"},
    )
    assert stale.status_code == 422 and stale.json()["field"] == "end_date"
    cost = client.post(
        f"/api/v1/campaigns/{campaign['id']}/costs",
        json={"category": "venue", "amount": "-0.01", "spent_on": "2026-03-01"},
    )
    assert cost.status_code == 422 and cost.json()["field"] == "amount"
    assert client.get(f"/api/v1/campaigns/{campaign['id']}/costs").json() == []


def test_a_custom_process_holds_a_campaign_at_its_gates_and_its_approval(team):
    admin = team.client("admin")
    body = {
        "key": "trade_show",
        "kind": "campaign",
        "name_zh": "展会流程",
        "name_en": "Trade show",
        "stages": [
            {
                "key": "plan",
                "name_zh": "计划",
                "name_en": "Plan",
                "required_fields": ["budget", "end_date"],
            },
            {"key": "approve", "name_zh": "审批", "name_en": "OK", "approval_role": "executive"},
            {"key": "run", "name_zh": "执行", "name_en": "Run", "required_actions": ["meeting"]},
            {"key": "done", "name_zh": "结束", "name_en": "Done", "outcome": "closed"},
        ],
    }
    made = admin.post("/api/v1/processes", json=body)
    assert made.status_code == 201, made.text
    add_user(team.runtime, "boss", "executive", department="HQ")
    campaign = create(team, process_id=made.json()["id"])
    ids = stages(team, campaign)

    blocked = move(team, "mkt", campaign["id"], ids["approve"])
    assert blocked.status_code == 422 and blocked.json()["field"] == "stage_id"
    assert "budget must be filled before leaving Plan" in blocked.json()["message"]
    assert "end_date must be filled" in blocked.json()["message"]
    now = team.client("mkt").get(f"/api/v1/campaigns/{campaign['id']}").json()
    team.client("mkt").patch(
        f"/api/v1/campaigns/{campaign['id']}",
        json={"version": now["version"], "budget": "8000", "end_date": "2026-04-01"},
    )
    assert move(team, "mkt", campaign["id"], ids["approve"]).status_code == 200

    waiting = move(team, "mkt", campaign["id"], ids["run"])
    assert waiting.status_code == 422 and "approval by executive" in waiting.json()["message"]
    decision = {"kind": "campaign", "record_id": campaign["id"], "decision": "approved"}
    assert team.client("mkt").post("/api/v1/approvals", json=decision).status_code == 403
    assert team.client("boss").post("/api/v1/approvals", json=decision).status_code == 201
    assert move(team, "mkt", campaign["id"], ids["run"]).status_code == 200

    gated = move(team, "mkt", campaign["id"], ids["done"])
    assert gated.status_code == 422 and "meeting action must be logged" in gated.json()["message"]
    history = [row.action for row in team.audit("campaign", campaign["id"])]
    assert "approved" in history
    with team.browser("mkt") as browser:
        page = _history(browser.get(f"/campaigns/{campaign['id']}").text)
    assert "审批" in page  # the approved stage by its name
    assert "stage_id" not in page and "process_id" not in page and "approve" not in page


def _history(page: str) -> str:
    """The visible text of a record page's history section."""
    import re

    section = page.split('id="history"', 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_campaigns_follow_the_scope_of_the_campaigns_module(team):
    create(team, name="市场部活动")
    # A sales rep's role does not grant campaigns at all.
    assert team.client("rep1").get("/api/v1/campaigns").status_code == 403
    with team.ctx(None) as ctx:
        grants = {"campaigns": {"ops": ["view", "create", "edit"], "scope": "own"}}
        ctx.session.add(Role(key="field_marketer", name_zh="助理", name_en="Field", grants=grants))
    add_user(team.runtime, "helper", "field_marketer", department="Marketing")
    create(team, login="helper", name="自己的活动")
    seen = team.client("helper").get("/api/v1/campaigns").json()
    assert [c["name"] for c in seen["items"]] == ["自己的活动"]
    others = team.client("mkt").get("/api/v1/campaigns", params={"q": "市场部"}).json()["items"]
    assert team.client("helper").get(f"/api/v1/campaigns/{others[0]['id']}").status_code == 404


def test_costs_add_up_against_the_budget_with_a_warning_past_it(team):
    campaign = create(team, budget="1000.00")
    client = team.client("mkt")
    for amount in ("600.50", "500.00"):
        line = {"category": "venue", "amount": amount, "spent_on": "2026-03-01", "supplier": "国展"}
        added = client.post(f"/api/v1/campaigns/{campaign['id']}/costs", json=line)
        assert added.status_code == 201
    results = client.get(f"/api/v1/campaigns/{campaign['id']}/results").json()
    assert Decimal(results["cost"]) == Decimal("1100.50")
    assert Decimal(results["remaining"]) == Decimal("-100.50")
    assert results["over_budget"] is True
    with team.browser("mkt") as browser:
        page = browser.get(f"/campaigns/{campaign['id']}")
    assert page.status_code == 200 and 'id="over-budget"' in page.text
    assert "¥1100.50" in page.text


def test_launching_freezes_the_segment_into_members_once(team):
    admin = team.client("admin")
    view = admin.post(
        "/api/v1/views",
        json={"kind": "customer", "name": "全部客户", "segment": True, "shared": True},
    ).json()
    campaign = create(team, segment_view_id=view["id"])
    client = team.client("mkt")
    launched = client.post(
        f"/api/v1/campaigns/{campaign['id']}/launch", json={"version": campaign["version"]}
    )
    assert launched.status_code == 200, launched.text
    members = client.get(f"/api/v1/campaigns/{campaign['id']}/members").json()
    assert members["total"] == 2
    emails = {m["email"] for m in members["items"]}
    assert emails == {"buy@nuctech.example.cn", "info@acme.example.com"}
    assert {m["status"] for m in members["items"]} == {"targeted"}
    team.customer("后来的客户", "rep1")  # joins the segment after launch: not a member
    again = client.post(
        f"/api/v1/campaigns/{campaign['id']}/launch", json={"version": launched.json()["version"]}
    )
    assert again.status_code == 409
    assert client.get(f"/api/v1/campaigns/{campaign['id']}/members").json()["total"] == 2


def test_the_calendar_feed_lists_campaigns_in_scope_over_their_period(team):
    create(team, name="三月展会", start_date="2026-03-10", end_date="2026-03-12")
    create(team, name="五月活动", start_date="2026-05-01")
    with team.browser("mkt") as browser:
        march = browser.get(
            "/campaigns/calendar/events", params={"start": "2026-03-01", "end": "2026-04-01"}
        )
        assert [(e["title"], e["start"], e["end"]) for e in march.json()] == [
            ("三月展会", "2026-03-10", "2026-03-13")
        ]
        bad = browser.get("/campaigns/calendar/events", params={"start": "x", "end": "y"})
        assert bad.status_code == 422 and bad.json()["field"] == "start"
        assert browser.get("/campaigns/calendar").status_code == 200
    with team.browser("rep1") as browser:
        refused = browser.get(
            "/campaigns/calendar/events", params={"start": "2026-03-01", "end": "2026-04-01"}
        )
        assert refused.status_code == 403


def test_the_process_pages_show_and_edit_campaign_processes(team):
    with team.browser("admin") as browser:
        page = browser.get("/admin/processes")
        assert page.status_code == 200
        assert "营销活动流程" in page.text and "营销活动" in page.text
        campaign = next(
            p
            for p in team.client("admin").get("/api/v1/processes").json()
            if p["kind"] == "campaign"
        )
        edit = browser.get(f"/admin/processes/{campaign['id']}")
        assert edit.status_code == 200
        assert 'name="s-1-approval_role"' in edit.text
        assert '<option value="administrator" selected>' in edit.text


def test_members_are_found_and_checked_in_by_hand_on_the_campaign_page(team):
    from kht.testing import csrf_token

    admin = team.client("admin")
    view = admin.post(
        "/api/v1/views",
        json={"kind": "customer", "name": "全部", "segment": True, "shared": True},
    ).json()
    campaign = create(team, segment_view_id=view["id"])
    client = team.client("mkt")
    client.post(f"/api/v1/campaigns/{campaign['id']}/launch", json={"version": campaign["version"]})
    found = client.get(f"/api/v1/campaigns/{campaign['id']}/members", params={"q": "acme"}).json()
    assert [m["name"] for m in found["items"]] == ["Acme Trading"]
    with team.browser("mkt") as browser:
        page = browser.get(f"/campaigns/{campaign['id']}")
        assert 'id="member-table"' in page.text and "Acme Trading" in page.text
        form = {
            "_csrf_token": csrf_token(browser),
            "kind": "customer",
            "record_id": str(team.customers["rep2"]),
            "status": "attended",
        }
        saved = browser.post(
            f"/campaigns/{campaign['id']}/members", data=form, follow_redirects=False
        )
        assert saved.status_code == 303
        bad = browser.post(
            f"/campaigns/{campaign['id']}/members", data={**form, "status": "nonsense"}
        )
        assert bad.status_code == 422
    after = client.get(f"/api/v1/campaigns/{campaign['id']}/members", params={"q": "acme"}).json()
    assert after["items"][0]["status"] == "attended"


def test_the_history_names_member_statuses_and_cost_categories_in_words(team):
    campaign = create(team, budget="5000")
    client = team.client("mkt")
    cost = {"category": "venue", "amount": "1200", "spent_on": "2026-03-01"}
    assert client.post(f"/api/v1/campaigns/{campaign['id']}/costs", json=cost).status_code == 201
    from kht.marketing.members import set_member

    with team.ctx("mkt") as ctx:
        set_member(ctx, campaign["id"], "customer", team.customers["rep2"], "attended")
    with team.browser("mkt") as browser:
        page = _history(browser.get(f"/campaigns/{campaign['id']}").text)
    assert "场地" in page and "1200" in page  # the venue cost line
    assert "成员状态" in page and "已出席" in page  # the member's status
    for key in ("venue", "attended", "cost_category", "member_status", "customer:"):
        assert key not in page, key

"""Dashboards: each widget's data in the viewer's scope, KPI arithmetic on the viewer's
calendar, role defaults, the user's own layout, and 422s that name the field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from kht.dashboards import service
from kht.dashboards.kpi import bounds, change
from kht.dashboards.schemas import Widget
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import create_opportunity
from kht.testing import add_user, csrf_token
from tests.team import build_team


@pytest.fixture
def team(kht_app):
    return build_team(kht_app)


def _data(team, login: str, **widget):
    with team.ctx(login) as ctx:
        return service.widget_data(ctx, Widget(id="x", **widget))


def _deal(team, login: str, customer_id: int, name: str, amount: str) -> None:
    with team.ctx(login) as ctx:
        data = OpportunityCreate(name=name, customer_id=customer_id, amount=Decimal(amount))
        create_opportunity(ctx, data)


def test_widget_data_is_the_viewers_scope_rep_against_manager(team):
    for name, owner in [("甲", "rep1"), ("乙", "rep1"), ("丙", "rep2"), ("丁", "west_rep")]:
        team.customer(f"{name}公司", owner=owner)
    rep = _data(team, "rep1", type="report", key="customers.by_owner")
    manager = _data(team, "east_mgr", type="report", key="customers.by_owner")
    assert rep.error == "" and rep.report.totals[0] == 2
    assert [row.values[0] for row in rep.report.rows] == [2]
    assert manager.report.totals[0] == 3  # Sales/East: rep1 and rep2, not the West


def test_list_widgets_show_only_the_viewers_deals(team):
    mine = team.customer("东方精工", owner="rep1")
    theirs = team.customer("西部机械", owner="rep2")
    _deal(team, "rep1", mine, "小单", "1000")
    _deal(team, "rep1", mine, "大单", "90000")
    _deal(team, "rep2", theirs, "别人的单", "500000")
    rep = _data(team, "rep1", type="list", key="biggest_deals")
    assert [item.title for item in rep.items] == ["大单", "小单"]
    assert "90,000.00" in rep.items[0].note
    # marketing may not view opportunities: the widget says so instead of failing the page
    assert _data(team, "mkt", type="list", key="biggest_deals").error


def test_a_report_the_viewer_may_not_open_is_an_error_in_the_widget_only(team):
    data = _data(team, "mkt", type="report", key="opportunities.pipeline_by_stage")
    assert data.report is None and data.error


def test_kpi_change_arithmetic():
    assert change(3, 2) == Decimal("50.0")
    assert change(1, 3) == Decimal("-66.7")
    assert change(Decimal("1200.50"), Decimal("1000.00")) == Decimal("20.1")
    assert change(5, 0) is None and change(None, 4) is None and change(0, 4) == Decimal("-100.0")


def test_kpi_periods_are_whole_periods_before_the_current_one():
    assert bounds("month", date(2026, 3, 31)) == (
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 2, 1),
    )
    assert bounds("quarter", date(2026, 1, 5)) == (
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2025, 10, 1),
    )
    assert bounds("week", date(2026, 4, 1)) == (
        date(2026, 3, 30),
        date(2026, 4, 6),
        date(2026, 3, 23),
    )
    assert bounds("year", date(2026, 6, 1)) == (
        date(2026, 1, 1),
        date(2027, 1, 1),
        date(2025, 1, 1),
    )


def _customers_at(team, when: datetime, count: int, owner: str = "rep1") -> None:
    with time_machine.travel(when, tick=False):
        for index in range(count):
            team.customer(f"{when:%m%d}客户{index}", owner=owner)


@pytest.mark.parametrize(
    ("now", "value", "previous", "moved"),
    [
        # 23:59 on 31 March in Shanghai: March against February.
        (datetime(2026, 3, 31, 15, 59, tzinfo=UTC), 3, 2, Decimal("50.0")),
        # 00:01 on 1 April in Shanghai (still 31 March in UTC): April against March.
        (datetime(2026, 3, 31, 16, 1, tzinfo=UTC), 1, 3, Decimal("-66.7")),
    ],
)
def test_kpi_counts_the_viewers_period_against_the_previous(team, now, value, previous, moved):
    _customers_at(team, datetime(2026, 2, 10, 3, 0, tzinfo=UTC), 2)
    _customers_at(team, datetime(2026, 3, 10, 3, 0, tzinfo=UTC), 3)
    _customers_at(team, datetime(2026, 4, 1, 2, 0, tzinfo=UTC), 1)
    _customers_at(team, datetime(2026, 3, 12, 3, 0, tzinfo=UTC), 4, owner="west_rep")
    with time_machine.travel(now, tick=False):
        data = _data(team, "rep1", type="kpi", key="customers.growth_month", period="month")
    kpi = data.kpi
    assert (kpi.value, kpi.previous, kpi.change) == (value, previous, moved)
    assert kpi.start == (date(2026, 3, 1) if now.minute == 59 else date(2026, 4, 1))


def test_role_default_applies_to_a_new_user(team):
    widgets = [
        {"type": "kpi", "key": "orders.revenue_month", "w": 4, "period": "quarter"},
        {"type": "list", "key": "overdue_actions", "w": 8},
    ]
    answer = team.client("admin").put(
        "/api/v1/dashboards/roles/sales_rep", json={"widgets": widgets}
    )
    assert answer.status_code == 200, answer.text
    add_user(team.runtime, "newbie", "sales_rep", department="Sales/East")
    mine = team.client("newbie").get("/api/v1/dashboards/mine").json()
    assert mine["source"] == "role" and mine["role"] == "sales_rep"
    assert [(w["type"], w["key"], w["w"]) for w in mine["widgets"]] == [
        ("kpi", "orders.revenue_month", 4),
        ("list", "overdue_actions", 8),
    ]
    # another role keeps kht's standard dashboard
    assert team.client("mkt").get("/api/v1/dashboards/mine").json()["source"] == "standard"


def test_only_administrators_set_role_defaults(team):
    body = {"widgets": [{"type": "list", "key": "overdue_actions"}]}
    assert (
        team.client("east_mgr").put("/api/v1/dashboards/roles/sales_rep", json=body).status_code
        == 403
    )
    missing = team.client("admin").put("/api/v1/dashboards/roles/nobody", json=body)
    assert missing.status_code == 404


def test_own_layout_persists_edit_save_reload(team):
    client = team.client("rep1")
    shown = client.get("/api/v1/dashboards/mine").json()
    assert shown["source"] == "standard"
    widgets = list(reversed(shown["widgets"]))[:3]
    widgets[0]["w"] = 12
    saved = client.put("/api/v1/dashboards/mine", json={"widgets": widgets})
    assert saved.status_code == 200, saved.text
    again = client.get("/api/v1/dashboards/mine").json()
    assert again["source"] == "own"
    assert [(w["id"], w["key"], w["w"]) for w in again["widgets"]] == [
        (w["id"], w["key"], w["w"]) for w in widgets
    ]
    stale = client.put("/api/v1/dashboards/mine", json={"widgets": widgets, "version": 0})
    assert stale.status_code == 409
    back = client.delete("/api/v1/dashboards/mine").json()
    assert back["source"] == "standard"


@pytest.mark.parametrize(
    ("widget", "field"),
    [
        ({"type": "report", "key": "no.such_report"}, "widgets[1].key"),
        ({"type": "report", "key": "customers.by_stage", "w": 5}, "widgets[1].w"),
        ({"type": "report", "key": "customers.by_stage", "h": 9}, "widgets[1].h"),
        ({"type": "pie", "key": "customers.by_stage"}, "widgets[1].type"),
        ({"type": "list", "key": "everything"}, "widgets[1].key"),
        ({"type": "kpi", "key": "customers.by_stage", "period": "decade"}, "widgets[1].period"),
        (
            {"type": "kpi", "key": "customers.by_stage", "date_field": "name"},
            "widgets[1].date_field",
        ),
        ({"type": "report", "key": "analysis.funnel"}, "widgets[1].key"),
    ],
)
def test_bad_widgets_are_a_422_naming_the_field(team, widget, field):
    client = team.client("rep1")
    good = {"type": "list", "key": "overdue_actions"}
    answer = client.put("/api/v1/dashboards/mine", json={"widgets": [good, widget]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert client.get("/api/v1/dashboards/mine").json()["source"] == "standard"  # nothing saved


def test_a_rep_may_not_put_a_report_on_records_they_cannot_view(team):
    body = {"widgets": [{"type": "report", "key": "leads.by_source"}]}
    add_user(team.runtime, "svc", "service")
    refused = team.client("svc").put("/api/v1/dashboards/mine", json=body)
    assert refused.status_code == 422 and refused.json()["field"] == "widgets[0].key"


def test_widget_data_api_is_scoped(team):
    team.customer("甲公司", owner="rep1")
    team.customer("乙公司", owner="rep2")
    body = {"widgets": [{"type": "report", "key": "customers.by_owner", "view": "table"}]}
    for login in ("rep1", "east_mgr"):
        assert team.client(login).put("/api/v1/dashboards/mine", json=body).status_code == 200
    rep = team.client("rep1").get("/api/v1/dashboards/mine/data").json()
    manager = team.client("east_mgr").get("/api/v1/dashboards/mine/data").json()
    assert rep[0]["report"]["totals"] == [1]
    assert manager[0]["report"]["totals"] == [2]


def test_home_page_is_the_dashboard_and_its_edits_persist(team):
    team.customer("甲公司", owner="rep1")
    with team.browser("rep1") as client:
        page = client.get("/")
        assert page.status_code == 200
        assert 'id="dashboard-grid"' in page.text and 'id="myday-overdue"' in page.text
        widgets = team.client("rep1").get("/api/v1/dashboards/mine").json()["widgets"]
        headers = {"x-csrftoken": csrf_token(client)}
        first = widgets[0]["id"]
        resized = client.post(
            f"/dashboard/widgets/{first}/size", data={"w": "12", "h": "2"}, headers=headers
        )
        assert resized.status_code in (200, 303)
        removed = client.post(f"/dashboard/widgets/{widgets[1]['id']}/remove", headers=headers)
        assert removed.status_code in (200, 303)
        order = [w["id"] for w in widgets if w["id"] != widgets[1]["id"]]
        order = order[::-1]
        moved = client.post("/dashboard/order", data={"order": ",".join(order)}, headers=headers)
        assert moved.json()["ok"] is True
        page = client.get("/")
    again = team.client("rep1").get("/api/v1/dashboards/mine").json()
    assert [w["id"] for w in again["widgets"]] == order
    assert next(w for w in again["widgets"] if w["id"] == first)["w"] == 12
    assert f'data-id="{first}" data-type' in page.text and "col-lg-12" in page.text


def test_an_administrator_publishes_their_dashboard_as_a_roles_default(team):
    widgets = [{"type": "list", "key": "quotes_waiting", "w": 12}]
    assert (
        team.client("admin").put("/api/v1/dashboards/mine", json={"widgets": widgets}).status_code
        == 200
    )
    with team.browser("admin") as client:
        page = client.get("/").text
        assert 'id="dashboard-publish"' in page
        published = client.post(
            "/dashboard/publish",
            data={"role": "sales_rep"},
            headers={"x-csrftoken": csrf_token(client)},
        )
        assert published.status_code in (200, 303)
    mine = team.client("rep2").get("/api/v1/dashboards/mine").json()
    assert mine["source"] == "role" and [w["key"] for w in mine["widgets"]] == ["quotes_waiting"]
    with team.browser("rep2") as client:
        assert 'id="dashboard-publish"' not in client.get("/").text
        refused = client.post(
            "/dashboard/publish",
            data={"role": "sales_rep"},
            headers={"x-csrftoken": csrf_token(client)},
        )
        assert refused.status_code == 403


def test_a_saved_reports_widget_is_titled_and_linked_like_a_library_one(team):
    client = team.client("rep1")
    copy = client.post("/api/v1/reports/customers.by_owner/copy")
    assert copy.status_code == 201, copy.text
    key = copy.json()["key"]

    shown = _data(team, "rep1", type="report", key=key)

    assert shown.error == ""
    assert shown.title == copy.json()["title"] and shown.title != key
    assert shown.url.endswith(key)

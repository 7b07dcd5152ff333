"""Scheduled delivery over a real SMTP server: each recipient gets their own data, once per
period, from 07:00 on their clock."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import openpyxl
import pytest
import time_machine
from pypdf import PdfReader

from kht.delivery.run import run_due
from kht.testing import csrf_token
from tests.actions.test_reminders import set_emails, with_mail
from tests.team import build_team

# 10:00 on Tuesday 31 March in Shanghai
MORNING = datetime(2026, 3, 31, 2, 0, tzinfo=UTC)


@pytest.fixture
def team(kht_app):
    team = build_team(kht_app)
    set_emails(
        team,
        rep1="rep1@example.com",
        rep2="rep2@example.com",
        west_rep="west@example.com",
        east_mgr="mgr@example.com",
    )
    for name, owner in [
        ("甲公司", "rep1"),
        ("乙公司", "rep1"),
        ("丙公司", "rep2"),
        ("丁公司", "west_rep"),
    ]:
        team.customer(name, owner=owner)
    return team


def _subscribe(team, login: str, **body) -> dict:
    answer = team.client(login).post("/api/v1/subscriptions", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _mails(inbox) -> dict[str, list]:
    found: dict[str, list] = {}
    for recipients, message in inbox.messages:
        for address in recipients:
            found.setdefault(address, []).append(message)
    return found


def _attachment(message, suffix: str):
    (attached,) = [a for a in message.iter_attachments() if a.get_filename().endswith(suffix)]
    return attached


def _pdf_pages(message) -> list[str]:
    """The text of each page of the mail's PDF, as a reader would copy it."""
    attached = _attachment(message, ".pdf")
    assert attached.get_content_type() == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(attached.get_content())).pages]


def _sheet(message) -> list[tuple]:
    attached = _attachment(message, ".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(attached.get_content()))
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_a_role_subscription_mails_each_member_only_their_own_data(team, smtp):
    controller, inbox = smtp
    runtime = with_mail(team, controller)
    _subscribe(
        team, "east_mgr", report_key="customers.by_owner", frequency="weekly", role="sales_rep"
    )
    with time_machine.travel(MORNING, tick=False):
        assert run_due(runtime) == 3
    mails = _mails(inbox)
    assert sorted(mails) == ["rep1@example.com", "rep2@example.com", "west@example.com"]
    rows = _sheet(mails["rep1@example.com"][0])
    assert rows[1:] == [("Rep1", 2)]  # the recipient's data, not the manager's (3 in East)
    assert _sheet(mails["rep2@example.com"][0])[1:] == [("Rep2", 1)]
    assert _sheet(mails["west@example.com"][0])[1:] == [("West_Rep", 1)]
    html = _html(mails["rep1@example.com"][0])
    assert "Rep1" in html and "Rep2" not in html
    assert "各负责人客户数" in mails["rep1@example.com"][0]["Subject"]


def test_the_mail_carries_a_pdf_of_the_chart_and_table_with_the_recipients_data(team, smtp):
    controller, inbox = smtp
    runtime = with_mail(team, controller)
    _subscribe(
        team, "east_mgr", report_key="customers.by_owner", frequency="weekly", role="sales_rep"
    )
    with time_machine.travel(MORNING, tick=False):
        assert run_due(runtime) == 3
    mails = _mails(inbox)
    (page,) = _pdf_pages(mails["rep1@example.com"][0])
    # The heading in Chinese, and the rep's own group twice: the chart's label and the table's row.
    assert "各负责人客户数" in page
    assert page.count("Rep1") == 2 and "Rep2" not in page
    (other,) = _pdf_pages(mails["rep2@example.com"][0])
    assert other.count("Rep2") == 2 and "Rep1" not in other


def test_each_period_is_delivered_exactly_once_even_by_two_workers(team, smtp):
    controller, inbox = smtp
    runtime = with_mail(team, controller)
    _subscribe(team, "rep1", report_key="customers.by_stage", frequency="weekly")
    with time_machine.travel(MORNING, tick=False):
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(lambda _: run_due(runtime), range(2)))
        assert sum(outcomes) == 1
        assert run_due(runtime) == 0
    assert len(inbox.messages) == 1
    with time_machine.travel(datetime(2026, 4, 6, 2, 0, tzinfo=UTC), tick=False):  # next Monday
        assert run_due(runtime) == 1
        assert run_due(runtime) == 0
    assert len(inbox.messages) == 2


@pytest.mark.parametrize(
    ("now", "sent"),
    [
        (datetime(2026, 3, 31, 15, 59, tzinfo=UTC), True),  # 23:59 on the 31st: that day's
        (datetime(2026, 3, 31, 16, 1, tzinfo=UTC), False),  # 00:01 on 1 April: before 07:00
        (datetime(2026, 3, 31, 23, 1, tzinfo=UTC), True),  # 07:01 on 1 April
    ],
)
def test_a_daily_delivery_follows_the_recipients_day(team, smtp, now, sent):
    controller, inbox = smtp
    runtime = with_mail(team, controller)
    _subscribe(team, "rep1", report_key="customers.by_stage", frequency="daily")
    with time_machine.travel(datetime(2026, 3, 31, 2, 0, tzinfo=UTC), tick=False):
        assert run_due(runtime) == 1  # 31 March's
    with time_machine.travel(now, tick=False):
        assert run_due(runtime) == int(sent and now.hour == 23)
    assert len(inbox.messages) == 1 + int(sent and now.hour == 23)


def test_a_dashboard_subscription_mails_the_recipients_dashboard(team, smtp):
    controller, inbox = smtp
    runtime = with_mail(team, controller)
    widgets = [
        {"type": "kpi", "key": "customers.growth_month", "w": 6},
        {"type": "report", "key": "customers.by_owner", "w": 6},
        {"type": "list", "key": "overdue_actions", "w": 6},
    ]
    assert (
        team.client("rep1").put("/api/v1/dashboards/mine", json={"widgets": widgets}).status_code
        == 200
    )
    _subscribe(team, "rep1", frequency="monthly")
    with time_machine.travel(MORNING, tick=False):
        assert run_due(runtime) == 1
    (message,) = inbox.messages[0][1:]
    html = _html(message)
    assert "每月新增客户" in html and "各负责人客户数" in html and "我的逾期行动" in html
    attached = _attachment(message, ".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(attached.get_content()))
    by_owner = [tuple(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert by_owner[1:] == [("Rep1", 2)]
    (page,) = _pdf_pages(message)
    assert "每月新增客户" in page and "各负责人客户数" in page
    assert page.count("Rep1") == 2  # the report widget's chart and its table


def test_a_recipient_without_the_right_gets_nothing_and_it_is_recorded(team, smtp):
    controller, inbox = smtp
    runtime = with_mail(team, controller)
    set_emails(team, mkt="mkt@example.com")
    _subscribe(
        team,
        "admin",
        report_key="opportunities.pipeline_by_stage",
        frequency="daily",
        role="marketing",
    )
    with time_machine.travel(MORNING, tick=False):
        assert run_due(runtime) == 0
        assert run_due(runtime) == 0
    assert inbox.messages == []


@pytest.mark.parametrize(
    ("login", "body", "status", "field"),
    [
        ("rep1", {"report_key": "no.such", "frequency": "daily"}, 422, "report_key"),
        ("rep1", {"report_key": "analysis.funnel", "frequency": "daily"}, 422, "report_key"),
        ("rep1", {"report_key": "customers.by_stage", "frequency": "hourly"}, 422, "frequency"),
        (
            "rep1",
            {"report_key": "customers.by_stage", "frequency": "daily", "role": "sales_rep"},
            403,
            None,
        ),
        ("east_mgr", {"frequency": "daily", "role": "nobody"}, 422, "role"),
        ("east_mgr", {"frequency": "daily", "user_id": 9999}, 422, "user_id"),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(team, login, body, status, field):
    answer = team.client(login).post("/api/v1/subscriptions", json=body)
    assert answer.status_code == status, answer.text
    if field:
        assert answer.json()["field"] == field


def test_subscriptions_are_listed_and_ended_by_their_people(team):
    made = _subscribe(
        team,
        "east_mgr",
        report_key="customers.by_stage",
        frequency="daily",
        user_id=team.users["rep1"],
    )
    assert [s["id"] for s in team.client("rep1").get("/api/v1/subscriptions").json()] == [
        made["id"]
    ]
    assert team.client("rep2").get("/api/v1/subscriptions").json() == []
    assert team.client("rep2").delete(f"/api/v1/subscriptions/{made['id']}").status_code == 404
    assert team.client("rep1").delete(f"/api/v1/subscriptions/{made['id']}").status_code == 204


def test_the_worker_delivers_reports_every_five_minutes(team):
    from kht.jobs.periodic import registered

    with team.ctx(None) as ctx:
        task = registered(ctx.hook)["kht.deliver_reports"]
    assert task.cron == "*/5 * * * *"


def test_the_home_page_mails_me_my_dashboard_and_stops_it(team):
    with team.browser("rep1") as client:
        headers = {"x-csrftoken": csrf_token(client)}
        made = client.post("/subscriptions", data={"frequency": "weekly"}, headers=headers)
        assert made.status_code in (200, 303)
        page = client.get("/").text
        (mine,) = team.client("rep1").get("/api/v1/subscriptions").json()
        assert (mine["report_key"], mine["frequency"], mine["user_id"]) == (
            "",
            "weekly",
            team.users["rep1"],
        )
        assert f'data-subscription="{mine["id"]}"' in page and "我的仪表盘 · 每周" in page
        bad = client.post("/subscriptions", data={"frequency": "hourly"}, headers=headers)
        assert bad.status_code == 422
        client.post(f"/subscriptions/{mine['id']}/end", headers=headers)
        assert 'data-subscription="' not in client.get("/").text
    assert team.client("rep1").get("/api/v1/subscriptions").json() == []


def test_a_report_page_subscribes_me_and_stops_the_mail(team):
    with team.browser("rep1") as client:
        headers = {"x-csrftoken": csrf_token(client)}
        page = client.get("/reports/customers.by_stage").text
        assert 'id="report-subscribe-form"' in page
        made = client.post(
            "/subscriptions",
            data={
                "frequency": "monthly",
                "report_key": "customers.by_stage",
                "next": "/reports/customers.by_stage",
            },
            headers=headers,
            follow_redirects=False,
        )
        assert made.status_code == 303
        assert made.headers["location"] == "/reports/customers.by_stage"
        (mine,) = team.client("rep1").get("/api/v1/subscriptions").json()
        assert (mine["report_key"], mine["frequency"]) == ("customers.by_stage", "monthly")
        page = client.get("/reports/customers.by_stage").text
        assert f'data-subscription="{mine["id"]}"' in page and "每月" in page
        assert 'id="report-subscribe-form"' not in page
        # Another report's page offers its own subscription.
        assert 'id="report-subscribe-form"' in client.get("/reports/customers.by_owner").text
        client.post(
            f"/subscriptions/{mine['id']}/end",
            data={"next": "/reports/customers.by_stage"},
            headers=headers,
        )
        assert 'id="report-subscribe-form"' in client.get("/reports/customers.by_stage").text
        # A rep may not mail a role.
        refused = client.post(
            "/subscriptions",
            data={"frequency": "daily", "report_key": "customers.by_stage", "role": "sales_rep"},
            headers=headers,
        )
        assert refused.status_code == 403
    assert team.client("rep1").get("/api/v1/subscriptions").json() == []


def test_the_role_subscriptions_page_adds_lists_and_stops_them(team):
    with team.browser("rep1") as client:
        assert client.get("/admin/subscriptions").status_code == 403
    with team.browser("east_mgr") as client:
        headers = {"x-csrftoken": csrf_token(client)}
        page = client.get("/admin/subscriptions").text
        assert 'id="no-role-subscriptions"' in page and 'value="customers.by_owner"' in page
        added = client.post(
            "/admin/subscriptions",
            data={"report_key": "customers.by_owner", "role": "sales_rep", "frequency": "weekly"},
            headers=headers,
            follow_redirects=False,
        )
        assert added.status_code == 303
        (made,) = team.client("east_mgr").get("/api/v1/subscriptions").json()
        assert (made["report_key"], made["role"], made["frequency"]) == (
            "customers.by_owner",
            "sales_rep",
            "weekly",
        )
        page = client.get("/admin/subscriptions").text
        assert f'data-subscription="{made["id"]}"' in page and "各负责人客户数" in page
        bad = client.post(
            "/admin/subscriptions",
            data={"report_key": "customers.by_owner", "role": "nobody", "frequency": "weekly"},
            headers=headers,
        )
        assert bad.status_code == 422 and 'id="form-error"' in bad.text
        client.post(
            f"/subscriptions/{made['id']}/end",
            data={"next": "/admin/subscriptions"},
            headers=headers,
        )
        assert 'id="no-role-subscriptions"' in client.get("/admin/subscriptions").text

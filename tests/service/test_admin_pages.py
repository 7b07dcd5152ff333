"""The service setup page (`/admin/service`): queues and SLA policies are added and edited
through forms (the same services as the API); bad input is the page again with a 4xx naming
the field; only administrators of tickets open it."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.testing import csrf_token, log_in


def _browser(desk, login="admin") -> TestClient:
    browser = TestClient(desk.app)
    log_in(browser, login)
    return browser


def test_an_administrator_adds_and_edits_a_queue(desk):
    u = desk.users
    with _browser(desk) as browser:
        page = browser.get("/admin/service")
        assert page.status_code == 200 and 'id="queue-table"' in page.text
        assert 'href="/admin/service"' in page.text  # the admin menu entry
        token = csrf_token(browser)
        added = browser.post(
            "/admin/service/queues",
            data={
                "_csrf_token": token,
                "name": "Network",
                "strategy": "least_open",
                "lead_id": str(u["lead"]),
                "member_ids": [str(u["svc1"]), str(u["svc3"])],
            },
        )
        assert added.status_code == 200 and 'id="notice"' in added.text
    queues = {q["name"]: q for q in desk.client("admin").get("/api/v1/service/queues").json()}
    network = queues["Network"]
    assert (network["strategy"], network["lead_id"]) == ("least_open", u["lead"])
    assert network["member_ids"] == sorted([u["svc1"], u["svc3"]])
    with _browser(desk) as browser:
        saved = browser.post(
            f"/admin/service/queues/{network['id']}",
            data={
                "_csrf_token": csrf_token(browser),
                "name": "网络",
                "strategy": "manual",
                "member_ids": [str(u["svc2"])],
            },
        )
        assert saved.status_code == 200
        assert 'value="网络"' in browser.get("/admin/service").text
    again = desk.client("admin").get("/api/v1/service/queues").json()
    edited = next(q for q in again if q["id"] == network["id"])
    assert (edited["name"], edited["strategy"], edited["lead_id"]) == ("网络", "manual", None)
    assert edited["member_ids"] == [u["svc2"]]


def test_an_administrator_adds_and_edits_an_sla_policy(desk):
    with _browser(desk) as browser:
        token = csrf_token(browser)
        added = browser.post(
            "/admin/service/policies",
            data={
                "_csrf_token": token,
                "name": "low policy",
                "priority": "low",
                "first_response_minutes": "480",
                "resolution_minutes": "2400",
            },
        )
        assert added.status_code == 200
    policies = desk.client("admin").get("/api/v1/service/policies").json()
    low = next(p for p in policies if p["priority"] == "low")
    assert (low["first_response_minutes"], low["resolution_minutes"]) == (480, 2400)
    with _browser(desk) as browser:
        saved = browser.post(
            f"/admin/service/policies/{low['id']}",
            data={
                "_csrf_token": csrf_token(browser),
                "name": "low policy",
                "priority": "low",
                "first_response_minutes": "600",
                "resolution_minutes": "3000",
            },
        )
        assert saved.status_code == 200
    policies = desk.client("admin").get("/api/v1/service/policies").json()
    low = next(p for p in policies if p["id"] == low["id"])
    assert (low["first_response_minutes"], low["resolution_minutes"]) == (600, 3000)


def test_bad_setup_input_names_the_field_and_changes_nothing(desk):
    before = desk.client("admin").get("/api/v1/service/policies").json()
    with _browser(desk) as browser:
        token = csrf_token(browser)
        base = {"_csrf_token": token, "name": "x", "priority": "urgent"}
        shorter = browser.post(
            "/admin/service/policies",
            data={**base, "first_response_minutes": "60", "resolution_minutes": "30"},
        )
        assert shorter.status_code == 422
        assert 'data-field="resolution_minutes"' in shorter.text
        words = browser.post(
            "/admin/service/policies",
            data={**base, "first_response_minutes": "soon", "resolution_minutes": "30"},
        )
        assert words.status_code == 422
        assert 'data-field="first_response_minutes"' in words.text
        clash = browser.post(
            "/admin/service/queues", data={"_csrf_token": token, "name": "Hardware"}
        )
        assert clash.status_code == 422 and 'data-field="name"' in clash.text
        assert 'value="Hardware"' in clash.text  # what was typed is kept
    assert desk.client("admin").get("/api/v1/service/policies").json() == before


def test_only_administrators_of_tickets_open_the_setup(desk):
    with _browser(desk, "svc1") as browser:
        assert browser.get("/admin/service").status_code == 403
        refused = browser.post(
            "/admin/service/queues", data={"_csrf_token": csrf_token(browser), "name": "Mine"}
        )
        assert refused.status_code == 403
        assert 'href="/admin/service"' not in browser.get("/tickets").text

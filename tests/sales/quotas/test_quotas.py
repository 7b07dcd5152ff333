"""Quotas: per user, department or branch and month, quarter or year; one per target and
period; managers set them inside their department tree, reps only look at their own."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.testing import csrf_token, log_in
from tests.sales.quotas.conftest import department_id


def quota(team, login="admin", **values):
    body = {
        "target_type": "department",
        "target_id": department_id(team, "East"),
        "period": "quarter",
        "period_start": "2026-10-01",
        "amount": "100000.00",
        **values,
    }
    return team.client(login).post("/api/v1/quotas", json=body)


def test_an_administrator_sets_a_department_quota_for_a_quarter(team):
    response = quota(team)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["target_name"] == "East"
    assert body["amount"] == "100000.00"
    assert body["period_end"] == "2026-12-31"
    assert body["version"] == 1
    listed = team.client("admin").get("/api/v1/quotas", params={"year": 2026}).json()
    assert [q["id"] for q in listed] == [body["id"]]
    assert team.audit("quota", body["id"])[0].action == "create"


def test_a_second_quota_for_the_same_target_and_period_is_a_conflict(team):
    assert quota(team).status_code == 201
    again = quota(team, amount="5.00")
    assert again.status_code == 409
    assert again.json()["field"] == "period_start"
    # Another period kind with the same first day is a different quota.
    assert quota(team, period="month").status_code == 201


def test_a_period_must_start_on_its_first_day(team):
    for period, start in (
        ("quarter", "2026-11-01"),
        ("quarter", "2026-10-02"),
        ("month", "2026-11-15"),
        ("year", "2026-04-01"),
    ):
        response = quota(team, period=period, period_start=start)
        assert response.status_code == 422, (period, start)
        assert response.json()["field"] == "period_start"
    assert quota(team, period="month", period_start="2026-11-01").status_code == 201
    assert quota(team, period="year", period_start="2026-01-01").status_code == 201


def test_bad_input_is_a_422_naming_the_field(team):
    cases = {
        "period": {"period": "week"},
        "target_type": {"target_type": "team"},
        "amount": {"amount": "-1.00"},
        "target_id": {"target_id": 999999},
        "period_start": {"period_start": "2026-13-01"},
    }
    for field, change in cases.items():
        response = quota(team, **change)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"] == field, response.json()
    assert quota(team, amount="1.005").json()["field"] == "amount"
    listed = team.client("admin").get("/api/v1/quotas", params={"period": "week"})
    assert listed.status_code == 422 and listed.json()["field"] == "period"


def test_changing_a_quota_needs_the_version_shown(team):
    created = quota(team).json()
    admin = team.client("admin")
    changed = admin.patch(
        f"/api/v1/quotas/{created['id']}", json={"version": 1, "amount": "120000"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["amount"] == "120000.00" and changed.json()["version"] == 2
    stale = admin.patch(f"/api/v1/quotas/{created['id']}", json={"version": 1, "amount": "1"})
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    assert admin.get(f"/api/v1/quotas/{created['id']}").json()["amount"] == "120000.00"
    assert admin.delete(f"/api/v1/quotas/{created['id']}").status_code == 204
    assert admin.get(f"/api/v1/quotas/{created['id']}").status_code == 404


def test_a_manager_sets_quotas_inside_the_department_tree_only(team):
    mine = quota(team, "east_mgr", target_type="user", target_id=team.users["rep1"])
    assert mine.status_code == 201, mine.text
    west = quota(team, "east_mgr", target_id=department_id(team, "West"))
    west_rep = quota(team, "east_mgr", target_type="user", target_id=team.users["west_rep"])
    assert west.status_code == 403 and west.json()["field"] == "target_id"
    assert west_rep.status_code == 403
    other = quota(team, target_type="user", target_id=team.users["west_rep"]).json()
    manager = team.client("east_mgr")
    assert manager.get(f"/api/v1/quotas/{other['id']}").status_code == 404
    assert [q["target_id"] for q in manager.get("/api/v1/quotas").json()] == [team.users["rep1"]]
    changed = manager.patch(
        f"/api/v1/quotas/{mine.json()['id']}", json={"version": 1, "amount": "9"}
    )
    assert changed.status_code == 200
    # The manager's role grants no delete on quotas.
    assert manager.delete(f"/api/v1/quotas/{mine.json()['id']}").status_code == 403


def test_a_rep_sees_their_own_quota_and_nothing_else(team):
    own = quota(team, target_type="user", target_id=team.users["rep1"]).json()
    colleague = quota(team, target_type="user", target_id=team.users["rep2"]).json()
    quota(team)
    rep = team.client("rep1")
    assert [q["id"] for q in rep.get("/api/v1/quotas").json()] == [own["id"]]
    assert rep.get(f"/api/v1/quotas/{colleague['id']}").status_code == 404
    refused = quota(team, "rep1", target_type="user", target_id=team.users["rep1"])
    assert refused.status_code == 403
    assert (
        rep.patch(f"/api/v1/quotas/{own['id']}", json={"version": 1, "amount": "1"}).status_code
        == 403
    )


def _browser(team, login: str) -> TestClient:
    client = TestClient(team.app)
    log_in(client, login)
    return client


def test_the_quota_page_is_a_grid_that_saves_changed_cells(team):
    east = department_id(team, "East")
    quota(team, target_id=east, amount="100000.00")
    with _browser(team, "admin") as client:
        page = client.get(
            "/quotas", params={"target": "department", "period": "quarter", "year": 2026}
        )
        assert page.status_code == 200
        assert "2026 Q4" in page.text and "100000.00" in page.text
        # Departments in tree order, sub-departments indented under their parent.
        assert (
            page.text.index(">Sales<") < page.text.index(">— East<") < page.text.index(">— West<")
        )
        form = {
            "_csrf_token": csrf_token(client),
            "target": "department",
            "period": "quarter",
            "year": "2026",
            f"a:{east}:2026-10-01": "150000",
            f"v:{east}:2026-10-01": "1",
            f"a:{east}:2026-07-01": "80000.50",
        }
        saved = client.post("/quotas", data=form, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        stale = client.post("/quotas", data={**form, f"a:{east}:2026-10-01": "1"})
        assert stale.status_code == 409
        assert 'id="quota-error"' in stale.text
        menu = client.get("/")
    amounts = {
        q["period_start"]: q["amount"]
        for q in team.client("admin").get("/api/v1/quotas", params={"target_id": east}).json()
    }
    assert amounts == {"2026-07-01": "80000.50", "2026-10-01": "150000.00"}
    assert 'href="/quotas"' in menu.text


def test_a_rep_sees_the_quota_page_read_only(team):
    quota(team, target_type="user", target_id=team.users["rep1"], amount="30000")
    with _browser(team, "rep1") as client:
        page = client.get("/quotas", params={"year": 2026})
        others = client.get("/quotas", params={"target": "department", "year": 2026})
    assert page.status_code == 200
    assert "30,000.00" in page.text and 'id="save-quotas"' not in page.text
    assert "Rep2" not in page.text
    assert 'id="no-targets"' in others.text

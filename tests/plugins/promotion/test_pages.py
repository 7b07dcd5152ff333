"""The phone pages over HTTP: today's route, a visit (check-in refused without a position,
then with one, audit with a photo, a non-image refused with a 422, check-out), plans,
territories and discipline for a rep and a manager; and the JSON API's refusals."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from kht.testing import add_user, csrf_token
from tests.plugins.promotion.conftest import JINGAN, MORNING
from tests.plugins.promotion.test_photos_and_audits import phone_photo


def post(client, url: str, data: dict | None = None, files=None):
    body = {"_csrf_token": csrf_token(client), **(data or {})}
    return client.post(url, data=body, files=files, follow_redirects=False)


def test_a_rep_does_a_visit_from_the_phone_pages(field):
    outlet = field.outlet("罗森 静安寺店", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    with time_machine.travel(MORNING, tick=False), field.browser("rep1") as client:
        today = client.get("/promotion/today")
        assert today.status_code == 200 and "罗森 静安寺店" in today.text
        page = f"/promotion/visits/{stop.id}/do"
        assert 'id="promotion-checkin"' in client.get(page).text

        refused = post(client, f"/promotion/visits/{stop.id}/check-in")
        assert refused.status_code == 422 and 'data-field="latitude"' in refused.text

        fix = {"latitude": str(JINGAN[0]), "longitude": str(JINGAN[1]), "accuracy": "12"}
        assert post(client, f"/promotion/visits/{stop.id}/check-in", fix).status_code == 303
        assert 'data-status="in_store"' in client.get(page).text

        pdf = {"photo": ("shelf.jpg", b"%PDF-1.4", "image/jpeg")}
        bad = post(client, f"/promotion/visits/{stop.id}/audit", {"n0": "5"}, files=pdf)
        assert bad.status_code == 422 and 'data-field="photo"' in bad.text

        photo = {"photo": ("shelf.jpg", phone_photo(), "image/jpeg")}
        answers = {"n0": "6", "n1": "4", "n2": "2.00", "f5": "no", "f6": "yes"}
        done = post(client, f"/promotion/visits/{stop.id}/audit", answers, files=photo)
        assert done.status_code == 303
        shown = client.get(page).text
        assert 'id="promotion-audit-values"' in shown and 'id="promotion-photo-count">1<' in shown

    with (
        time_machine.travel(MORNING + timedelta(minutes=25), tick=False),
        field.browser("rep1") as client,
    ):
        assert post(client, f"/promotion/visits/{stop.id}/check-out").status_code == 303
        assert 'id="promotion-minutes">25' in client.get(page).text
    with field.browser("rep1") as client:
        assert client.get(f"/visits/{stop.id}").status_code == 200


def test_every_page_opens_for_a_rep_and_a_manager(field):
    outlet = field.outlet("页面店", "rep1")
    plan = field.plan("rep1", [outlet])
    for login in ("rep1", "east_mgr"):
        with field.browser(login) as client:
            for url in (
                "/promotion/today",
                "/promotion/plans",
                f"/promotion/plans/{plan}",
                "/promotion/territories",
                "/promotion/discipline",
                "/outlets",
                f"/outlets/{outlet}",
                "/visits",
                "/promotions",
                "/audit-values",
            ):
                assert client.get(url).status_code == 200, (login, url)
    with field.browser("west_rep") as client:
        assert client.get(f"/promotion/plans/{plan}").status_code == 404
        assert client.get(f"/outlets/{outlet}").status_code == 404


def test_the_api_refuses_bad_input_naming_the_field(field):
    outlet = field.outlet("接口店", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    rep = field.client("rep1")
    far = rep.post(
        f"/api/v1/promotion/visits/{stop.id}/check-in", json={"latitude": 95, "longitude": 0}
    )
    assert far.status_code in (400, 422)
    ok = rep.post(
        f"/api/v1/promotion/visits/{stop.id}/check-in",
        json={"latitude": JINGAN[0], "longitude": JINGAN[1], "accuracy": 8},
    )
    assert ok.status_code == 201 and ok.json()["in_radius"] is True
    again = rep.post(
        f"/api/v1/promotion/visits/{stop.id}/check-in", json={"latitude": 1, "longitude": 1}
    )
    assert again.status_code == 409
    photo = rep.post(
        f"/api/v1/promotion/visits/{stop.id}/photos",
        files={"photo": ("x.png", b"<svg/>", "image/png")},
    )
    assert photo.status_code == 422 and photo.json()["field"] == "photo"
    assert (
        field.client("west_rep").post(f"/api/v1/promotion/visits/{stop.id}/check-out").status_code
        == 404
    )


def test_a_manager_edits_a_territory_on_its_page_and_through_the_api(field):
    jingan, city = field.territory["静安"], field.territory["上海"]
    edit = {
        "name": "静安区",
        "level": "district",
        "parent_id": str(city),
        "rep_id": str(field.users["rep2"]),
        "coverage_target": "80",
    }
    with field.browser("rep1") as client:
        page = client.get("/promotion/territories").text
        assert "promotion-edit-territory" not in page
        assert post(client, f"/promotion/territories/{jingan}", edit).status_code == 403
    with field.browser("east_mgr") as client:
        assert "promotion-edit-territory" in client.get("/promotion/territories").text
        assert post(client, f"/promotion/territories/{jingan}", edit).status_code == 303
        # A city with districts below cannot become a region: refused, its form open again.
        promote = edit | {"name": "上海", "level": "region", "parent_id": ""}
        refused = post(client, f"/promotion/territories/{city}", promote)
        assert refused.status_code == 303 and f"edit={city}" in refused.headers["location"]
        shown = client.get(refused.headers["location"])
        assert shown.status_code == 422 and 'data-field="level"' in shown.text
        bad = post(client, f"/promotion/territories/{jingan}", edit | {"coverage_target": "120"})
        assert "error=" in bad.headers["location"]
    with field.at("admin") as ctx:
        from plugins.promotion.service import get_territory

        node = get_territory(ctx, jingan)
        assert (node.name, node.rep_id, node.coverage_target) == (
            "静安区",
            field.users["rep2"],
            80,
        )
    url = f"/api/v1/promotion/territories/{jingan}"
    body = {"name": "静安", "level": "district", "parent_id": city, "coverage_target": 95}
    body["rep_id"] = field.users["rep1"]
    manager = field.client("east_mgr")
    changed = manager.put(url, json=body)
    assert changed.status_code == 200 and changed.json()["coverage_target"] == 95
    assert changed.json()["rep_id"] == field.users["rep1"]
    assert field.client("rep1").put(url, json=body).status_code == 403
    wrong = manager.put(url, json=body | {"parent_id": field.territory["华东"]})
    assert wrong.status_code == 422 and wrong.json()["field"] == "parent_id"
    assert manager.put("/api/v1/promotion/territories/99999", json=body).status_code == 404
    # Another team's manager may not change it; nor may a manager hand it to another team.
    add_user(field.runtime, "west_mgr", "sales_manager", department="Sales/West")
    assert field.client("west_mgr").put(url, json=body).status_code == 403
    elsewhere = manager.put(url, json=body | {"rep_id": field.users["west_rep"]})
    assert elsewhere.status_code == 422 and elsewhere.json()["field"] == "rep_id"


def test_the_plan_calendar_shows_my_stops_and_the_teams_plans(field):
    first, second = field.outlet("日历店一", "rep1"), field.outlet("日历店二", "rep1")
    plan = field.plan("rep1", [first, second])
    stops = field.stops("rep1", plan)
    feed = "/promotion/plans/calendar/events?start=2026-06-01T00:00:00Z&end=2026-07-06T00:00:00Z"
    with time_machine.travel(MORNING, tick=False), field.browser("rep1") as client:
        page = client.get("/promotion/plans/calendar")
        assert page.status_code == 200 and 'id="calendar"' in page.text
        assert "fullcalendar@" in page.text and 'id="calendar-config"' in page.text
        mine = client.get(feed).json()
        assert [e["title"] for e in mine] == ["日历店一", "日历店二"]
        # 09:00 and 09:45 in Shanghai, where the rep works (01:00 UTC).
        assert [e["start"] for e in mine] == ["2026-06-15T09:00", "2026-06-15T09:45"]
        assert mine[0]["url"] == f"/promotion/visits/{stops[0].id}/do"
        refused = client.get("/promotion/plans/calendar/events?start=June&end=2026-07-06")
        assert refused.status_code == 422 and refused.json()["field"] == "start"
        backwards = client.get("/promotion/plans/calendar/events?start=2026-07-06&end=2026-06-01")
        assert backwards.status_code == 422 and backwards.json()["field"] == "end"
    with field.browser("east_mgr") as client:
        assert client.get(feed).json() == []  # the manager has no stops of their own
        (event,) = client.get(feed + "&team=1").json()
        assert (event["start"], event["end"], event["allDay"]) == ("2026-06-15", "2026-06-16", True)
        assert event["url"] == f"/promotion/plans/{plan}" and event["title"].endswith("(2)")
        assert client.get("/promotion/plans/calendar?team=1").status_code == 200
    with field.browser("west_rep") as client:
        assert client.get(feed + "&team=1").json() == []

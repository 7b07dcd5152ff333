"""Event check-in: a registration through the event's web form confirms with a QR code of
the member's check-in code; the desk checks the member in by that code (scanned or typed),
and refuses forged codes and other events' codes, naming `code`."""

from __future__ import annotations

import re
from datetime import timedelta

import segno
from litestar.testing import TestClient

from kht.db.base import utcnow
from kht.leads import webform
from kht.marketing.checkin import checkin_code
from kht.testing import csrf_token, log_in
from tests.marketing.conftest import create


def _register(team, code, name="林晓梅", email="linxm@example.cn") -> str:
    with TestClient(team.app) as visitor:
        token = webform.issue_token(
            team.runtime.settings.secret_key, utcnow() - timedelta(seconds=10)
        )
        data = {"name": name, "email": email, "campaign": code, "token": token}
        response = visitor.post("/forms/lead", data={**data, webform.HONEYPOT: ""})
    assert response.status_code == 200 and 'id="form-thanks"' in response.text
    return response.text


def _shown_code(page: str) -> str:
    found = re.search(r'id="checkin-code">([^<]+)<', page)
    assert found, page
    return found.group(1)


def _members(team, campaign_id):
    listed = team.client("mkt").get(f"/api/v1/campaigns/{campaign_id}/members").json()
    return {m["email"]: m for m in listed["items"]}


def test_the_confirmation_shows_a_qr_code_that_checks_the_member_in(team):
    expo = create(team, code="EXPO26", channel="event")
    page = _register(team, "EXPO26")
    assert 'id="registration-confirmation"' in page and "春季展会" in page
    code = _shown_code(page)
    member = _members(team, expo["id"])["linxm@example.cn"]
    assert member["status"] == "registered"
    assert code == checkin_code(team.runtime.settings.secret_key, member["id"])
    # The QR code on the page is the code itself (segno's own rendering of it).
    expected = segno.make(code, error="m").svg_inline(scale=5, title=code)
    assert expected in page

    client = team.client("mkt")
    checked = client.post(f"/api/v1/campaigns/{expo['id']}/checkin", json={"code": code})
    assert checked.status_code == 200, checked.text
    assert (checked.json()["id"], checked.json()["status"]) == (member["id"], "attended")
    # A scanner may add spaces, a person may type lower case; twice is harmless.
    again = client.post(
        f"/api/v1/campaigns/{expo['id']}/checkin", json={"code": f" {code.lower()} "}
    )
    assert again.status_code == 200 and again.json()["status"] == "attended"
    results = client.get(f"/api/v1/campaigns/{expo['id']}/results").json()
    assert results["funnel"]["attended"] == 1 and results["funnel"]["registered"] == 0


def test_a_registration_for_a_non_event_campaign_has_no_qr_code(team):
    create(team, name="春季邮件", code="MAIL26", channel="email")
    page = _register(team, "MAIL26")
    assert 'id="registration-confirmation"' not in page
    assert 'id="registration-confirmation"' not in _register(team, "", email="x@example.cn")


def test_forged_and_foreign_codes_are_refused_naming_code(team):
    expo = create(team, code="EXPO26", channel="event")
    other = create(team, name="秋季展会", code="FALL26", channel="event")
    foreign = _shown_code(_register(team, "FALL26", email="other@example.cn"))
    mine = _shown_code(_register(team, "EXPO26"))
    member_id, signature = mine.split("-")
    client = team.client("mkt")
    url = f"/api/v1/campaigns/{expo['id']}/checkin"
    for code in (
        "",
        "hello",
        f"{member_id}-{'A' * 10}",  # a made-up signature
        f"{int(member_id) + 1}-{signature}",  # a signature moved to another member
        foreign,  # a real code of another event
    ):
        refused = client.post(url, json={"code": code})
        assert refused.status_code == 422, (code, refused.text)
        assert refused.json()["field"] == "code"
    assert _members(team, expo["id"])["linxm@example.cn"]["status"] == "registered"
    assert _members(team, other["id"])["other@example.cn"]["status"] == "registered"
    # Checking in needs the campaigns' edit right: a sales rep has none.
    assert team.client("rep1").post(url, json={"code": mine}).status_code in (403, 404)


def test_the_check_in_desk_on_the_campaign_page(team):
    expo = create(team, code="EXPO26", channel="event")
    code = _shown_code(_register(team, "EXPO26"))
    with TestClient(team.app) as browser:
        log_in(browser, "mkt")
        page = browser.get(f"/campaigns/{expo['id']}")
        assert 'id="campaign-checkin"' in page.text
        token = csrf_token(browser)
        bad = browser.post(
            f"/campaigns/{expo['id']}/checkin", data={"_csrf_token": token, "code": "1-XXXXXXXXXX"}
        )
        assert bad.status_code == 422 and 'data-field="code"' in bad.text
        done = browser.post(
            f"/campaigns/{expo['id']}/checkin", data={"_csrf_token": token, "code": code}
        )
        assert done.status_code == 200 and 'id="checked-in"' in done.text
        assert "林晓梅" in done.text
    assert _members(team, expo["id"])["linxm@example.cn"]["status"] == "attended"

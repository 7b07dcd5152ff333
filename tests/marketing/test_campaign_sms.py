"""An SMS campaign texts its members through mass SMS and the fake carrier, and what
happens to each text — sent, delivered, undelivered, a reply, an opt-out — moves the
member it went to; the campaign's results count them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.marketing.conftest import create
from tests.sms.conftest import carrier, configure, template  # noqa: F401 - the fake carrier

# 10:00 in Shanghai: outside the quiet hours whatever they are.
MORNING = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def _launched(team, channel: str = "sms") -> dict:
    view = team.client("admin").post(
        "/api/v1/views",
        json={"kind": "customer", "name": "全部客户", "segment": True, "shared": True},
    )
    assert view.status_code in (200, 201), view.text
    campaign = create(team, login="admin", channel=channel, segment_view_id=view.json()["id"])
    launched = team.client("admin").post(
        f"/api/v1/campaigns/{campaign['id']}/launch", json={"version": campaign["version"]}
    )
    assert launched.status_code == 200, launched.text
    return launched.json()


def _statuses(team, campaign_id: int) -> dict[str, str]:
    members = team.client("admin").get(f"/api/v1/campaigns/{campaign_id}/members").json()
    return {m["name"]: m["status"] for m in members["items"]}


def _callback(team, path: str, body: list) -> None:
    answer = team.client("admin").post(path, json=body)
    assert answer.status_code == 200, answer.text


def test_texting_a_campaign_moves_its_members_from_receipts_and_replies(team, carrier):  # noqa: F811
    gateway = configure(team, carrier)
    template_id = template(team)
    for name, number in (("甲", "13800138001"), ("乙", "13800138002"), ("丙", "13800138003")):
        team.customer(name, "rep1", phone=number)
    campaign = _launched(team)

    sent = team.client("mkt").post(
        f"/api/v1/campaigns/{campaign['id']}/sms", json={"template_id": template_id}
    )

    assert sent.status_code == 202, sent.text
    assert sent.json()["origin"] == f"campaign:{campaign['id']}"
    by_number = {r["PhoneNumbers"]: r for r in carrier.accepted}
    assert sorted(by_number) == ["13800138001", "13800138002", "13800138003"]
    assert _statuses(team, campaign["id"]) == {
        "清华同方威视技术股份有限公司": "targeted",  # no number
        "Acme Trading": "targeted",
        "甲": "sent",
        "乙": "sent",
        "丙": "sent",
    }
    receipts = gateway["receipts_path"]
    _callback(team, receipts, carrier.receipt(by_number["13800138001"]))
    _callback(team, receipts, carrier.receipt(by_number["13800138002"], delivered=False))
    _callback(team, receipts, carrier.receipt(by_number["13800138003"]))
    assert _statuses(team, campaign["id"])["甲"] == "delivered"
    replies = gateway["replies_path"]
    _callback(team, replies, [{"phone_number": "13800138001", "content": "请联系我"}])
    _callback(team, replies, [{"phone_number": "13800138003", "content": "TD"}])

    assert _statuses(team, campaign["id"]) == {
        "清华同方威视技术股份有限公司": "targeted",
        "Acme Trading": "targeted",
        "甲": "responded",
        "乙": "bounced",
        "丙": "unsubscribed",
    }
    results = team.client("admin").get(f"/api/v1/campaigns/{campaign['id']}/results").json()
    assert (results["members"], results["reached"], results["responded"]) == (5, 2, 1)
    assert (results["texts_sent"], results["text_fees"]) == (3, "0.1350")
    stats = team.client("mkt").get(f"/api/v1/sms/mass/{sent.json()['id']}").json()["stats"]
    assert (stats["sent"], stats["delivered"], stats["failed"], stats["replied"]) == (3, 2, 1, 1)
    # Texting the campaign again skips the number that opted out.
    again = team.client("mkt").post(
        f"/api/v1/campaigns/{campaign['id']}/sms", json={"template_id": template_id}
    )
    assert again.json()["stats"]["opted_out"] == 1
    assert _statuses(team, campaign["id"])["丙"] == "unsubscribed"


def test_texting_a_campaign_refuses_what_it_cannot_do(team, carrier):  # noqa: F811
    configure(team, carrier)
    template_id = template(team)
    early = create(team, login="admin", channel="sms")
    campaign = _launched(team)  # its members have no numbers
    cases = [
        ("mkt", early["id"], {"template_id": template_id}, 422, "status"),
        ("mkt", campaign["id"], {"template_id": template_id}, 422, "campaign_id"),
        ("mkt", campaign["id"], {"template_id": 999999}, 422, "template_id"),
        ("mkt", campaign["id"], {"template_id": template_id, "kind": "robot"}, 422, "kind"),
        # A sales rep has no right over campaigns.
        ("rep1", campaign["id"], {"template_id": template_id}, 403, None),
    ]
    for login, campaign_id, body, status, field in cases:
        answer = team.client(login).post(f"/api/v1/campaigns/{campaign_id}/sms", json=body)
        assert answer.status_code == status, (login, body, answer.text)
        if field:
            assert answer.json()["field"] == field, answer.text
    assert carrier.requests == []


def test_the_campaign_page_texts_the_members_and_names_what_is_wrong(team, carrier):  # noqa: F811
    from kht.testing import csrf_token

    configure(team, carrier)
    template_id = template(team)
    team.customer("甲", "rep1", phone="13800138001")
    campaign = _launched(team)
    event = create(team)  # an event campaign sends nothing from its page
    with team.browser("mkt") as browser:
        page = browser.get(f"/campaigns/{campaign['id']}")
        assert 'id="campaign-send"' in page.text and f'value="{template_id}"' in page.text
        assert 'id="campaign-send"' not in browser.get(f"/campaigns/{event['id']}").text
        token = csrf_token(browser)
        missing = browser.post(f"/campaigns/{campaign['id']}/send", data={"_csrf_token": token})
        assert missing.status_code == 422
        assert 'data-field="template_id"' in missing.text
        sent = browser.post(
            f"/campaigns/{campaign['id']}/send",
            data={"_csrf_token": token, "template_id": str(template_id)},
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        assert 'id="campaign-sent"' in browser.get(sent.headers["location"]).text
    assert [r["PhoneNumbers"] for r in carrier.accepted] == ["13800138001"]
    assert _statuses(team, campaign["id"])["甲"] == "sent"

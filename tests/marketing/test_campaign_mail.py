"""An email campaign goes out through mass mail to the real SMTP server, and what its
recipients do — receive, open, click, unsubscribe — moves the campaign's members."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.testing import TestClient

from tests.mail.test_mass import tick
from tests.mail.test_send_and_permissions import smtp_account
from tests.mailservers import smtp  # noqa: F401 - the aiosmtpd fixture
from tests.marketing.conftest import create


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _launched(team) -> dict:
    view = (
        team.client("admin")
        .post(
            "/api/v1/views",
            json={"kind": "customer", "name": "全部客户", "segment": True, "shared": True},
        )
        .json()
    )
    campaign = create(team, login="admin", channel="email", segment_view_id=view["id"])
    launched = team.client("admin").post(
        f"/api/v1/campaigns/{campaign['id']}/launch", json={"version": campaign["version"]}
    )
    assert launched.status_code == 200, launched.text
    return launched.json()


def _statuses(team, campaign_id: int) -> dict[str, str]:
    members = team.client("admin").get(f"/api/v1/campaigns/{campaign_id}/members").json()
    return {m["email"]: m["status"] for m in members["items"]}


def test_mailing_a_campaign_moves_its_members_from_the_tracking(team, smtp):  # noqa: F811
    controller, inbox = smtp
    campaign = _launched(team)
    account = smtp_account(team, "admin", controller)
    template = (
        team.client("admin")
        .post(
            "/api/v1/mail/templates",
            json={"name": "春季", "subject": "春季展会", "body": "详见 https://example.com/expo"},
        )
        .json()
    )

    sent = team.client("admin").post(
        f"/api/v1/campaigns/{campaign['id']}/mail",
        json={"template_id": template["id"], "account_id": account["id"]},
    )
    assert sent.status_code == 202, sent.text
    tick(team, 1)

    assert sorted(r[0] for r, _ in inbox.messages) == [
        "buy@nuctech.example.cn",
        "info@acme.example.com",
    ]
    assert set(_statuses(team, campaign["id"]).values()) == {"sent"}
    # One recipient opens and clicks, the other unsubscribes (no login, as from a mail).
    reader = TestClient(app=team.app)
    [opened] = [m for r, m in inbox.messages if r == ["buy@nuctech.example.cn"]]
    html = opened.get_body(("html",)).get_content()
    reader.get(_path(html.split('<img src="')[1].split('"')[0]))
    text = opened.get_body(("plain",)).get_content()
    reader.get(_path(next(w for w in text.split() if "/m/c/" in w)), follow_redirects=False)
    [leaving] = [m for r, m in inbox.messages if r == ["info@acme.example.com"]]
    unsubscribe = leaving["List-Unsubscribe"].strip("<>")
    reader.post(_path(unsubscribe), data={"List-Unsubscribe": "One-Click"})

    assert _statuses(team, campaign["id"]) == {
        "buy@nuctech.example.cn": "clicked",
        "info@acme.example.com": "unsubscribed",
    }


def test_a_campaign_not_launched_yet_cannot_be_mailed(team):
    campaign = create(team, login="admin", channel="email")

    answer = team.client("admin").post(
        f"/api/v1/campaigns/{campaign['id']}/mail", json={"template_id": 1}
    )

    assert answer.status_code == 422
    assert answer.json()["field"] == "status"

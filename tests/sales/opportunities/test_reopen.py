"""Moving a won or lost opportunity reopens it: the API, the board and the page refuse it
(409 naming `reopen`) unless the request says `reopen`, and a reopen is audited as such.
A stray drag of a won card must not undo the win."""

from __future__ import annotations

from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.testing import csrf_token, log_in
from tests.sales.opportunities.test_opportunities import new, stages


def _won(team) -> dict:
    opp = new(team)
    won = team.client("rep1").post(
        f"/api/v1/opportunities/{opp['id']}/close", json={"won": True, "version": opp["version"]}
    )
    assert won.status_code == 200, won.text
    return won.json()


def _reopens(team, opportunity_id: int) -> list[AuditEntry]:
    with team.ctx(None) as ctx:
        return list(
            ctx.session.scalars(
                select(AuditEntry).where(
                    AuditEntry.kind == "opportunity",
                    AuditEntry.record_id == opportunity_id,
                    AuditEntry.action == "reopen",
                )
            )
        )


def test_moving_a_won_opportunity_needs_the_reopen_flag(team):
    won, ids = _won(team), stages(team)
    url = f"/api/v1/opportunities/{won['id']}"
    client = team.client("rep1")
    body = {"stage_id": ids["qualify"], "version": won["version"]}
    refused = client.post(f"{url}/stage", json=body)
    assert refused.status_code == 409 and refused.json()["field"] == "reopen"
    assert client.get(url).json()["status"] == "won"
    assert _reopens(team, won["id"]) == []

    reopened = client.post(f"{url}/stage", json={**body, "reopen": True})
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"
    [entry] = _reopens(team, won["id"])
    assert entry.changes == {"stage": ["won", "qualify"]}


def test_turning_a_won_opportunity_into_lost_is_a_reopen_too(team):
    won = _won(team)
    url = f"/api/v1/opportunities/{won['id']}/close"
    client = team.client("rep1")
    lost = {"won": False, "version": won["version"], "reason": "客户反悔"}
    refused = client.post(url, json=lost)
    assert refused.status_code == 409 and refused.json()["field"] == "reopen"
    confirmed = client.post(url, json={**lost, "reopen": True})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "lost"
    [entry] = _reopens(team, won["id"])
    assert entry.changes == {"stage": ["won", "lost"]}


def test_the_board_endpoint_refuses_a_won_card_dropped_on_lost_without_reopen(team):
    won, ids = _won(team), stages(team)
    client = log_in_client(team)
    form = {
        "_csrf_token": csrf_token(client),
        "stage_id": str(ids["lost"]),
        "version": str(won["version"]),
        "reason": "客户反悔",
    }
    refused = client.post(f"/opportunities/{won['id']}/move", data=form)
    assert refused.status_code == 409 and refused.json()["field"] == "reopen"
    moved = client.post(f"/opportunities/{won['id']}/move", data={**form, "reopen": "1"})
    assert moved.status_code == 200 and moved.json()["ok"]
    assert len(_reopens(team, won["id"])) == 1


def test_the_page_asks_before_moving_a_closed_opportunity_and_shows_the_reopen(team):
    won, ids = _won(team), stages(team)
    client = log_in_client(team)
    page = client.get(f"/opportunities/{won['id']}")
    assert 'name="reopen" value="1"' in page.text and "data-confirm=" in page.text
    form = {
        "_csrf_token": csrf_token(client),
        "version": str(won["version"]),
        "stage_id": str(ids["qualify"]),
        "reopen": "1",
    }
    moved = client.post(f"/opportunities/{won['id']}/stage", data=form, follow_redirects=False)
    assert moved.status_code == 303
    assert "已重新打开" in client.get(f"/opportunities/{won['id']}").text  # in the history


def log_in_client(team):
    from litestar.testing import TestClient

    client = TestClient(team.app)
    log_in(client, "rep1")
    return client

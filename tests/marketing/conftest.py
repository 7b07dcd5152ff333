"""Marketing fixtures: the team of tests/team.py, customers of two reps, and helpers that
drive campaigns through the API."""

from __future__ import annotations

import pytest

from tests.team import Team, build_team


@pytest.fixture
def team(kht_app) -> Team:
    team = build_team(kht_app)
    team.customers = {  # type: ignore[attr-defined]
        "rep1": team.customer(
            "清华同方威视技术股份有限公司", "rep1", email="buy@nuctech.example.cn"
        ),
        "rep2": team.customer("Acme Trading", "rep2", email="info@acme.example.com"),
    }
    return team


def create(team, login="mkt", **values):
    body = {"name": "春季展会", "channel": "event", **values}
    response = team.client(login).post("/api/v1/campaigns", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def stages(team, campaign):
    process = team.client("admin").get(f"/api/v1/processes/{campaign['process_id']}").json()
    return {s["key"]: s["id"] for s in process["stages"]}


def move(team, login, campaign_id, stage_id):
    current = team.client(login).get(f"/api/v1/campaigns/{campaign_id}").json()
    return team.client(login).post(
        f"/api/v1/campaigns/{campaign_id}/stage",
        json={"stage_id": stage_id, "version": current["version"]},
    )

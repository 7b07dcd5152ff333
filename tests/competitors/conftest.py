"""Competitor fixtures: the sales team of tests/team.py with a customer per rep."""

from __future__ import annotations

import pytest

from tests.team import Team, build_team


@pytest.fixture
def team(kht_app) -> Team:
    team = build_team(kht_app)
    team.customers = {  # type: ignore[attr-defined]
        "rep1": team.customer("清华同方威视技术股份有限公司", "rep1"),
        "rep2": team.customer("Acme Trading", "rep2"),
    }
    return team


def competitor(team: Team, name: str, login: str = "rep1", **values) -> dict:
    with team.client(login) as client:
        answer = client.post("/api/v1/competitors", json={"name": name, **values})
    assert answer.status_code == 201, answer.text
    return answer.json()


def opportunity(team: Team, login: str = "rep1", **values) -> dict:
    body = {"name": "机房改造", "customer_id": team.customers[login], "amount": "100000", **values}
    with team.client(login) as client:
        answer = client.post("/api/v1/opportunities", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()

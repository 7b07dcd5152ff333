"""Process fixtures: the sales team of tests/team.py."""

from __future__ import annotations

import pytest

from tests.team import Team, build_team


@pytest.fixture
def team(kht_app) -> Team:
    team = build_team(kht_app)
    team.customers = {"rep1": team.customer("清华同方", "rep1")}  # type: ignore[attr-defined]
    return team

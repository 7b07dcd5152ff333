"""Opportunity fixtures: the sales team of tests/team.py and customers of two reps."""

from __future__ import annotations

import pytest

from tests.team import Team, build_team


@pytest.fixture
def team(kht_app) -> Team:
    team = build_team(kht_app)
    team.customers = {  # type: ignore[attr-defined]
        "rep1": team.customer("清华同方威视技术股份有限公司", "rep1"),
        "rep2": team.customer("Acme Trading", "rep2"),
        "west_rep": team.customer("西部机械", "west_rep"),
    }
    return team

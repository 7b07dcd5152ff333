"""Quota fixtures: the sales team of tests/team.py (admin, East manager and reps, a West rep)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kht.org.models import Department
from tests.team import Team, build_team


@pytest.fixture
def team(kht_app) -> Team:
    return build_team(kht_app)


def department_id(team: Team, name: str) -> int:
    with team.ctx(None) as ctx:
        return ctx.session.scalar(select(Department.id).where(Department.name == name))

"""Fixtures: the shared sales team of tests/team.py."""

from tests.team import Team, build_team, team  # noqa: F401

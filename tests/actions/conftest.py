"""Action test fixtures: the sales team of tests/team.py, customers, planned actions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from tests.team import Team, build_team

# A fixed "now": Tuesday 10 March 2026, 10:00 in Shanghai (02:00 UTC).
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def team(kht_app) -> Team:
    return build_team(kht_app)


def plan(
    team: Team,
    login: str,
    customer_id: int,
    subject: str,
    due_at: datetime | None,
    *,
    now: datetime = NOW,
    **values: Any,
) -> int:
    """A planned action of `login` about a customer, logged at `now`."""
    values.setdefault("status", "planned")
    values.setdefault("type", "call")
    with team.ctx(login) as ctx:
        ctx.clock = lambda: now
        action = log_action(
            ctx,
            ActionCreate(
                kind="customer", record_id=customer_id, subject=subject, due_at=due_at, **values
            ),
        )
        return action.id

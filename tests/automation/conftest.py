"""Automation fixtures: the sales team of tests/team.py (with the flaky test plugin), rules
saved through the service, and the worker's tick."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from kht.actions.models import Action
from kht.automation.engine import tick
from kht.automation.models import Run
from kht.automation.schemas import RuleCreate
from kht.automation.service import create_rule
from kht.customfields.service import add_field
from kht.db.custom_fields import FieldDef
from tests.team import Team, build_team

FLAKY = "tests.automation.flaky_plugin"


@pytest.fixture
def team(kht_app) -> Team:
    return build_team(kht_app, plugins=["flaky"], extra=[FLAKY])


def rule(
    team: Team,
    kind: str,
    trigger: str,
    actions: list[dict[str, Any]],
    *,
    params: dict[str, Any] | None = None,
    conditions: list[str] = (),
    name: str = "r",
    login: str = "admin",
) -> int:
    data = msgspec.convert(
        {
            "name": name,
            "kind": kind,
            "trigger": {"type": trigger, "params": params or {}},
            "conditions": list(conditions),
            "actions": actions,
        },
        RuleCreate,
    )
    with team.ctx(login) as ctx:
        return create_rule(ctx, data).id


def plan(subject: str = "Follow up", **more: Any) -> dict[str, Any]:
    return {"type": "plan_action", "params": {"subject": subject, **more}}


def runs(team: Team, rule_id: int) -> list[Run]:
    with team.ctx(None) as ctx:
        return list(ctx.session.scalars(select(Run).where(Run.rule_id == rule_id).order_by(Run.id)))


def planned(team: Team, subject: str) -> list[Action]:
    with team.ctx(None) as ctx:
        query = select(Action).where(Action.subject == subject, Action.deleted_at.is_(None))
        return list(ctx.session.scalars(query.order_by(Action.id)))


def custom_field(team: Team, kind: str, name: str, type_: str, **more: Any) -> None:
    with team.ctx("admin") as ctx:
        add_field(ctx, kind, FieldDef(name=name, type=type_, label_zh=name, label_en=name, **more))


def worker_tick(team: Team) -> dict[str, int]:
    return tick(team.runtime)

"""The Team block of a record page: its members, and the forms to change them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kht import record_service as records
from kht.auth.models import User
from kht.context import Ctx
from kht.errors import KhtError
from kht.plugin_types import Panel
from kht.records import record_kinds
from kht.teams.service import team_of


def _may_manage(ctx: Ctx, spec: Any, record: Any) -> bool:
    """Whether the user may manage the team: an edit the scope (not a team) reaches."""
    try:
        records.require_change(ctx, spec, record, "edit", by_team=False)
    except KhtError:
        return False
    return True


def _users(ctx: Ctx) -> list[tuple[int, str]]:
    """Active users to choose a new member from."""
    query = select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)
    return [(row.id, row.name) for row in ctx.session.execute(query)]


def team_panel(ctx: Ctx, kind: str, record: Any) -> list[Panel] | None:
    """The Team panel of any declared kind's record (None for others or no user)."""
    spec = record_kinds(ctx).get(kind)
    if spec is None or ctx.user is None or not spec.owned:
        return None
    manage = _may_manage(ctx, spec, record)
    return [
        Panel(
            key="team",
            title_zh="团队",
            title_en="Team",
            template="teams/panel.html",
            order=55,
            context={
                "members": team_of(ctx, kind, record.id),
                "kind": kind,
                "record_id": record.id,
                "can_manage": manage,
                "users": _users(ctx) if manage else [],
            },
        )
    ]

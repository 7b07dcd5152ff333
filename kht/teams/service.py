"""Record teams: share one record with users beyond its owner's scope, to read or to edit.

A team member is (record kind, record id, user, role on the team, access). The scope
(kht.auth.scope) reads the team table in the same clause as the owners, so every list,
search, report, export, API read and page shows a member the record, and what hangs off
it (a kind's `team_parents`: a customer's contacts, an opportunity's quotes, the actions
logged on it). Removing a member removes the access at once: nothing is copied or cached.
Whoever's scope reaches the record's owner and whose role may edit it manages its team;
a team never gives the right to manage the team, delete the record or hand it over.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from kht import record_service as records
from kht.auth.models import User
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.events import RecordUpdated
from kht.plugin_types import RecordKind
from kht.records import record_kind
from kht.teams.models import TeamMember

ACCESS = ("read", "edit")
ROLE_MAX = 60


def _record(ctx: Ctx, kind: str, record_id: int) -> tuple[RecordKind, Any]:
    """The kind and the record, if the acting user can see it (else 404)."""
    spec = record_kind(ctx, kind)
    return spec, spec.get(ctx, record_id)


def _managed(ctx: Ctx, kind: str, record_id: int) -> tuple[RecordKind, Any]:
    """The kind and the record, if the acting user may manage its team (else 404/403)."""
    spec, record = _record(ctx, kind, record_id)
    records.require_change(ctx, spec, record, "edit", by_team=False)
    return spec, record


def _members(ctx: Ctx, kind: str, record_id: int) -> list[TeamMember]:
    query = select(TeamMember).where(TeamMember.kind == kind, TeamMember.record_id == record_id)
    return list(ctx.session.scalars(query.order_by(TeamMember.id)))


def team_of(ctx: Ctx, kind: str, record_id: int) -> list[tuple[TeamMember, str]]:
    """The team of a record the acting user can see: each member and the user's name."""
    spec, record = _record(ctx, kind, record_id)
    members = _members(ctx, spec.kind, record.id)
    ids = [m.user_id for m in members]
    rows = ctx.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    names = {row.id: row.name for row in rows}
    return [(m, names.get(m.user_id, "")) for m in members]


def member_ids(ctx: Ctx, kind: str, record_ids: Iterable[int]) -> list[int]:
    """The users on the teams of the records `record_ids` of `kind`, each once (unscoped:
    for the system's notices, such as a plugin telling an account team)."""
    ids = list(record_ids)
    if not ids:
        return []
    query = select(TeamMember.user_id).where(TeamMember.kind == kind, TeamMember.record_id.in_(ids))
    return sorted(set(ctx.session.scalars(query)))


def _shown(members: list[TeamMember]) -> list[str]:
    """A team as the record's history shows it: "user id:access:role" per member."""
    return [f"{m.user_id}:{m.access}:{m.role}" for m in members]


def _announce(ctx: Ctx, kind: str, record_id: int, before: list[str]) -> None:
    after = _shown(_members(ctx, kind, record_id))
    if after != before:
        change = {"team": [before, after]}
        ctx.fire(RecordUpdated(kind=kind, record_id=record_id, user_id=ctx.user_id, changes=change))


def _check(ctx: Ctx, user_id: int, role: str, access: str) -> str:
    """The role trimmed, if the input is good; else 422 naming the field."""
    if access not in ACCESS:
        raise ValidationError("access must be read or edit", "access")
    role = role.strip()
    if len(role) > ROLE_MAX:
        raise ValidationError(f"role is longer than {ROLE_MAX} characters", "role")
    user = ctx.session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationError(f"no such user: {user_id}", "user_id")
    return role


def add_member(
    ctx: Ctx, kind: str, record_id: int, user_id: int, *, role: str = "", access: str = "read"
) -> TeamMember:
    """Put `user_id` on the record's team with `role` and `access` ("read" or "edit"); a
    member already there gets the new role and access. Recorded in the record's history."""
    spec, record = _managed(ctx, kind, record_id)
    role = _check(ctx, user_id, role, access)
    before = _shown(_members(ctx, spec.kind, record.id))
    query = select(TeamMember).where(
        TeamMember.kind == spec.kind,
        TeamMember.record_id == record.id,
        TeamMember.user_id == user_id,
    )
    member = ctx.session.scalar(query)
    if member is None:
        member = TeamMember(
            kind=spec.kind, record_id=record.id, user_id=user_id, added_by_id=ctx.user_id
        )
        member.added_at = ctx.now()
        ctx.session.add(member)
    member.role, member.access = role, access
    ctx.session.flush()
    _announce(ctx, spec.kind, record.id, before)
    return member


def remove_member(ctx: Ctx, kind: str, record_id: int, user_id: int) -> None:
    """Take `user_id` off the record's team: their access through it ends with this
    transaction. 404 (field `user_id`) when they are not on it."""
    spec, record = _managed(ctx, kind, record_id)
    before = _shown(_members(ctx, spec.kind, record.id))
    gone = ctx.session.execute(
        delete(TeamMember).where(
            TeamMember.kind == spec.kind,
            TeamMember.record_id == record.id,
            TeamMember.user_id == user_id,
        )
    )
    if not gone.rowcount:
        raise NotFound(f"user {user_id} is not on this team", "user_id")
    _announce(ctx, spec.kind, record.id, before)


__all__ = ["ACCESS", "add_member", "member_ids", "remove_member", "team_of"]

"""Record team JSON API: list, add (or change) and remove members, thin over the service."""

from __future__ import annotations

from litestar import delete, get, post
from litestar.params import FromPath, JSONBody

from kht.context import RequestCtx
from kht.teams import service
from kht.teams.models import TeamMember
from kht.teams.schemas import TeamList, TeamMemberIn, TeamMemberOut

BASE = "/api/v1/record-teams/{kind:str}/{record_id:int}"


def member_out(member: TeamMember, name: str) -> TeamMemberOut:
    return TeamMemberOut(
        user_id=member.user_id,
        name=name,
        role=member.role,
        access=member.access,
        added_at=member.added_at,
    )


def _listed(ctx: RequestCtx, kind: str, record_id: int) -> TeamList:
    items = [member_out(m, name) for m, name in service.team_of(ctx, kind, record_id)]
    return TeamList(items=items, total=len(items))


@get(BASE, sync_to_thread=True, tags=["record teams"])
def list_team(ctx: RequestCtx, kind: FromPath[str], record_id: FromPath[int]) -> TeamList:
    """The team of a record the caller can see (404 otherwise)."""
    return _listed(ctx, kind, record_id)


@post(BASE, sync_to_thread=True, tags=["record teams"])
def add_to_team(
    ctx: RequestCtx, kind: FromPath[str], record_id: FromPath[int], data: JSONBody[TeamMemberIn]
) -> TeamList:
    """Put a user on the record's team with a role and read or edit access (again: change
    them). Whoever's scope reaches the record's owner and may edit it manages the team."""
    service.add_member(ctx, kind, record_id, data.user_id, role=data.role, access=data.access)
    return _listed(ctx, kind, record_id)


@delete(f"{BASE}/{{user_id:int}}", sync_to_thread=True, tags=["record teams"])
def remove_from_team(
    ctx: RequestCtx, kind: FromPath[str], record_id: FromPath[int], user_id: FromPath[int]
) -> None:
    """Take a user off the record's team: their access through it ends at once."""
    service.remove_member(ctx, kind, record_id, user_id)


ROUTES = [list_team, add_to_team, remove_from_team]

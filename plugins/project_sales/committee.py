"""The buying committee of a project: who decides, who influences, who is for or against us,
who reports to whom, and the gaps a rep must close.

Gaps: no decision maker, no champion, an opponent with high influence (4 or 5), a key person
(decision maker, economic buyer or champion, or anyone of influence 4+) not contacted for
the settings' `contact_days` (an action logged on the contact counts as contact).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

import kht.contacts.service as contacts
import kht.sales.opportunities.service as opportunities
from kht.plugin_api import Ctx, NotFound, ValidationError
from plugins.project_sales import access
from plugins.project_sales.models import CommitteeMember
from plugins.project_sales.scorecard import settings

ROLES = (
    "decision_maker",
    "economic_buyer",
    "technical_evaluator",
    "user",
    "influencer",
    "gatekeeper",
    "champion",
    "coach",
)
ATTITUDES = ("supporter", "neutral", "opponent")
KEY_ROLES = ("decision_maker", "economic_buyer", "champion")
HIGH = 4


def members(ctx: Ctx, opportunity_id: int) -> list[CommitteeMember]:
    """The committee of a project in scope, by influence then when added."""
    opportunities.get_opportunity(ctx, opportunity_id)
    query = (
        select(CommitteeMember)
        .where(CommitteeMember.opportunity_id == opportunity_id)
        .order_by(CommitteeMember.influence.desc(), CommitteeMember.id)
    )
    return list(ctx.session.scalars(query))


def _check(values: dict[str, Any]) -> None:
    if values.get("role") not in ROLES:
        raise ValidationError(f"role must be one of {', '.join(ROLES)}", "role")
    if values.get("attitude", "neutral") not in ATTITUDES:
        raise ValidationError(f"attitude must be one of {', '.join(ATTITUDES)}", "attitude")
    for name in ("strength", "influence"):
        value = values.get(name, 3)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValidationError(f"{name} must be a whole number from 1 to 5", name)


def _contact_of(ctx: Ctx, opportunity: Any, contact_id: int, field: str) -> None:
    """The contact must be one of the project's customer's contacts the user can see (else
    422 naming `field`, the same for another team's contact as for a missing one)."""
    try:
        contacts.check_contact_of(ctx, contact_id, opportunity.customer_id)
    except ValidationError as exc:
        raise ValidationError(exc.message, field) from None


def put_member(ctx: Ctx, opportunity_id: int, contact_id: int, **values: Any) -> CommitteeMember:
    """Add a contact to the committee, or change their role, attitude, strength, influence
    and reports-to (the user must be able to edit the project)."""
    opportunity = opportunities.get_opportunity(ctx, opportunity_id)
    access.require_edit(ctx, opportunity)
    _check(values)
    _contact_of(ctx, opportunity, contact_id, "contact_id")
    boss = values.get("reports_to_id")
    if boss is not None:
        if boss == contact_id:
            raise ValidationError("a person cannot report to themself", "reports_to_id")
        _contact_of(ctx, opportunity, boss, "reports_to_id")
    member = ctx.session.scalar(
        select(CommitteeMember).where(
            CommitteeMember.opportunity_id == opportunity_id,
            CommitteeMember.contact_id == contact_id,
        )
    )
    if member is None:
        member = CommitteeMember(opportunity_id=opportunity_id, contact_id=contact_id)
        member.added_at = ctx.now()
        ctx.session.add(member)
    member.role = values["role"]
    member.attitude = values.get("attitude", "neutral")
    member.strength = values.get("strength", 1)
    member.influence = values.get("influence", 3)
    member.reports_to_id = boss
    ctx.session.flush()
    return member


def remove_member(ctx: Ctx, opportunity_id: int, contact_id: int) -> None:
    """Take a contact off the committee (404 when not on it)."""
    opportunity = opportunities.get_opportunity(ctx, opportunity_id)
    access.require_edit(ctx, opportunity)
    member = ctx.session.scalar(
        select(CommitteeMember).where(
            CommitteeMember.opportunity_id == opportunity_id,
            CommitteeMember.contact_id == contact_id,
        )
    )
    if member is None:
        raise NotFound(f"contact {contact_id} is not on the committee")
    ctx.session.delete(member)
    ctx.session.flush()


def contacted(ctx: Ctx, contact_id: int) -> None:
    """An action was logged on the contact: they were contacted now, on every committee."""
    ctx.session.execute(
        update(CommitteeMember)
        .where(CommitteeMember.contact_id == contact_id)
        .values(last_contacted_at=ctx.now())
    )


def has_decision_maker(ctx: Ctx, opportunity_id: int) -> bool:
    """Whether the committee names a decision maker (no scope check: the gate's caller did)."""
    query = select(CommitteeMember.id).where(
        CommitteeMember.opportunity_id == opportunity_id,
        CommitteeMember.role == "decision_maker",
    )
    return ctx.session.scalar(query.limit(1)) is not None


def _key_person(member: CommitteeMember) -> bool:
    return member.role in KEY_ROLES or member.influence >= HIGH


def gaps(ctx: Ctx, rows: list[CommitteeMember], names: dict[int, str]) -> list[dict[str, Any]]:
    """The committee's gaps, each {"code", "contact_id", "message"} (English; the page
    translates the codes)."""
    found: list[dict[str, Any]] = []
    roles = {m.role for m in rows}
    if "decision_maker" not in roles:
        found.append(
            {"code": "no_decision_maker", "contact_id": None, "message": "no decision maker"}
        )
    if "champion" not in roles:
        found.append({"code": "no_champion", "contact_id": None, "message": "no champion"})
    days = settings(ctx).contact_days
    since = ctx.now() - timedelta(days=days)
    for m in rows:
        name = names.get(m.contact_id, f"#{m.contact_id}")
        if m.attitude == "opponent" and m.influence >= HIGH:
            message = f"{name} is an opponent with high influence"
            found.append(
                {"code": "strong_opponent", "contact_id": m.contact_id, "message": message}
            )
        last = m.last_contacted_at or m.added_at
        if _key_person(m) and last < since:
            message = f"{name} not contacted for {days} days"
            found.append({"code": "not_contacted", "contact_id": m.contact_id, "message": message})
    return found


def contact_names(ctx: Ctx, opportunity: Any) -> dict[int, str]:
    """The names of the customer's contacts the user may see (the committee's among them)."""
    return dict(contacts.contact_choices(ctx, opportunity.customer_id))


def chart(rows: list[CommitteeMember], names: dict[int, str], gap_ids: set[int]) -> dict:
    """The committee as an ECharts graph: a node per person (size by influence, colour by
    attitude, flagged when in a gap), an edge from each person to whom they report."""
    nodes = [
        {
            "id": str(m.contact_id),
            "name": names.get(m.contact_id, f"#{m.contact_id}"),
            "role": m.role,
            "attitude": m.attitude,
            "influence": m.influence,
            "strength": m.strength,
            "flagged": m.contact_id in gap_ids,
        }
        for m in rows
    ]
    on_chart = {m.contact_id for m in rows}
    links = [
        {"source": str(m.contact_id), "target": str(m.reports_to_id)}
        for m in rows
        if m.reports_to_id in on_chart
    ]
    return {"nodes": nodes, "links": links}

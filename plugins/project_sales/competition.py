"""Competitors on a project (core competitor records, linked to the opportunity) with their
offer, strengths, weaknesses and our strategy; and the outcome: win/loss reasons (a loss
needs one) and the winning competitor."""

from __future__ import annotations

from sqlalchemy import select

import kht.competitors.service as competitors
import kht.sales.opportunities.service as opportunities
from kht.plugin_api import Ctx, NotFound, ValidationError
from plugins.project_sales import access
from plugins.project_sales.models import Outcome, Rival

WIN_REASONS = ("price", "solution", "relationship", "service", "references")
LOSS_REASONS = (
    "price",
    "solution_fit",
    "relationship",
    "incumbent",
    "budget_cut",
    "no_decision",
    "timing",
)
TEXTS = ("offer", "strengths", "weaknesses", "strategy")


def rivals(ctx: Ctx, opportunity_id: int) -> list[Rival]:
    """The competitors of a project in scope, with what we know of them there."""
    opportunities.get_opportunity(ctx, opportunity_id)
    query = select(Rival).where(Rival.opportunity_id == opportunity_id).order_by(Rival.id)
    return list(ctx.session.scalars(query))


def _competitor(ctx: Ctx, competitor_id: int, field: str) -> None:
    try:
        competitors.get_competitor(ctx, competitor_id)
    except NotFound:
        raise ValidationError(f"competitor {competitor_id} does not exist", field) from None


def put_rival(ctx: Ctx, opportunity_id: int, competitor_id: int, **texts: str) -> Rival:
    """Name a competitor on a project (it joins the opportunity's competitors) or change its
    offer, strengths, weaknesses and our strategy there."""
    opportunity = opportunities.get_opportunity(ctx, opportunity_id)
    access.require_edit(ctx, opportunity)
    _competitor(ctx, competitor_id, "competitor_id")
    rival = ctx.session.scalar(
        select(Rival).where(
            Rival.opportunity_id == opportunity_id, Rival.competitor_id == competitor_id
        )
    )
    if rival is None:
        rival = Rival(opportunity_id=opportunity_id, competitor_id=competitor_id)
        ctx.session.add(rival)
        opportunities.link_competitor(ctx, opportunity_id, competitor_id)
    for name in TEXTS:
        value = texts.get(name)
        if value is not None:
            setattr(rival, name, value.strip()[:5000])
        elif getattr(rival, name) is None:
            setattr(rival, name, "")
    ctx.session.flush()
    return rival


def remove_rival(ctx: Ctx, opportunity_id: int, competitor_id: int) -> None:
    """Take a competitor off a project (and off the opportunity's competitors)."""
    opportunity = opportunities.get_opportunity(ctx, opportunity_id)
    access.require_edit(ctx, opportunity)
    rival = ctx.session.scalar(
        select(Rival).where(
            Rival.opportunity_id == opportunity_id, Rival.competitor_id == competitor_id
        )
    )
    if rival is None:
        raise NotFound(f"competitor {competitor_id} is not on this project")
    ctx.session.delete(rival)
    opportunities.unlink_competitor(ctx, opportunity_id, competitor_id)
    ctx.session.flush()


def close(
    ctx: Ctx,
    opportunity_id: int,
    *,
    won: bool,
    reason: str,
    version: int,
    winner_id: int | None = None,
    note: str = "",
) -> Outcome:
    """Close a project as won or lost with a reason from the pack's list (required on a
    loss: 422 naming `reason`) and, on a loss, the competitor who won (joins its
    competitors). The opportunity is closed by the core (gates, version, history)."""
    opportunity_of = opportunities.get_opportunity(ctx, opportunity_id)  # out of scope: 404
    access.require_edit(ctx, opportunity_of)
    allowed = WIN_REASONS if won else LOSS_REASONS
    if reason not in allowed:
        raise ValidationError(f"reason must be one of {', '.join(allowed)}", "reason")
    if won and winner_id is not None:
        raise ValidationError("a won project has no winning competitor", "winner_id")
    if winner_id is not None:
        _competitor(ctx, winner_id, "winner_id")
    opportunity = opportunities.close_opportunity(
        ctx, opportunity_id, won=won, reason=reason, version=version
    )
    if winner_id is not None:
        opportunities.link_competitor(ctx, opportunity_id, winner_id)
    outcome = ctx.session.scalar(select(Outcome).where(Outcome.opportunity_id == opportunity.id))
    if outcome is None:
        outcome = Outcome(opportunity_id=opportunity.id)
        ctx.session.add(outcome)
    outcome.won, outcome.reason, outcome.winner_id = won, reason, winner_id
    outcome.note, outcome.recorded_at = note.strip()[:500], ctx.now()
    ctx.session.flush()
    return outcome


def outcome_of(ctx: Ctx, opportunity_id: int) -> Outcome | None:
    """The recorded outcome of a project in scope (None: not closed through the pack)."""
    opportunities.get_opportunity(ctx, opportunity_id)
    return ctx.session.scalar(select(Outcome).where(Outcome.opportunity_id == opportunity_id))

"""Competitors on a project (core competitor records, linked to the opportunity) with their
offer, strengths, weaknesses and our strategy; and the outcome: win/loss reasons (a loss
needs one) and the winning competitor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

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


def reason_problem(won: bool, reason: str) -> str | None:
    """What is wrong with a project's close reason: a loss needs one of the listed loss
    reasons; a win's reason, when given, is one of the listed win reasons (None: fine)."""
    allowed = WIN_REASONS if won else LOSS_REASONS
    if (reason or not won) and reason not in allowed:
        outcome = "won" if won else "lost"
        return f"a project closed as {outcome} needs a reason from: {', '.join(allowed)}"
    return None


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
    competitors). The opportunity is closed by the core (gates, version, history), which
    records the outcome (`record_outcome`); this adds the winner and the note."""
    opportunity_of = opportunities.get_opportunity(ctx, opportunity_id)  # out of scope: 404
    access.require_edit(ctx, opportunity_of)
    problem = reason_problem(won, reason)
    if problem:
        raise ValidationError(problem, "reason")
    if won and winner_id is not None:
        raise ValidationError("a won project has no winning competitor", "winner_id")
    if winner_id is not None:
        _competitor(ctx, winner_id, "winner_id")
    opportunity = opportunities.close_opportunity(
        ctx, opportunity_id, won=won, reason=reason, version=version
    )
    if winner_id is not None:
        opportunities.link_competitor(ctx, opportunity_id, winner_id)
    outcome = _outcome(ctx, opportunity.id)
    outcome.winner_id, outcome.note = winner_id, note.strip()[:500]
    ctx.session.flush()
    return outcome


def _outcome(ctx: Ctx, opportunity_id: int) -> Outcome:
    found = ctx.session.scalar(select(Outcome).where(Outcome.opportunity_id == opportunity_id))
    if found is None:
        found = Outcome(opportunity_id=opportunity_id, winner_id=None, note="")
        ctx.session.add(found)
    return found


def record_outcome(ctx: Ctx, opportunity: Any, outcome: str) -> None:
    """A project moved into `outcome` (won, lost or open again) by any path -- the pack's
    close, the core's API or board, a quote accepted: its outcome row follows (reason from
    the opportunity, the winner cleared until the pack's close names one); reopened, the
    row goes."""
    if outcome == "open":
        ctx.session.execute(delete(Outcome).where(Outcome.opportunity_id == opportunity.id))
        return
    row = _outcome(ctx, opportunity.id)
    row.won, row.reason = outcome == "won", opportunity.close_reason or ""
    row.winner_id, row.note, row.recorded_at = None, "", ctx.now()
    ctx.session.flush()


def outcome_of(ctx: Ctx, opportunity_id: int) -> Outcome | None:
    """The recorded outcome of a project in scope (None: not closed through the pack)."""
    opportunities.get_opportunity(ctx, opportunity_id)
    return ctx.session.scalar(select(Outcome).where(Outcome.opportunity_id == opportunity_id))

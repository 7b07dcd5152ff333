"""The pack's reports: lead source quality, quote win rate by product line, rep activity vs
results. Every figure is computed from the scoped queries of the public services, so a user
sees the report of the records they may see, nothing more."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import case, func, select

from kht.actions.service import reachable
from kht.leads.service import filtered as leads_in_scope
from kht.plugin_api import Ctx
from kht.products.service import line_names
from kht.sales.opportunities.service import filtered as opportunities_in_scope
from kht.sales.quotes.service import filtered as quotes_in_scope
from kht.value.service import active_users, score_table
from plugins.standard_product.service import LEAD_SCORE, get_settings

CENT = Decimal("0.01")
# Quotes the customer has seen: the denominator of the win rate.
SEEN = ("sent", "accepted", "rejected", "expired")


class SourceRow(msgspec.Struct, kw_only=True):
    """Lead source quality: how many leads, how good (average score, share hot), how many
    became customers."""

    source: str
    leads: int
    average_score: Decimal
    hot: int
    converted: int
    conversion_rate: Decimal  # percent


class LineRow(msgspec.Struct, kw_only=True):
    """Quote win rate of one product line (None: quotes without an opportunity's line)."""

    product_line_id: int | None
    product_line: str
    quotes: int
    accepted: int
    win_rate: Decimal  # percent
    accepted_amount: Decimal


class RepRow(msgspec.Struct, kw_only=True):
    """One owner's activity (done actions, new leads) against results (opportunities won)."""

    user_id: int
    name: str
    actions: int
    leads: int
    won: int
    won_amount: Decimal
    won_per_10_actions: Decimal


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(CENT) if whole else Decimal("0.00")


def lead_source_quality(ctx: Ctx) -> list[SourceRow]:
    """Per lead source (blank: "—"), the leads in scope, their average lead score, how many
    are at or above the threshold, and how many were converted; most leads first."""
    threshold = get_settings(ctx).threshold
    leads = leads_in_scope(ctx).subquery()
    scores = score_table("lead", LEAD_SCORE)
    score = func.coalesce(scores.c.score, 0)
    rows = ctx.session.execute(
        select(
            leads.c.source,
            func.count(),
            func.avg(score),
            func.sum(case((score >= threshold, 1), else_=0)),
            func.sum(case((leads.c.status == "converted", 1), else_=0)),
        )
        .select_from(leads.outerjoin(scores, scores.c.record_id == leads.c.id))
        .group_by(leads.c.source)
    ).all()
    report = [
        SourceRow(
            source=source or "—",
            leads=count,
            average_score=Decimal(str(average or 0)).quantize(CENT),
            hot=int(hot or 0),
            converted=int(converted or 0),
            conversion_rate=_percent(int(converted or 0), count),
        )
        for source, count, average, hot, converted in rows
    ]
    return sorted(report, key=lambda row: (-row.leads, row.source))


def quote_win_rate(ctx: Ctx) -> list[LineRow]:
    """Per product line (of the quote's opportunity), the quotes customers have seen (sent,
    accepted, rejected, expired; latest revisions), how many were accepted, the win rate and
    the accepted amount."""
    quotes = quotes_in_scope(ctx).subquery()
    opportunities = opportunities_in_scope(ctx).subquery()
    line = opportunities.c.product_line_id
    accepted = quotes.c.status == "accepted"
    rows = ctx.session.execute(
        select(
            line,
            func.count(),
            func.sum(case((accepted, 1), else_=0)),
            func.sum(case((accepted, quotes.c.total), else_=0)),
        )
        .select_from(quotes.outerjoin(opportunities, opportunities.c.id == quotes.c.opportunity_id))
        .where(quotes.c.status.in_(SEEN))
        .group_by(line)
    ).all()
    names = line_names(ctx)
    report = [
        LineRow(
            product_line_id=line_id,
            product_line=names.get(line_id, f"#{line_id}") if line_id else "—",
            quotes=count,
            accepted=int(won or 0),
            win_rate=_percent(int(won or 0), count),
            accepted_amount=Decimal(str(amount or 0)).quantize(CENT),
        )
        for line_id, count, won, amount in rows
    ]
    return sorted(report, key=lambda row: (row.product_line_id is None, row.product_line))


def rep_activity(ctx: Ctx, days: int = 30) -> list[RepRow]:
    """Per owner in scope over the last `days`: done actions, leads created for them,
    opportunities won and their amount, and wins per 10 actions."""
    since = ctx.now() - timedelta(days=days)
    actions = reachable(ctx).subquery()
    done: dict[Any, int] = {
        owner: count
        for owner, count in ctx.session.execute(
            select(actions.c.owner_id, func.count())
            .where(actions.c.status == "done", actions.c.done_at >= since)
            .group_by(actions.c.owner_id)
        )
    }
    leads = leads_in_scope(ctx).subquery()
    new_leads: dict[Any, int] = {
        owner: count
        for owner, count in ctx.session.execute(
            select(leads.c.owner_id, func.count())
            .where(leads.c.created_at >= since)
            .group_by(leads.c.owner_id)
        )
    }
    opportunities = opportunities_in_scope(ctx).subquery()
    won: dict[Any, tuple[int, Any]] = {
        owner: (count, amount)
        for owner, count, amount in ctx.session.execute(
            select(opportunities.c.owner_id, func.count(), func.sum(opportunities.c.amount))
            .where(opportunities.c.status == "won", opportunities.c.closed_at >= since)
            .group_by(opportunities.c.owner_id)
        )
    }
    names = dict(active_users(ctx))
    owners = {o for o in (*done, *new_leads, *won) if o is not None}
    report = []
    for owner in owners:
        count, amount = won.get(owner, (0, 0))
        acted = done.get(owner, 0)
        report.append(
            RepRow(
                user_id=owner,
                name=names.get(owner, f"#{owner}"),
                actions=acted,
                leads=new_leads.get(owner, 0),
                won=count,
                won_amount=Decimal(str(amount or 0)).quantize(CENT),
                won_per_10_actions=(Decimal(count) * 10 / acted).quantize(CENT)
                if acted
                else Decimal("0.00"),
            )
        )
    return sorted(report, key=lambda row: (-row.won_amount, -row.actions, row.name))

"""The qualification scorecard: configurable weighted criteria scored 0-5, every score kept.

The weighted total (0-100) is sum(weight x score) / (sum(weight) x 5) x 100 over the active
criteria, rounded half up; a criterion not scored yet counts 0. A score is never changed:
scoring again adds a row, so the latest row per criterion is the scorecard and all rows
are its history (with the total they led to).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

import kht.sales.opportunities.service as opportunities
import kht.value.service as values
from kht.plugin_api import Ctx, ScorePart, ValidationError, require
from kht.plugin_api import Score as ValueScore
from plugins.project_sales import access
from plugins.project_sales.defs import CRITERIA, NAME
from plugins.project_sales.models import Criterion, Score, Settings

MAX = 5
MODEL = f"{NAME}.scorecard"  # the project value model (plugin.kht_register_value_models)


def seed(ctx: Ctx) -> None:
    """The default criteria and settings, once (administrators own them afterwards)."""
    if ctx.session.scalar(select(func.count()).select_from(Criterion)) == 0:
        for position, (key, zh, en, weight, guide_zh, guide_en) in enumerate(CRITERIA):
            ctx.session.add(
                Criterion(
                    key=key,
                    label_zh=zh,
                    label_en=en,
                    weight=weight,
                    guidance_zh=guide_zh,
                    guidance_en=guide_en,
                    position=position,
                    active=True,
                )
            )
    if ctx.session.scalar(select(func.count()).select_from(Settings)) == 0:
        ctx.session.add(Settings(min_score=60, contact_days=30))
    ctx.session.flush()


def settings(ctx: Ctx) -> Settings:
    """The pack's settings row (made with the defaults when missing)."""
    row = ctx.session.scalar(select(Settings).order_by(Settings.id).limit(1))
    if row is None:
        seed(ctx)
        row = ctx.session.scalar(select(Settings).order_by(Settings.id).limit(1))
    return row


def change_settings(ctx: Ctx, *, min_score: int | None = None, contact_days: int | None = None):
    """Change the gate's minimum score (0-100) or the not-contacted days (1-365); needs the
    pack's `admin` right."""
    require(ctx.user, NAME, "admin")
    row = settings(ctx)
    if min_score is not None:
        if not 0 <= min_score <= 100:
            raise ValidationError("min_score must be between 0 and 100", "min_score")
        row.min_score = min_score
    if contact_days is not None:
        if not 1 <= contact_days <= 365:
            raise ValidationError("contact_days must be between 1 and 365", "contact_days")
        row.contact_days = contact_days
    ctx.session.flush()
    return row


def criteria(ctx: Ctx) -> list[Criterion]:
    """The active criteria, in order."""
    query = (
        select(Criterion)
        .where(Criterion.active, Criterion.deleted_at.is_(None))
        .order_by(Criterion.position, Criterion.id)
    )
    return list(ctx.session.scalars(query))


def set_criterion(ctx: Ctx, key: str, *, weight: int, active: bool = True, **labels: str):
    """Change (or add) a criterion: its weight (0-10), labels and guidance; needs `admin`."""
    require(ctx.user, NAME, "admin")
    if not 0 <= weight <= 10:
        raise ValidationError("weight must be between 0 and 10", "weight")
    row = ctx.session.scalar(select(Criterion).where(Criterion.key == key))
    if row is None:
        if not labels.get("label_zh") or not labels.get("label_en"):
            raise ValidationError("a new criterion needs label_zh and label_en", "label_zh")
        row = Criterion(key=key, position=len(criteria(ctx)), guidance_zh="", guidance_en="")
        ctx.session.add(row)
    row.weight, row.active = weight, active
    for name, value in labels.items():
        if value:
            setattr(row, name, value)
    ctx.session.flush()
    rescore_all(ctx)
    return row


def rescore_all(ctx: Ctx) -> int:
    """Recompute the project value of every scored project (the criteria or their weights
    changed: every total may have moved). Returns how many were rescored."""
    ids = ctx.session.scalars(select(Score.opportunity_id).distinct())
    count = 0
    for opportunity_id in ids.all():
        count += 1 if values.score_record(ctx, "opportunity", opportunity_id, only=[MODEL]) else 0
    return count


def latest(ctx: Ctx, opportunity_id: int) -> dict[str, Score]:
    """The latest score of each criterion of a project (no scope check: callers do)."""
    rows = ctx.session.scalars(
        select(Score).where(Score.opportunity_id == opportunity_id).order_by(Score.id)
    )
    return {row.criterion_key: row for row in rows}


def weighted_total(weights: dict[str, int], scores: dict[str, int]) -> int:
    """sum(weight x score) / (sum(weight) x 5) x 100, rounded half up (0 without weights)."""
    possible = sum(weights.values()) * MAX
    if possible == 0:
        return 0
    got = sum(weight * scores.get(key, 0) for key, weight in weights.items())
    return int((Decimal(got) * 100 / possible).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def total_of(ctx: Ctx, opportunity_id: int) -> int:
    """The project's weighted total now (0-100)."""
    weights = {c.key: c.weight for c in criteria(ctx)}
    scores = {key: row.score for key, row in latest(ctx, opportunity_id).items()}
    return weighted_total(weights, scores)


def card(ctx: Ctx, opportunity_id: int) -> dict[str, Any]:
    """The scorecard of a project in scope: each criterion with its latest score, and the
    total."""
    opportunities.get_opportunity(ctx, opportunity_id)
    scores = latest(ctx, opportunity_id)
    rows = [{"criterion": c, "score": scores.get(c.key)} for c in criteria(ctx)]
    return {"rows": rows, "total": total_of(ctx, opportunity_id), "min": settings(ctx).min_score}


def score(ctx: Ctx, opportunity_id: int, given: dict[str, int], note: str = "") -> int:
    """Score criteria of a project the user may change (its owner's scope, or its team with
    edit access): `given` maps criterion keys to 0-5. Returns the new total."""
    opportunity = opportunities.get_opportunity(ctx, opportunity_id)
    access.require_edit(ctx, opportunity)
    known = {c.key for c in criteria(ctx)}
    if not given:
        raise ValidationError("score at least one criterion", "scores")
    for key, value in given.items():
        if key not in known:
            raise ValidationError(f"unknown criterion {key!r}", "scores")
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX:
            raise ValidationError(f"{key} must be a whole number from 0 to 5", "scores")
    now = ctx.now()
    for key, value in given.items():
        row = Score(
            opportunity_id=opportunity_id,
            criterion_key=key,
            score=value,
            note=note.strip()[:500],
            scored_by_id=ctx.user_id,
            scored_at=now,
        )
        ctx.session.add(row)
        ctx.session.flush()
        row.total_after = total_of(ctx, opportunity_id)
    ctx.session.flush()
    # The value model reads no field of the opportunity (`inputs=()`): kept in step here.
    values.score_record(ctx, "opportunity", opportunity_id, only=[MODEL])
    return total_of(ctx, opportunity_id)


def history(ctx: Ctx, opportunity_id: int) -> list[Score]:
    """Every score given to a project in scope, oldest first (how the scorecard evolved)."""
    opportunities.get_opportunity(ctx, opportunity_id)
    query = select(Score).where(Score.opportunity_id == opportunity_id).order_by(Score.id)
    return list(ctx.session.scalars(query))


def project_value(ctx: Ctx, record: Any) -> ValueScore:
    """The project value model: the weighted scorecard, one explained part per criterion."""
    scores = latest(ctx, record.id)
    active = criteria(ctx)
    possible = sum(c.weight for c in active) * MAX
    parts = []
    for c in active:
        given = scores[c.key].score if c.key in scores else 0
        points = Decimal(0) if possible == 0 else Decimal(c.weight * given * 100) / possible
        parts.append(
            ScorePart(
                label_zh=c.label_zh,
                label_en=c.label_en,
                points=points.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                explanation=f"{given}/5 × 权重 {c.weight}"
                + ("" if c.key in scores else "（未评分）"),
                explanation_en=f"{given}/5 × weight {c.weight}"
                + ("" if c.key in scores else " (not scored)"),
            )
        )
    return ValueScore(total=total_of(ctx, record.id), parts=tuple(parts))

"""Customer lifecycle: moving records between configured stages, their history, conversion.

Stages (`lifecycle_stages`) and the allowed moves between them (`lifecycle_transitions`) are
configured by administrators (see kht.lifecycle.config). `change_stage` is the one way a
record changes stage: plugins that move stages on their own events (an order placed, a
ticket closed...) call it too, with a `cause` that says why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from kht import record_service as records
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.events import StageChanged
from kht.lifecycle.models import LifecycleStage, LifecycleTransition, StageChange
from kht.lifecycle.schemas import HistoryEntry, StageCount
from kht.plugin_types import RecordKind
from kht.records import record_kind

CAUSE_MAX = 300


def stages(ctx: Ctx, *, active_only: bool = False) -> list[LifecycleStage]:
    """The configured stages in display order."""
    query = select(LifecycleStage).order_by(LifecycleStage.position, LifecycleStage.id)
    if active_only:
        query = query.where(LifecycleStage.active.is_(True))
    return list(ctx.session.scalars(query))


def transitions(ctx: Ctx) -> set[tuple[str, str]]:
    """Every allowed (from, to) move."""
    rows = ctx.session.execute(select(LifecycleTransition.from_key, LifecycleTransition.to_key))
    return {(row.from_key, row.to_key) for row in rows}


def next_stages(ctx: Ctx, from_stage: str) -> list[LifecycleStage]:
    """The active stages a record in `from_stage` may move to, in display order."""
    allowed = {to for frm, to in transitions(ctx) if frm == from_stage}
    return [stage for stage in stages(ctx, active_only=True) if stage.key in allowed]


def _staged_kind(ctx: Ctx, kind: str) -> RecordKind:
    try:
        spec = record_kind(ctx, kind)
    except NotFound:  # an unknown kind is bad input here, not a missing record
        raise ValidationError(f"unknown record kind {kind!r}", "kind") from None
    if not hasattr(spec.model, "stage"):
        raise ValidationError(f"{kind} records have no lifecycle stage", "kind")
    return spec


def _check_move(ctx: Ctx, from_stage: str, to_stage: str) -> None:
    target = ctx.session.scalar(select(LifecycleStage).where(LifecycleStage.key == to_stage))
    if target is None:
        raise ValidationError(f"unknown stage {to_stage!r}", "to_stage")
    if not target.active:
        raise ValidationError(f"stage {to_stage!r} is no longer in use", "to_stage")
    if from_stage == to_stage:
        raise ValidationError(f"the record is already in stage {to_stage!r}", "to_stage")
    if (from_stage, to_stage) not in transitions(ctx):
        raise ValidationError(
            f"moving from {from_stage!r} to {to_stage!r} is not allowed", "to_stage"
        )


def change_stage(
    ctx: Ctx,
    kind: str,
    record_id: int,
    to_stage: str,
    cause: str = "",
    version: int | None = None,
) -> Any:
    """Move a record (in the acting user's scope, with edit permission) to `to_stage`.

    Refuses (422, field `to_stage`, message naming from and to) a move the transition matrix
    does not allow, an unknown or retired stage, and a move to the current stage; a stale
    `version` is a Conflict. The record's `stage` and `stage_changed_at` change through the
    record service (audited), a StageChange row keeps time, cause and user, and
    `StageChanged(kind, record_id, from_stage, to_stage, cause)` is fired inside the
    transaction. Plugins may call this from their own event listeners to move a record on
    their events — pass a `cause` such as "order placed" and `version=None`.
    Returns the record.
    """
    spec = _staged_kind(ctx, kind)
    record = records.get_record(ctx, spec, record_id)
    cause = (cause or "").strip()
    if len(cause) > CAUSE_MAX:
        raise ValidationError(f"the cause is longer than {CAUSE_MAX} characters", "cause")
    from_stage = record.stage
    _check_move(ctx, from_stage, to_stage)
    now = ctx.now()
    records.update_record(ctx, spec, record, version, {"stage": to_stage, "stage_changed_at": now})
    ctx.session.add(
        StageChange(
            kind=kind,
            record_id=record.id,
            from_stage=from_stage,
            to_stage=to_stage,
            cause=cause,
            at=now,
            user_id=ctx.user_id,
        )
    )
    ctx.session.flush()
    ctx.fire(
        StageChanged(
            kind=kind,
            record_id=record.id,
            user_id=ctx.user_id,
            from_stage=from_stage,
            to_stage=to_stage,
            cause=cause,
        )
    )
    return record


def stage_history(ctx: Ctx, kind: str, record_id: int) -> list[HistoryEntry]:
    """The stages a record (in scope) went through, oldest first, with time in each.

    The first entry is the stage it was created in; the last one is the current stage, whose
    time runs until now (`left_at` None).
    """
    spec = _staged_kind(ctx, kind)
    record = records.get_record(ctx, spec, record_id)
    rows = list(
        ctx.session.scalars(
            select(StageChange)
            .where(StageChange.kind == kind, StageChange.record_id == record.id)
            .order_by(StageChange.at, StageChange.id)
        )
    )
    first = rows[0].from_stage if rows and rows[0].from_stage else record.stage
    entries = [(first, record.created_at, "", record.created_by_id)]
    entries += [(r.to_stage, r.at, r.cause, r.user_id) for r in rows]
    now = ctx.now()
    history = []
    for index, (stage, entered, cause, user_id) in enumerate(entries):
        left = entries[index + 1][1] if index + 1 < len(entries) else None
        history.append(
            HistoryEntry(
                stage=stage,
                entered_at=entered,
                left_at=left,
                seconds=max(0, int(((left or now) - entered).total_seconds())),
                cause=cause,
                user_id=user_id,
            )
        )
    return history


def stage_conversion(
    ctx: Ctx, since: datetime, until: datetime, kind: str = "customer"
) -> list[StageCount]:
    """How many records in the acting user's scope moved from→to in [since, until).

    For reports: counts per (from, to) pair, most frequent first.
    """
    spec = _staged_kind(ctx, kind)
    model = spec.model
    query = (
        select(StageChange.from_stage, StageChange.to_stage, func.count().label("n"))
        .join(model, model.id == StageChange.record_id)
        .where(
            StageChange.kind == kind,
            StageChange.at >= since,
            StageChange.at < until,
            model.deleted_at.is_(None),
        )
        .group_by(StageChange.from_stage, StageChange.to_stage)
    )
    query = records.scoped(ctx, spec, query)
    rows = ctx.session.execute(query).all()
    counts = [StageCount(from_stage=r.from_stage, to_stage=r.to_stage, count=r.n) for r in rows]
    return sorted(counts, key=lambda c: (-c.count, c.from_stage or "", c.to_stage))


__all__ = [
    "change_stage",
    "next_stages",
    "stage_conversion",
    "stage_history",
    "stages",
    "transitions",
]

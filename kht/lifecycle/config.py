"""Configuring the lifecycle: add, rename, reorder and retire stages; edit the allowed moves."""

from __future__ import annotations

from sqlalchemy import delete

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import ValidationError
from kht.lifecycle.models import LifecycleStage, LifecycleTransition
from kht.lifecycle.schemas import LifecycleConfig, StageDef, TransitionDef
from kht.lifecycle.service import stages, transitions

MODULE = "customers"


def get_config(ctx: Ctx) -> LifecycleConfig:
    """Every stage (retired ones too) and every allowed move."""
    require(ctx.user, MODULE, "view")
    return LifecycleConfig(
        stages=[
            StageDef(
                key=s.key,
                label_zh=s.label_zh,
                label_en=s.label_en,
                position=s.position,
                active=s.active,
            )
            for s in stages(ctx)
        ],
        transitions=[TransitionDef(from_stage=a, to_stage=b) for a, b in sorted(transitions(ctx))],
    )


def _check(ctx: Ctx, config: LifecycleConfig) -> None:
    keys = [stage.key for stage in config.stages]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise ValidationError(f"stage keys must be unique: {', '.join(twice)}", "stages")
    missing = sorted({s.key for s in stages(ctx)} - set(keys))
    if missing:
        raise ValidationError(
            f"stages cannot be removed, only retired (active: false): {', '.join(missing)}",
            "stages",
        )
    if not any(stage.active for stage in config.stages):
        raise ValidationError("at least one stage must stay active", "stages")
    for stage in config.stages:
        if not stage.label_zh.strip() or not stage.label_en.strip():
            raise ValidationError(f"stage {stage.key!r} needs both labels", "stages")
    for move in config.transitions:
        if move.from_stage not in keys or move.to_stage not in keys:
            raise ValidationError(
                f"move {move.from_stage} → {move.to_stage} names an unknown stage", "transitions"
            )
        if move.from_stage == move.to_stage:
            raise ValidationError(
                f"a stage cannot move to itself ({move.from_stage})", "transitions"
            )


def save_config(ctx: Ctx, config: LifecycleConfig) -> LifecycleConfig:
    """Replace the stages and moves (administrators of customers only).

    Stages are never deleted (records and history still name them): leave one out and the
    save is refused; set `active: false` to retire it. Keys never change; labels and
    positions do. Returns the saved configuration.
    """
    require(ctx.user, MODULE, "admin")
    _check(ctx, config)
    existing = {stage.key: stage for stage in stages(ctx)}
    for item in config.stages:
        row = existing.get(item.key) or LifecycleStage(key=item.key)
        row.label_zh, row.label_en = item.label_zh.strip(), item.label_en.strip()
        row.position, row.active = item.position, item.active
        ctx.session.add(row)
    ctx.session.execute(delete(LifecycleTransition))
    pairs = sorted({(m.from_stage, m.to_stage) for m in config.transitions})
    ctx.session.add_all(LifecycleTransition(from_key=a, to_key=b) for a, b in pairs)
    ctx.session.flush()
    return get_config(ctx)

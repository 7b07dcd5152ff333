"""Value scores: compute the registered value models for records, store and explain them.

Plugins contribute `ValueModel`s (kht.plugin_types) through `kht_register_value_models`;
this service runs them, keeps the latest score per record and model in `value_scores`, and
fires `ScoreComputed` so plugins can act on a score (nurture, route). Scores are the same
whoever looks, so computing reads the record as the system; reading scores back goes
through the reader's data scope.

It also offers value models and their plugins what scoring needs without a logged-in user:
the done actions of a record (`actions_of`) and the two rule-driven follow-ups, giving a
record to an owner (`assign_by_rule`) and tagging it (`tag_by_rule`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import Select, Subquery, delete, func, insert, or_, select

from kht import record_service as records
from kht.actions.models import Action
from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Forbidden, NotAuthenticated, PluginError, ValidationError
from kht.events import RecordUpdated
from kht.plugin_types import Score, ScorePart, ValueModel
from kht.progress import Reporter, quietly
from kht.records import record_kind
from kht.records.schemas import out_of
from kht.tags.models import RecordTag, Tag
from kht.tags.service import ensure_tags, tags_of
from kht.value.models import ValueScore
from kht.value.schemas import ScoreComputed, ScoreOut, ScorePartOut

CENT = Decimal("0.01")
# The nesting guard: a follow-up of a score (a tag, an owner) fires RecordUpdated again,
# which must not score the same record inside its own scoring.
_BUSY = "kht.value.scoring"


class ActionFact(msgspec.Struct, frozen=True, kw_only=True):
    """A done action on a record, as value models see it: its type and when it happened."""

    type: str
    at: datetime


_MODELS = "kht.value.models"  # ctx.extra: the enabled plugins' value models


def value_models(ctx: Ctx, kind: str | None = None) -> list[ValueModel]:
    """The value models of the enabled plugins (of `kind`, if given); a key twice is an error.

    Asked once per ctx: every created or updated record asks (an import, per row).
    """
    models: list[ValueModel] | None = ctx.extra.get(_MODELS)
    if models is None:
        found: dict[str, ValueModel] = {}
        for batch in ctx.hook.kht_register_value_models():
            for model in batch or []:
                if not isinstance(model, ValueModel):
                    raise PluginError(f"a value model must be a ValueModel, not {model!r}")
                if model.key in found:
                    raise PluginError(f"value model {model.key!r} is declared twice")
                found[model.key] = model
        models = ctx.extra[_MODELS] = list(found.values())
    return [m for m in models if kind is None or m.kind == kind]


def scored_kinds(ctx: Ctx) -> set[str]:
    """The record kinds at least one enabled value model scores."""
    return {model.kind for model in value_models(ctx)}


def _part(model: ValueModel, part: Any) -> dict[str, Any]:
    if isinstance(part, tuple | list):
        part = ScorePart(label_zh=part[0], label_en=part[1], points=part[2], explanation=part[3])
    if not isinstance(part, ScorePart):
        raise PluginError(f"value model {model.key!r} returned a part that is not a ScorePart")
    return {
        "label_zh": part.label_zh,
        "label_en": part.label_en,
        "points": str(Decimal(str(part.points)).quantize(CENT)),
        "explanation": part.explanation,
        "explanation_en": part.explanation_en,
    }


def _checked(model: ValueModel, score: Any) -> tuple[Decimal, list[dict[str, Any]]]:
    """The total (two decimals) and the parts as stored; a model's bad result names it."""
    if not isinstance(score, Score):
        raise PluginError(f"value model {model.key!r} must return a Score, not {score!r}")
    total = Decimal(str(score.total)).quantize(CENT)
    if not Decimal(0) <= total <= Decimal(100):
        raise PluginError(f"value model {model.key!r} returned {total}, outside 0..100")
    return total, [_part(model, part) for part in score.parts]


def _live_record(ctx: Ctx, kind: str, record_id: int) -> Any:
    model = record_kind(ctx, kind).model
    record = ctx.session.get(model, record_id)
    if record is None or getattr(record, "deleted_at", None) is not None:
        return None
    return record


def score_record(
    ctx: Ctx, kind: str, record_id: int, *, only: Iterable[str] | None = None
) -> list[ValueScore]:
    """Compute every value model of `kind` (or those keyed in `only`) for one record, store
    it and fire ScoreComputed.

    Runs as the system (no permission check: services and the worker call it); a missing or
    deleted record is skipped. Returns the stored rows (none when no model scores `kind`).
    """
    models = value_models(ctx, kind)
    if only is not None:
        keys = set(only)
        models = [model for model in models if model.key in keys]
    busy: set[tuple[str, int]] = ctx.extra.setdefault(_BUSY, set())
    if not models or (kind, record_id) in busy:
        return []
    record = _live_record(ctx, kind, record_id)
    if record is None:
        return []
    busy.add((kind, record_id))
    try:
        stored = {
            row.model_key: row
            for row in ctx.session.scalars(
                select(ValueScore).where(ValueScore.kind == kind, ValueScore.record_id == record_id)
            )
        }
        rows = []
        for model in models:
            total, parts = _checked(model, model.compute(ctx, record))
            row = stored.get(model.key)
            previous = None if row is None else row.score
            if row is None:
                row = ValueScore(kind=kind, record_id=record_id, model_key=model.key)
                ctx.session.add(row)
            row.score, row.parts, row.computed_at = total, parts, ctx.now()
            ctx.session.flush()
            rows.append(row)
            ctx.fire(
                ScoreComputed(
                    kind=kind,
                    record_id=record_id,
                    user_id=ctx.user_id,
                    model_key=model.key,
                    score=str(total),
                    previous=None if previous is None else str(Decimal(previous).quantize(CENT)),
                )
            )
        return rows
    finally:
        busy.discard((kind, record_id))


def _out(model: ValueModel, row: ValueScore) -> ScoreOut:
    return out_of(
        ScoreOut,
        row,
        label_zh=model.label_zh,
        label_en=model.label_en,
        score=str(Decimal(row.score).quantize(CENT)),
        parts=[msgspec.convert(part, ScorePartOut) for part in row.parts or []],
    )


def scores_of(ctx: Ctx, kind: str, record_id: int) -> list[ScoreOut]:
    """The stored scores of a record the acting user can see (else 404), by model.

    Only models of enabled plugins are shown: a disabled plugin's scores stay stored but
    hidden, and come back with the plugin.
    """
    records.get_record(ctx, record_kind(ctx, kind), record_id)
    models = {model.key: model for model in value_models(ctx, kind)}
    rows = ctx.session.scalars(
        select(ValueScore)
        .where(ValueScore.kind == kind, ValueScore.record_id == record_id)
        .order_by(ValueScore.model_key)
    )
    return [_out(models[row.model_key], row) for row in rows if row.model_key in models]


def recompute(ctx: Ctx, kind: str, record_id: int) -> list[ScoreOut]:
    """Recompute one visible record's scores now (who may edit the record may ask)."""
    spec = record_kind(ctx, kind)
    require(ctx.user, spec.module, "edit")
    records.get_record(ctx, spec, record_id)
    score_record(ctx, kind, record_id)
    return scores_of(ctx, kind, record_id)


def score_table(kind: str, model_key: str) -> Subquery:
    """(record_id, score) of one model's stored scores, to outer-join onto a scoped query of
    `kind` in reports (e.g. the average lead score per lead source)."""
    return (
        select(ValueScore.record_id, ValueScore.score)
        .where(ValueScore.kind == kind, ValueScore.model_key == model_key)
        .subquery()
    )


def _check_operator(ctx: Ctx) -> None:
    if ctx.user is not None and not ctx.user.is_admin:
        raise Forbidden("only an administrator may recompute every score")


def rescore_all(ctx: Ctx, kind: str, *, batch_size: int = 500, progress: Reporter = quietly) -> int:
    """Recompute the scores of every live record of `kind`; returns how many were scored.

    For the worker and the CLI (`ctx.user` None; `progress` on its terminal) or an
    administrator. Records are read in batches of ids so a large table is not held in
    memory at once.
    """
    _check_operator(ctx)
    model = record_kind(ctx, kind).model
    if not value_models(ctx, kind):
        raise ValidationError(f"no enabled value model scores {kind!r}", "kind")
    alive = model.deleted_at.is_(None)
    total = ctx.session.scalar(select(func.count()).select_from(model).where(alive)) or 0
    scored, seen, last = 0, 0, 0
    with progress(f"scoring {kind}", total) as bar:
        while ids := list(
            ctx.session.scalars(
                select(model.id).where(model.id > last, alive).order_by(model.id).limit(batch_size)
            )
        ):
            for record_id in ids:
                scored += 1 if score_record(ctx, kind, record_id) else 0
            last, seen = ids[-1], seen + len(ids)
            ctx.session.flush()
            ctx.session.expire_all()
            bar(seen)
    return scored


def run_rescore(
    runtime: Any, kinds: Iterable[str] | None = None, *, progress: Reporter = quietly
) -> dict[str, int]:
    """The worker's entry point: rescore every scored kind, each in its own transaction
    (`kht scores recompute` shows `progress`)."""
    with runtime.ctx() as ctx:
        wanted = sorted(kinds if kinds is not None else scored_kinds(ctx))
    counts = {}
    for kind in wanted:
        with runtime.ctx() as ctx:
            counts[kind] = rescore_all(ctx, kind, progress=progress)
    return counts


# ---- what value models and their plugins may use --------------------------------------------


def actions_of(ctx: Ctx, kind: str, record_id: int) -> list[ActionFact]:
    """The done actions logged on a record, newest first (a customer's include its
    contacts' and leads'). Read as the system: a score does not depend on who looks."""
    about = (Action.kind == kind) & (Action.record_id == record_id)
    if kind == "customer":
        about = or_(about, Action.customer_id == record_id)
    rows = ctx.session.execute(
        select(Action.type, Action.done_at, Action.created_at)
        .where(about, Action.status == "done", Action.deleted_at.is_(None))
        .order_by(Action.created_at.desc(), Action.id.desc())
    )
    return [ActionFact(type=row.type, at=row.done_at or row.created_at) for row in rows]


def last_done_at(
    ctx: Ctx, customer_ids: Iterable[int] | Select[Any], *, until: datetime | None = None
) -> datetime | None:
    """When the newest done action on any of these customers (their contacts' and leads'
    included) was done, at or before `until` when given; None if none was. For a score over a
    group of companies (`customer_ids` may be a query, e.g. `customers_below`). Read as the
    system, like `actions_of`."""
    ids = customer_ids if isinstance(customer_ids, Select) else list(customer_ids)
    at = func.coalesce(Action.done_at, Action.created_at)
    about = or_(
        (Action.kind == "customer") & Action.record_id.in_(ids), Action.customer_id.in_(ids)
    )
    query = select(func.max(at)).where(about, Action.status == "done", Action.deleted_at.is_(None))
    if until is not None:
        query = query.where(at <= until)
    return ctx.session.scalar(query)


def record_of(ctx: Ctx, kind: str, record_id: int) -> Any:
    """The live record a score is about (None if missing or deleted), read as the system:
    for plugins reacting to ScoreComputed, which may run without a logged-in user."""
    return _live_record(ctx, kind, record_id)


def active_users(ctx: Ctx) -> list[tuple[int, str]]:
    """(id, name) of the active users, by name: the people a routing rule may name."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    rows = ctx.session.execute(select(User.id, User.name).where(User.active).order_by(User.name))
    return [(row.id, row.name) for row in rows]


def assign_by_rule(ctx: Ctx, kind: str, record_id: int, owner_id: int, rule: str) -> bool:
    """Give a record to `owner_id` because an administrator's rule says so (lead routing).

    Runs as the system, whoever triggered the rule (a rep logging a call, a web-form
    visitor): the rule, not the acting user, decides. Audited like any owner change (the
    RecordUpdated carries the rule). Returns False when the owner was already `owner_id`;
    an unknown or inactive owner is a 422 naming `owner_id`.
    """
    owner = ctx.session.get(User, owner_id)
    if owner is None or not owner.active:
        raise ValidationError("the new owner must be an active user", "owner_id")
    record = _live_record(ctx, kind, record_id)
    if record is None or record.owner_id == owner_id:
        return False
    old = record.owner_id
    record.owner_id = owner_id
    record.updated_by_id = ctx.user_id
    ctx.session.flush()
    ctx.fire(
        RecordUpdated(
            kind=kind,
            record_id=record_id,
            user_id=ctx.user_id,
            changes={"owner_id": [old, owner_id], "rule": [None, rule]},
        )
    )
    return True


def tag_by_rule(
    ctx: Ctx, kind: str, record_id: int, *, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> bool:
    """Add and remove tags on a record because a rule says so (nurture segments), as the
    system. Fires RecordUpdated with the tag change; returns whether anything changed."""
    add, remove = list(add), list(remove)
    before = tags_of(ctx, kind, [record_id]).get(record_id, [])
    wanted = [tag for tag in ensure_tags(ctx, add) if tag.name not in before] if add else []
    if wanted:
        ctx.session.execute(
            insert(RecordTag),
            [{"tag_id": t.id, "kind": kind, "record_id": record_id} for t in wanted],
        )
    gone = [name for name in remove if name in before and name not in add]
    if gone:
        ids = select(Tag.id).where(Tag.name.in_(gone))
        ctx.session.execute(
            delete(RecordTag)
            .where(
                RecordTag.kind == kind, RecordTag.record_id == record_id, RecordTag.tag_id.in_(ids)
            )
            .execution_options(synchronize_session=False)
        )
    after = tags_of(ctx, kind, [record_id]).get(record_id, [])
    if sorted(before) == sorted(after):
        return False
    ctx.fire(
        RecordUpdated(
            kind=kind,
            record_id=record_id,
            user_id=ctx.user_id,
            changes={"tags": [sorted(before), sorted(after)]},
        )
    )
    return True


__all__ = [
    "ActionFact",
    "actions_of",
    "active_users",
    "last_done_at",
    "assign_by_rule",
    "recompute",
    "record_of",
    "rescore_all",
    "run_rescore",
    "score_record",
    "score_table",
    "scored_kinds",
    "scores_of",
    "tag_by_rule",
    "value_models",
]

"""Hand-over: move everything a user owns to a colleague or to the shared pool, in one go."""

from __future__ import annotations

from sqlalchemy import func, select, update

from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.events import RecordUpdated
from kht.plugin_types import RecordKind
from kht.records import record_kinds


def _owned(kind: RecordKind, user_id: int):  # noqa: ANN202 - a SQLAlchemy clause list
    model = kind.model
    clauses = [model.owner_id == user_id]
    if hasattr(model, "deleted_at"):
        clauses.append(model.deleted_at.is_(None))
    if kind.open_filter is not None:
        clauses.append(kind.open_filter())
    return clauses


def owned_counts(ctx: Ctx, user_id: int) -> dict[str, int]:
    """How many live records of each kind `user_id` owns (what a hand-over would move)."""
    counts = {}
    for name, kind in record_kinds(ctx).items():
        query = select(func.count()).select_from(kind.model).where(*_owned(kind, user_id))
        counts[name] = ctx.session.scalar(query) or 0
    return counts


def hand_over(ctx: Ctx, from_user_id: int, to_user_id: int | None) -> dict[str, int]:
    """Transfer all of a user's records (to the pool when `to_user_id` is None).

    Runs in the caller's single transaction; each moved record gets a new version and an
    audited `owner_id` change, and history stays attached to the records.
    """
    require(ctx.user, "users", "edit")
    if ctx.session.get(User, from_user_id) is None:
        raise NotFound(f"user {from_user_id} not found")
    if to_user_id is not None:
        target = ctx.session.get(User, to_user_id)
        if target is None or not target.active:
            raise ValidationError("the receiving user must exist and be active", "to_user_id")
        if to_user_id == from_user_id:
            raise ValidationError("a user cannot hand over to themselves", "to_user_id")
    moved: dict[str, int] = {}
    for name, kind in record_kinds(ctx).items():
        moved[name] = _move(ctx, kind, from_user_id, to_user_id)
    return moved


def _move(ctx: Ctx, kind: RecordKind, from_user_id: int, to_user_id: int | None) -> int:
    model = kind.model
    ids = list(ctx.session.scalars(select(model.id).where(*_owned(kind, from_user_id))))
    if not ids:
        return 0
    ctx.session.execute(
        update(model)
        .where(model.id.in_(ids))
        .values(
            owner_id=to_user_id,
            version=model.version + 1,
            updated_at=ctx.now(),
            updated_by_id=ctx.user_id,
        )
        .execution_options(synchronize_session=False)
    )
    for record_id in ids:
        ctx.fire(
            RecordUpdated(
                kind=kind.kind,
                record_id=record_id,
                user_id=ctx.user_id,
                changes={"owner_id": [from_user_id, to_user_id]},
            )
        )
    return len(ids)

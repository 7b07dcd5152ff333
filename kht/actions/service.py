"""Actions: logging calls, visits, meetings, tasks and notes against records; the timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update

from kht import record_service as records
from kht.actions.models import Action
from kht.actions.schemas import ActionCreate, ActionUpdate, TimelineItem
from kht.context import Ctx
from kht.customers.models import Customer
from kht.errors import NotFound, ValidationError
from kht.events import ActionLogged
from kht.lifecycle.models import StageChange
from kht.lists.engine import count
from kht.plugin_types import RecordKind
from kht.records import record_kind

KIND = "action"
MODULE = "actions"
SPEC = RecordKind(
    kind=KIND,
    model=Action,
    module=MODULE,
    label_zh="行动",
    label_en="Actions",
    open_filter=lambda: Action.status == "planned",
)


def _record(ctx: Ctx, kind: str, record_id: int) -> tuple[Any, int | None]:
    """The visible record (else NotFound) and the customer it belongs to."""
    if kind == KIND:
        raise ValidationError("an action cannot be about another action", "kind")
    record = records.get_record(ctx, record_kind(ctx, kind), record_id)
    customer_id = record.id if kind == "customer" else getattr(record, "customer_id", None)
    return record, customer_id


def _target(ctx: Ctx, kind: str, record_id: int) -> tuple[Any, int | None]:
    try:
        return _record(ctx, kind, record_id)
    except NotFound as exc:  # in a request body: 422 naming the field the client got wrong
        raise ValidationError(exc.message, exc.field or "record_id") from None


def log_action(ctx: Ctx, data: ActionCreate) -> Action:
    """Log an action; a done one updates the customer's last contact and fires ActionLogged."""
    _, customer_id = _target(ctx, data.kind, data.record_id)
    values = records.changes_of(data)
    values["customer_id"] = customer_id
    values["done_at"] = ctx.now() if data.status == "done" else None
    action = records.create_record(ctx, SPEC, values)
    if data.status == "done":
        _touch_customer(ctx, customer_id)
    ctx.fire(
        ActionLogged(
            kind=data.kind,
            record_id=data.record_id,
            user_id=ctx.user_id,
            action_id=action.id,
            action_type=action.type,
        )
    )
    return action


def _touch_customer(ctx: Ctx, customer_id: int | None) -> None:
    # Derived, not an edit by the user: no version bump, no audit row.
    if customer_id is not None:
        ctx.session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(last_contact_at=ctx.now())
            .execution_options(synchronize_session=False)
        )


def get_action(ctx: Ctx, action_id: int) -> Action:
    """One action in the acting user's scope on actions."""
    return records.get_record(ctx, SPEC, action_id)


def update_action(ctx: Ctx, action_id: int, data: ActionUpdate) -> Action:
    """Change an action (version-checked); completing it stamps done_at and last contact."""
    action = get_action(ctx, action_id)
    changes = records.changes_of(data)
    completing = changes.get("status") == "done" and action.status != "done"
    if completing:
        changes["done_at"] = ctx.now()
    records.update_record(ctx, SPEC, action, data.version, changes)
    if completing:
        _touch_customer(ctx, action.customer_id)
        ctx.fire(
            ActionLogged(
                kind=action.kind,
                record_id=action.record_id,
                user_id=ctx.user_id,
                action_id=action.id,
                action_type=action.type,
            )
        )
    return action


def delete_action(ctx: Ctx, action_id: int) -> None:
    records.delete_record(ctx, SPEC, get_action(ctx, action_id))


def list_actions(
    ctx: Ctx, *, page: int = 1, page_size: int = 50, status: str = "", mine: bool = False
) -> tuple[list[Action], int]:
    """Actions in scope, planned ones by due time first."""
    query = records.visible(ctx, SPEC)
    if status:
        query = query.where(Action.status == status)
    if mine:
        query = query.where(Action.owner_id == ctx.user_id)
    total = count(ctx.session, query)
    ordered = query.order_by(Action.due_at.desc(), Action.id.desc())
    rows = ctx.session.scalars(ordered.offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def timeline(
    ctx: Ctx, kind: str, record_id: int, *, page: int = 1, page_size: int = 30
) -> list[TimelineItem]:
    """Actions and stage changes of a visible record, newest first, one page.

    Whoever may see a record sees its whole timeline, whoever logged the entries: every
    department shares one picture of the customer. A customer's timeline includes the
    actions logged on its contacts and leads.
    """
    _record(ctx, kind, record_id)
    wanted = page * page_size
    about = (Action.kind == kind) & (Action.record_id == record_id)
    if kind == "customer":
        about = or_(about, Action.customer_id == record_id)
    actions = ctx.session.scalars(
        select(Action)
        .where(about, Action.deleted_at.is_(None))
        .order_by(Action.created_at.desc())
        .limit(wanted)
    )
    stages = ctx.session.scalars(
        select(StageChange)
        .where(StageChange.kind == kind, StageChange.record_id == record_id)
        .order_by(StageChange.at.desc())
        .limit(wanted)
    )
    items = [_action_item(a) for a in actions] + [_stage_item(s) for s in stages]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[(page - 1) * page_size : wanted]


def _action_item(action: Action) -> TimelineItem:
    return TimelineItem(
        at=action.done_at or action.created_at,
        type=action.type,
        title=action.subject,
        body=action.body,
        user_id=action.owner_id,
        ref_kind=KIND,
        ref_id=action.id,
    )


def _stage_item(change: StageChange) -> TimelineItem:
    return TimelineItem(
        at=change.at,
        type="stage",
        title=f"{change.from_stage or '—'} → {change.to_stage}",
        body=change.cause,
        user_id=change.user_id,
    )

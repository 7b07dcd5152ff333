"""Moving what hangs off a merged record onto the survivor, audited where rows are records.

Records that move (contacts, leads, actions) get a new version and an audited change of the
column that pointed at the merged record, as a hand-over does; link rows (tags, group
memberships) are moved without making duplicates; files and stage history are re-pointed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from kht.actions.models import Action
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import customer_group_members
from kht.events import RecordUpdated
from kht.files.models import Attachment
from kht.leads.models import Lead
from kht.lifecycle.models import StageChange
from kht.tags.models import RecordTag


def _repoint_records(
    ctx: Ctx, kind: str, model: Any, column: Any, old_id: int, new_id: int, *where: Any
) -> set[int]:
    """Point live or deleted records of `model` at `new_id` instead of `old_id`, audited.

    Returns the ids of the records moved.
    """
    ids = list(ctx.session.scalars(select(model.id).where(column == old_id, *where)))
    if not ids:
        return set()
    ctx.session.execute(
        update(model)
        .where(model.id.in_(ids))
        .values(
            {
                column.key: new_id,
                "version": model.version + 1,
                "updated_at": ctx.now(),
                "updated_by_id": ctx.user_id,
            }
        )
        .execution_options(synchronize_session=False)
    )
    for record_id in ids:
        ctx.fire(
            RecordUpdated(
                kind=kind,
                record_id=record_id,
                user_id=ctx.user_id,
                changes={column.key: [old_id, new_id]},
            )
        )
    return set(ids)


def _repoint_rows(model: Any, kind: str, old_id: int, new_id: int) -> Any:
    """An UPDATE moving plain rows (files, stage history) of `kind` to `new_id`."""
    return (
        update(model)
        .where(model.kind == kind, model.record_id == old_id)
        .values(record_id=new_id)
        .execution_options(synchronize_session=False)
    )


def _moved(ctx: Ctx, statement: Any) -> int:
    return ctx.session.execute(statement).rowcount or 0


def _move_tags(ctx: Ctx, kind: str, old_id: int, new_id: int) -> int:
    """Tags of the merged record join the survivor's (a tag both had is kept once)."""
    t = RecordTag
    kept = select(t.tag_id).where(t.kind == kind, t.record_id == new_id)
    moved = _moved(
        ctx,
        update(t)
        .where(t.kind == kind, t.record_id == old_id, t.tag_id.not_in(kept))
        .values(record_id=new_id)
        .execution_options(synchronize_session=False),
    )
    ctx.session.execute(delete(t).where(t.kind == kind, t.record_id == old_id))
    return moved


def _move_groups(ctx: Ctx, old_id: int, new_id: int) -> int:
    """Static-group memberships of the merged customer become the survivor's (once each)."""
    m = customer_group_members.c
    kept = select(m.group_id).where(m.customer_id == new_id)
    moved = _moved(
        ctx,
        update(customer_group_members)
        .where(m.customer_id == old_id, m.group_id.not_in(kept))
        .values(customer_id=new_id),
    )
    ctx.session.execute(delete(customer_group_members).where(m.customer_id == old_id))
    return moved


def _move_actions(ctx: Ctx, kind: str, old_id: int, new_id: int) -> int:
    """Actions about the merged record, and (customers) actions filed under it."""
    about = _repoint_records(
        ctx, "action", Action, Action.record_id, old_id, new_id, Action.kind == kind
    )
    if kind == "customer":
        about |= _repoint_records(ctx, "action", Action, Action.customer_id, old_id, new_id)
    return len(about)


def move_customer_rows(ctx: Ctx, survivor_id: int, merged_id: int) -> dict[str, int]:
    """Move everything attached to customer `merged_id` onto `survivor_id`; counts by kind."""
    old, new = merged_id, survivor_id
    return {
        "contacts": len(_repoint_records(ctx, "contact", Contact, Contact.customer_id, old, new)),
        "leads": len(_repoint_records(ctx, "lead", Lead, Lead.customer_id, old, new)),
        "actions": _move_actions(ctx, "customer", old, new),
        "tags": _move_tags(ctx, "customer", old, new),
        "groups": _move_groups(ctx, old, new),
        "files": _moved(ctx, _repoint_rows(Attachment, "customer", old, new)),
        "stage_changes": _moved(ctx, _repoint_rows(StageChange, "customer", old, new)),
    }


def move_contact_rows(ctx: Ctx, survivor_id: int, merged_id: int) -> dict[str, int]:
    """Move everything attached to contact `merged_id` onto `survivor_id`; counts by kind."""
    old, new = merged_id, survivor_id
    return {
        "leads": len(_repoint_records(ctx, "lead", Lead, Lead.contact_id, old, new)),
        "actions": _move_actions(ctx, "contact", old, new),
        "tags": _move_tags(ctx, "contact", old, new),
        "files": _moved(ctx, _repoint_rows(Attachment, "contact", old, new)),
        "stage_changes": _moved(ctx, _repoint_rows(StageChange, "contact", old, new)),
    }

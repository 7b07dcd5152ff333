"""Queues: who works which tickets, and whose turn the next one is (round robin through
kht.turns, or the member with the fewest open tickets)."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.records.schemas import out_of
from kht.service.models import OPEN_STATUSES, Queue, QueueMember, Ticket
from kht.service.schemas import QueueIn, QueueOut
from kht.turns import next_in_turn

MODULE = "tickets"


def members(ctx: Ctx, queue_id: int) -> list[int]:
    """The active members of a queue, by id."""
    return list(
        ctx.session.scalars(
            select(QueueMember.user_id)
            .join(User, User.id == QueueMember.user_id)
            .where(QueueMember.queue_id == queue_id, User.active)
            .order_by(QueueMember.user_id)
        )
    )


def least_open(ctx: Ctx, user_ids: list[int]) -> int | None:
    """The member with the fewest open tickets (the lowest id on a tie)."""
    if not user_ids:
        return None
    counts = dict(
        ctx.session.execute(
            select(Ticket.owner_id, func.count())
            .where(
                Ticket.owner_id.in_(user_ids),
                Ticket.status.in_(OPEN_STATUSES),
                Ticket.deleted_at.is_(None),
            )
            .group_by(Ticket.owner_id)
        ).all()
    )
    return min(user_ids, key=lambda user_id: (counts.get(user_id, 0), user_id))


def pick(ctx: Ctx, queue_id: int | None) -> int | None:
    """Who the queue hands its next ticket to (None: it waits in the queue to be taken)."""
    queue = ctx.session.get(Queue, queue_id) if queue_id else None
    if queue is None or not queue.active or queue.strategy == "manual":
        return None
    people = members(ctx, queue.id)
    if queue.strategy == "least_open":
        return least_open(ctx, people)
    return next_in_turn(ctx.session, Queue.turn, queue.id, people)


def is_member(ctx: Ctx, queue_id: int | None, user_id: int | None) -> bool:
    if queue_id is None or user_id is None:
        return False
    found = select(QueueMember.id).where(
        QueueMember.queue_id == queue_id, QueueMember.user_id == user_id
    )
    return ctx.session.scalar(found) is not None


def check_queue(ctx: Ctx, queue_id: int | None) -> None:
    """A queue a ticket may be put in: an active one (422 on `queue_id` otherwise)."""
    if queue_id is None:
        return
    queue = ctx.session.get(Queue, queue_id)
    if queue is None or not queue.active:
        raise ValidationError(f"no active queue {queue_id}", "queue_id")


def _active_users(ctx: Ctx, ids: list[int], field: str) -> None:
    found = set(ctx.session.scalars(select(User.id).where(User.id.in_(ids), User.active)))
    missing = sorted(set(ids) - found)
    if missing:
        raise ValidationError(f"no active user {missing[0]}", field)


def queue_out(ctx: Ctx, queue: Queue) -> QueueOut:
    member_ids = list(
        ctx.session.scalars(
            select(QueueMember.user_id)
            .where(QueueMember.queue_id == queue.id)
            .order_by(QueueMember.user_id)
        )
    )
    return out_of(QueueOut, queue, member_ids=member_ids)


def list_queues(ctx: Ctx) -> list[Queue]:
    """Every queue (anyone who may view tickets sees the queue names)."""
    require(ctx.user, MODULE, "view")
    return list(ctx.session.scalars(select(Queue).order_by(Queue.name)))


def save_queue(ctx: Ctx, data: QueueIn, queue_id: int | None = None) -> Queue:
    """Create or change a queue and its members (administrators of tickets only)."""
    require(ctx.user, MODULE, "admin")
    _active_users(ctx, [*data.member_ids, *([data.lead_id] if data.lead_id else [])], "member_ids")
    clash = select(Queue.id).where(Queue.name == data.name.strip(), Queue.id != (queue_id or 0))
    if ctx.session.scalar(clash) is not None:
        raise ValidationError(f"a queue named {data.name!r} exists", "name")
    queue = ctx.session.get(Queue, queue_id) if queue_id else Queue(turn=0, active=True)
    if queue is None:
        raise NotFound(f"queue {queue_id} not found")
    queue.name, queue.strategy, queue.lead_id = data.name.strip(), data.strategy, data.lead_id
    ctx.session.add(queue)
    ctx.session.flush()
    ctx.session.execute(delete(QueueMember).where(QueueMember.queue_id == queue.id))
    for user_id in sorted(set(data.member_ids)):
        ctx.session.add(QueueMember(queue_id=queue.id, user_id=user_id))
    ctx.session.flush()
    return queue

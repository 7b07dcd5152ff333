"""What mass mail (kht.mail.mass) and mass SMS (kht.sms.mass) share: recipients picked once
per address, the worker's rate-limited batches, and reading sends through the scope.

A mass send is a row with `status` ("preparing", then "done"), `rate_per_minute`,
`next_batch_at` and `created_by_id`, and one recipient row per address (`send_id`, `status`
"pending" until its batch is prepared).

- `distinct(session, query, address)` reads the chosen records in chunks (memory stays
  flat) and gives each address once; `address` normalises a record's values or raises
  `Skip(reason)`, and the reasons (and `duplicate`) are counted when asked.
- `Batches.run` (every minute in the worker, and after the commit that started a send)
  takes each due send by moving its `next_batch_at` a minute ahead in an UPDATE that
  re-checks it — one worker per send per minute: that is the rate limit, and two workers
  never prepare the same batch — then hands up to `rate_per_minute` pending recipients, in
  chunks, *acting as the sender*, to the channel's `queue_chunk`, which writes them to its
  outbox and sets their new status. A chunk commits with its recipients' new status, so a
  worker that dies loses nothing and doubles nothing: the next run continues with what is
  still pending. With none left the send is `done`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import Session

from kht.auth.permissions import require
from kht.auth.principal import load_principal
from kht.auth.scope import owner_in_scope
from kht.context import Ctx
from kht.errors import NotFound, ValidationError

READ_CHUNK = 1000
STEP = timedelta(minutes=1)


class Skip(Exception):  # noqa: N818 - a signal, not an error
    """A record left out of a send; `reason` is what it is counted as (e.g. `no_number`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def distinct(
    session: Session,
    query: Select[Any],
    address: Callable[[tuple[Any, ...]], str],
    skipped: dict[str, int] | None = None,
) -> Iterator[list[tuple[int, str]]]:
    """Chunks of (record id, address) from `query`'s rows (id first, then the values
    `address` reads), each address once, in the query's order. Records `address` skips and
    repeated addresses are counted in `skipped` (under their reason and `duplicate`)."""
    seen: set[str] = set()
    chunk: list[tuple[int, str]] = []
    for record_id, *values in session.execute(query).yield_per(READ_CHUNK):
        try:
            found = address(tuple(values))
            if found in seen:
                raise Skip("duplicate")
        except Skip as exc:
            if skipped is not None:
                skipped[exc.reason] = skipped.get(exc.reason, 0) + 1
            continue
        seen.add(found)
        chunk.append((record_id, found))
        if len(chunk) == READ_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def campaign_members(ctx: Ctx, kind: str, campaign_id: int) -> Select[Any]:
    """The record ids of `kind` among the members of a campaign the sender may see (else a
    422 naming `campaign_id`): a send to a campaign's members adds `id IN (this)`."""
    from kht.marketing.models import CampaignMember
    from kht.marketing.service import get_campaign

    try:
        get_campaign(ctx, campaign_id)
    except NotFound:
        raise ValidationError("no such campaign", "campaign_id") from None
    return select(CampaignMember.record_id).where(
        CampaignMember.campaign_id == campaign_id, CampaignMember.kind == kind
    )


def counted(condition: Any) -> Any:
    """How many rows of a GROUP BY meet `condition` (0 when none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# ---------------------------------------------------------------- reading sends


def filter_text(item: dict[str, Any]) -> str:
    """A stored filter of a send as `field:op:value`, as it was given."""
    value = item.get("value")
    if isinstance(value, list):
        value = ",".join(map(str, value))
    return f"{item.get('field')}:{item.get('op')}" + ("" if value is None else f":{value}")


def list_sends(ctx: Ctx, model: Any, module: str, *, limit: int = 100) -> list[Any]:
    """Sends of senders in the user's scope of `module`, newest first."""
    require(ctx.user, module, "view")
    reach = owner_in_scope(ctx.user, model.created_by_id, module)
    query = select(model).where(reach).order_by(model.id.desc()).limit(limit)
    return list(ctx.session.scalars(query))


def get_send(ctx: Ctx, model: Any, module: str, send_id: int) -> Any:
    """One send of a sender in the user's scope of `module`, else NotFound."""
    require(ctx.user, module, "view")
    reach = owner_in_scope(ctx.user, model.created_by_id, module)
    send = ctx.session.scalar(select(model).where(model.id == send_id, reach))
    if send is None:
        raise NotFound(f"mass send {send_id} not found")
    return send


# ---------------------------------------------------------------- the worker's batches


@dataclass(frozen=True)
class Batches:
    """The batches of one channel's sends: its send and recipient tables, and
    `queue_chunk(ctx, send, pending)`, which puts pending recipients into the channel's
    outbox (or gives them a final status) inside the chunk's transaction."""

    send: Any
    recipient: Any
    queue_chunk: Callable[[Ctx, Any, list[Any]], None]
    chunk: int = 200

    def run(self, engine: Any, settings: Any, plugins: Any, now: datetime) -> int:
        """Prepare every due send's next batch; how many recipients were handed over."""
        with Session(engine) as session:
            due = session.scalars(select(self.send.id).where(*self._due(now))).all()
        moved = 0
        for send_id in due:
            if self._take(engine, send_id, now):
                moved += self._prepare(engine, settings, plugins, send_id, now)
        return moved

    def _due(self, now: datetime) -> list[Any]:
        return [
            self.send.status == "preparing",
            or_(self.send.next_batch_at.is_(None), self.send.next_batch_at <= now),
        ]

    def _take(self, engine: Any, send_id: int, now: datetime) -> bool:
        """Hold the send for this minute's batch; False when another run has it."""
        with Session(engine) as session, session.begin():
            taken = session.execute(
                update(self.send)
                .where(self.send.id == send_id, *self._due(now))
                .values(next_batch_at=now + STEP)
                .execution_options(synchronize_session=False)
            )
            return taken.rowcount == 1

    def _prepare(
        self, engine: Any, settings: Any, plugins: Any, send_id: int, now: datetime
    ) -> int:
        moved = 0
        while True:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                send = session.get(self.send, send_id)
                limit = min(self.chunk, send.rate_per_minute - moved)
                if limit <= 0:
                    return moved
                pending = self._pending(session, send_id, limit)
                if not pending:
                    send.status = "done"
                    return moved
                self.queue_chunk(_sender(session, settings, plugins, send, now), send, pending)
                moved += len(pending)

    def _pending(self, session: Session, send_id: int, limit: int) -> list[Any]:
        r = self.recipient
        query = select(r).where(r.send_id == send_id, r.status == "pending")
        return list(session.scalars(query.order_by(r.id).limit(limit)))


def _sender(session: Session, settings: Any, plugins: Any, send: Any, now: datetime) -> Ctx:
    """A context acting as the send's sender (their scope fills the merge fields)."""
    user = load_principal(session, send.created_by_id or 0)
    ctx = Ctx(session=session, settings=settings, plugins=plugins, user=user, clock=lambda: now)
    if user is not None:
        ctx.language = getattr(user, "language", "") or ctx.language
    return ctx

"""The worker's side of mass SMS: numbers into the SMS outbox at the send's rate, then the
outbox sent at the gateway's.

`run` (every minute in the worker, `kht sms send` by hand, and right after the commit that
started a send), outside the quiet hours, prepares each due send's next batch through the
batches mass mail uses (kht.mass_sends.Batches: one worker per send per minute, each chunk's
messages and its recipients' new status committed together, so a worker that dies loses
nothing and doubles nothing). Acting as the sender, each pending number is checked again —
opted out since the send started (`opted_out`), at its daily limit today (`limited`) — and
its parameters are filled for its record (`failed` when they cannot be); the rest become
messages with the send's origin. Then the outbox drains as for every SMS (kht.sms.service).
During the quiet hours nothing is prepared, so the daily limit counts the day the messages
actually go.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kht.context import Ctx
from kht.db.base import utcnow
from kht.db.outbox import once_after_commit
from kht.errors import KhtError
from kht.mass_sends import Batches
from kht.sms.limits import over_daily_limit
from kht.sms.mass import report
from kht.sms.models import SmsGateway, SmsMassRecipient, SmsMassSend, SmsOptOut
from kht.sms.service import drain, quiet, render_params, settings_row, write_message

_SCHEDULED = "kht_mass_sms_run"


def run_after_commit(ctx: Ctx) -> None:
    """Start preparing (and sending) once the caller's transaction has committed."""
    engine, settings, plugins, clock = ctx.session.get_bind(), ctx.settings, ctx.plugins, ctx.now
    once_after_commit(ctx.session, _SCHEDULED, lambda: run(engine, settings, plugins, clock()))


def run(engine: Engine, settings: Any, plugins: Any, now: datetime | None = None) -> int:
    """Prepare the due mass SMS batches (not in the quiet hours), then send what is due;
    returns how many messages the carrier accepted."""
    now = now or utcnow()
    if not _quiet(engine, now):
        BATCHES.run(engine, settings, plugins, now)
    return drain(engine, settings, plugins, now)


def run_worker(runtime: Any) -> int:
    """The worker's run (and `kht sms send`): at the current time."""
    return run(runtime.engine, runtime.settings, runtime.plugins(), utcnow())


def _quiet(engine: Engine, now: datetime) -> bool:
    with Session(engine) as session:
        row = session.scalar(select(SmsGateway).order_by(SmsGateway.id).limit(1))
        return row is not None and quiet(row, now)


def _queue_chunk(ctx: Ctx, send: SmsMassSend, pending: list[SmsMassRecipient]) -> None:
    gateway = settings_row(ctx.session)
    numbers = [r.number for r in pending]
    opted = set(ctx.session.scalars(select(SmsOptOut.number).where(SmsOptOut.number.in_(numbers))))
    for recipient in pending:
        status = _skip(ctx, gateway, opted, recipient)
        if status is None:
            status = _queue_one(ctx, gateway, send, recipient)
        if status != "queued":
            recipient.status = status
            report(ctx, send, recipient.kind, recipient.record_id, recipient.number, status)
    ctx.session.flush()


def _skip(
    ctx: Ctx, gateway: SmsGateway, opted: set[str], recipient: SmsMassRecipient
) -> str | None:
    if recipient.number in opted:
        return "opted_out"
    if over_daily_limit(ctx, gateway, recipient.number):
        return "limited"
    return None


def _queue_one(
    ctx: Ctx, gateway: SmsGateway, send: SmsMassSend, recipient: SmsMassRecipient
) -> str:
    """Write the recipient's message (`queued`), or `failed` when its record is gone, out of
    the sender's reach, or its parameters cannot be filled."""
    try:
        params = render_params(ctx, send, recipient.kind, recipient.record_id)
    except KhtError as exc:
        recipient.error = exc.message[:200]
        return "failed"
    message = write_message(
        ctx,
        gateway,
        send.template_id,
        send.template_code,
        params,
        recipient.number,
        recipient.kind,
        recipient.record_id,
        origin=send.origin,
    )
    recipient.status, recipient.message_id = "queued", message.id
    return "queued"


BATCHES = Batches(SmsMassSend, SmsMassRecipient, _queue_chunk)

"""The webhook outbox: deliveries queued in the caller's transaction, sent by the worker.

A lifecycle event (`kht_on_event`) or `enqueue` adds one `webhook_deliveries` row per
subscription in the transaction of the change it reports, so a message exists exactly when
that change is committed, and hands the worker a `deliver` once the commit is done (the
worker also runs `deliver` every minute, for retries and for what a lost hand-over left).
`deliver`:

- claims a batch in a short transaction of its own: an UPDATE whose WHERE re-checks that no
  one holds the rows, so two workers never send the same try;
- signs each message the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
  `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`) and POSTs it through
  `kht.webhooks.net` (SSRF-safe) with no transaction open;
- logs the try (status code, duration, error) and records the outcome: `delivered` on a 2xx;
  otherwise another try after a growing wait (1 minute, then ×4 up to 6 hours) until
  `webhook_max_attempts`, then `failed`. After `webhook_disable_after` failed tries in a row
  the subscription is disabled and every administrator notified.

A worker that dies between the receiver's answer and the record of it leaves its claim to
expire (LEASE) and the message goes again, with the same `webhook-id`: receivers drop what
they already have by that id.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from kht.config import Settings
from kht.context import Ctx
from kht.db.base import utcnow
from kht.db.outbox import claim, due, once_after_commit
from kht.errors import NotFound, ValidationError
from kht.events import Event
from kht.webhooks import net
from kht.webhooks.catalogue import body, event_data, type_of
from kht.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

log = logging.getLogger("kht.webhooks")
BATCH = 20
LEASE = timedelta(minutes=10)  # longer than a batch can take (BATCH tries of at most 30 s)
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=6)
_CACHE = "kht_webhook_subscriptions"
_SCHEDULED = "kht_webhook_deliver"


def forget_subscriptions(ctx: Ctx) -> None:
    """Drop this transaction's cached subscriptions (after one was changed)."""
    ctx.session.info.pop(_CACHE, None)


def _subscriptions(ctx: Ctx) -> list[tuple[int, frozenset[str], frozenset[str]]]:
    """(id, event types, kinds) of the enabled subscriptions, read once per transaction: an
    import fires an event per row, and most databases have no subscription at all."""
    cached = ctx.session.info.get(_CACHE)
    if cached is None:
        rows = ctx.session.execute(
            select(
                WebhookSubscription.id, WebhookSubscription.events, WebhookSubscription.kinds
            ).where(WebhookSubscription.enabled)
        )
        cached = [(row.id, frozenset(row.events), frozenset(row.kinds)) for row in rows]
        ctx.session.info[_CACHE] = cached
    return cached


def on_event(ctx: Ctx, event: Event) -> None:
    """Queue a delivery of `event` (with its record as the API shows it) to every enabled
    subscription to its type and kind; events of what is not a record kind are not sent."""
    from kht.records import record_kinds

    event_type = type_of(event)
    if event_type is None:
        return
    wanted = [
        sub_id
        for sub_id, events, kinds in _subscriptions(ctx)
        if event_type in events and (not kinds or event.kind in kinds)
    ]
    if not wanted or event.kind not in record_kinds(ctx):
        return
    try:
        payload = body(event_type, event_data(ctx, event), ctx.now())
    except (TypeError, ValueError, msgspec.EncodeError):
        # A value that will not encode must not cost the user their save.
        log.exception("webhook payload of %s %s could not be encoded", event.kind, event.record_id)
        return
    for sub_id in wanted:
        add(ctx, sub_id, event_type, payload, kind=event.kind, record_id=event.record_id)


def enqueue(
    ctx: Ctx,
    subscription_id: int,
    event_type: str,
    data: Any,
    *,
    kind: str = "",
    record_id: int | None = None,
) -> WebhookDelivery:
    """Queue a signed message of `event_type` carrying `data` (anything msgspec encodes: a
    dict, a Struct, an API answer) to one subscription, in the caller's transaction.

    The public service for others (an automation rule's "call a webhook" action): the body
    is `{"type": event_type, "timestamp": now, "data": data}`, sent by the worker after the
    commit with the same retries, log and SSRF checks as the subscription's events; a
    rolled-back transaction sends nothing. `kht.webhooks.catalogue.record_as_api` gives a
    record as the API shows it. The subscription must exist (enabled or not: a disabled one
    keeps the message until it is enabled again).
    """
    if not 0 < len(event_type) <= 60:
        raise ValidationError("event_type must be 1 to 60 characters", "event_type")
    if ctx.session.get(WebhookSubscription, subscription_id) is None:
        raise NotFound(f"webhook {subscription_id} not found", "subscription_id")
    payload = body(event_type, data, ctx.now())
    delivery = add(ctx, subscription_id, event_type, payload, kind=kind, record_id=record_id)
    ctx.session.flush()
    return delivery


def add(
    ctx: Ctx,
    subscription_id: int,
    event_type: str,
    payload: str,
    *,
    kind: str = "",
    record_id: int | None = None,
    is_test: bool = False,
) -> WebhookDelivery:
    """Write one delivery row (payload already encoded) and ask for a `deliver` after the
    commit."""
    delivery = WebhookDelivery(
        subscription_id=subscription_id,
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type=event_type,
        kind=kind,
        record_id=record_id,
        payload=payload,
        is_test=is_test,
        created_at=ctx.now(),
    )
    ctx.session.add(delivery)
    _deliver_after_commit(ctx)
    return delivery


def _deliver_after_commit(ctx: Ctx) -> None:
    settings = ctx.settings

    def hand_over() -> None:
        from kht.jobs.worker import submit_webhooks

        submit_webhooks(settings)

    once_after_commit(ctx.session, _SCHEDULED, hand_over)


# ---- sending (the worker) ------------------------------------------------------------------


def _claimable(now: datetime) -> list[Any]:
    live = select(WebhookSubscription.id).where(WebhookSubscription.enabled)
    # A disabled subscription's messages wait for it; a test goes regardless.
    to_live = WebhookDelivery.subscription_id.in_(live.scalar_subquery())
    return [*due(WebhookDelivery, now), or_(WebhookDelivery.is_test, to_live)]


def _claim(engine: Engine, now: datetime) -> list[tuple[WebhookDelivery, str, str]]:
    """Claim a batch of due deliveries; each with its subscription's URL and secret."""
    token = claim(engine, WebhookDelivery, _claimable(now), now, LEASE, BATCH)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.execute(
            select(WebhookDelivery, WebhookSubscription.url, WebhookSubscription.secret)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(WebhookDelivery.claim == token)
            .order_by(WebhookDelivery.id)
        )
        return [(row[0], row[1], row[2]) for row in rows]


def signed_headers(secret: str, message_id: str, at: datetime, payload: str) -> dict[str, str]:
    """The Standard Webhooks headers of one try (signed with the `standardwebhooks` library)."""
    from standardwebhooks.webhooks import Webhook

    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, payload),
        "user-agent": "kht-webhooks/1",
    }


def deliver(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Send every due delivery (the worker's task); returns how many were accepted."""
    accepted = 0
    while True:
        now = now or utcnow()
        batch = _claim(engine, now)
        stopped: set[int] = set()  # subscriptions disabled during this batch
        for delivery, url, secret in batch:
            if delivery.subscription_id in stopped and not delivery.is_test:
                _release(engine, delivery.id)
                continue
            answer = net.post(
                url,
                delivery.payload.encode(),
                signed_headers(secret, delivery.message_id, now, delivery.payload),
                allow_hosts=settings.webhook_allow_hosts,
                timeout=settings.webhook_timeout_seconds,
            )
            if _record(engine, settings, delivery, answer, now):
                stopped.add(delivery.subscription_id)
            accepted += answer.ok
        if len(batch) < BATCH:
            return accepted


def _release(engine: Engine, delivery_id: int) -> None:
    """Give a claimed delivery back untried (its subscription was disabled meanwhile)."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(claim=None, claimed_until=None)
        )


def _record(
    engine: Engine, settings: Settings, delivery: WebhookDelivery, answer: net.Answer, now: datetime
) -> bool:
    """Log the try and store its outcome (and the subscription's run of failures); whether
    this try disabled the subscription."""
    attempts = delivery.attempts + 1
    done: dict[str, Any] = {
        "claim": None,
        "claimed_until": None,
        "attempts": attempts,
        "last_status_code": answer.status_code,
        "last_error": answer.error[:200],
    }
    if answer.ok:
        done |= {"status": "delivered", "delivered_at": now, "next_attempt_at": None}
    elif attempts >= settings.webhook_max_attempts:
        done |= {"status": "failed", "next_attempt_at": None}
    else:
        done["next_attempt_at"] = now + min(MAX_WAIT, FIRST_WAIT * 4 ** (attempts - 1))
    with Session(engine) as session, session.begin():
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                at=now,
                status_code=answer.status_code,
                duration_ms=answer.duration_ms,
                error=answer.error[:200],
            )
        )
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery.id)
            .values(**done)
            .execution_options(synchronize_session=False)
        )
        return _count(session, settings, delivery.subscription_id, answer.ok, now)


def _count(session: Session, settings: Settings, sub_id: int, ok: bool, now: datetime) -> bool:
    """Reset the subscription's failures on a success; disable it after too many.

    Counting is not an edit (no version bump, so a form open on it still saves); disabling
    is, so a form shown before cannot silently enable it again.
    """
    table = WebhookSubscription
    if ok:
        session.execute(update(table).where(table.id == sub_id).values(failures=0))
        return False
    session.execute(update(table).where(table.id == sub_id).values(failures=table.failures + 1))
    failures = session.scalar(select(table.failures).where(table.id == sub_id)) or 0
    if failures < settings.webhook_disable_after:
        return False
    disabled = session.execute(
        update(table)
        .where(table.id == sub_id, table.enabled)
        .values(
            enabled=False,
            disabled_at=now,
            disabled_reason=f"{failures} failed deliveries in a row",
            version=table.version + 1,
        )
    )
    if disabled.rowcount:
        log.warning("webhook %s disabled after %s failed deliveries in a row", sub_id, failures)
        from kht.webhooks.alerts import notify_disabled

        notify_disabled(session, sub_id, now)
    return bool(disabled.rowcount)


def run_deliveries(runtime: Any) -> int:
    """The worker's entry point."""
    return deliver(runtime.engine, runtime.settings)


__all__ = ["add", "deliver", "enqueue", "forget_subscriptions", "on_event", "signed_headers"]

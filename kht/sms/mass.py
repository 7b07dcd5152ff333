"""Mass SMS: a template to every number of a segment, through the sender's scope, sent by
the worker in batches like mass mail (kht.mass_sends).

`send_mass(ctx, data, origin=...)` picks the records like mass mail (kht.lists.segments: a
saved view or segment and/or filters, only records the sender may see; `campaign_id`
narrows them to a campaign's members), takes each record's number (a contact's mobile
first), normalises it, and writes one recipient row per distinct number in the caller's
transaction — numbers that opted out are kept as `opted_out` (skipped, counted). The
template is filled for the first record before anything is written: one that cannot be
filled is a 422 naming `params.<name>`. Nothing is sent yet: the worker
(kht.sms.mass_batches) moves `rate_per_minute` numbers a minute into the SMS outbox,
outside the quiet hours, honouring opt-outs and the per-number daily limit then.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import Select, func, insert, select

from kht import mass_sends
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.lists.segments import segment_columns, segment_filters
from kht.mass_sends import Skip, campaign_members, counted, distinct
from kht.plugin_types import SmsStatus
from kht.sms.models import Cost, SmsMassRecipient, SmsMassSend, SmsMessage, SmsOptOut
from kht.sms.schemas import MassIn, MassStats
from kht.sms.service import (
    MODULE,
    PHONE_FIELDS,
    get_template,
    normalise_number,
    render_params,
    settings_row,
)

SKIPPED = ("no_number", "invalid", "duplicate")


def _template(ctx: Ctx, template_id: int) -> Any:
    try:
        return get_template(ctx, template_id)
    except NotFound:
        raise ValidationError("no such SMS template", "template_id") from None


def _records(ctx: Ctx, data: MassIn) -> tuple[Select[Any], list[Any]]:
    """(id, phone fields…) of the records the sender may see that match, and the filters."""
    filters = segment_filters(ctx, data.kind, data.view_id, data.filters)
    query = segment_columns(ctx, data.kind, filters, *PHONE_FIELDS[data.kind])
    if data.campaign_id is not None:
        from kht.records import record_kind

        model = record_kind(ctx, data.kind).model
        query = query.where(model.id.in_(campaign_members(ctx, data.kind, data.campaign_id)))
    return query, filters


def send_mass(ctx: Ctx, data: MassIn, *, origin: str = "") -> SmsMassSend:
    """Start a mass SMS of template `data.template_id` to the records `data` picks.

    Needs the SMS `create` operation and sees only the sender's records. 422 naming the
    field for an unknown template, a segment the sender cannot use, a bad filter, a
    template that cannot be filled, or no number at all. `origin` (e.g. `campaign:12`;
    `campaign_id` gives it by itself) is handed back in every `kht_on_sms_status` change.
    Sending starts after the caller's commit (kht.sms.mass_batches).
    """
    require(ctx.user, MODULE, "create")
    if data.campaign_id is not None and not origin:
        origin = f"campaign:{data.campaign_id}"
    template = _template(ctx, data.template_id)
    gateway = settings_row(ctx.session)
    query, filters = _records(ctx, data)
    send = SmsMassSend(
        name=(data.name or template.name)[:200],
        template_id=template.id,
        template_code=template.code,
        params=dict(template.params or {}),
        kind=data.kind,
        view_id=data.view_id,
        filters=[msgspec.to_builtins(f) for f in filters],
        origin=origin[:100],
        rate_per_minute=data.rate_per_minute or gateway.rate_per_minute,
        created_by_id=ctx.user_id,
        created_at=ctx.now(),
    )
    skipped: dict[str, int] = dict.fromkeys(SKIPPED, 0)
    total = _add_recipients(ctx, send, distinct(ctx.session, query, _number(gateway), skipped))
    if total == 0:
        field = next((n for n in ("campaign_id", "view_id") if getattr(data, n)), "filters")
        raise ValidationError("these records have no phone number to send to", field)
    send.skipped, send.records = skipped, total + sum(skipped.values())
    from kht.sms.mass_batches import run_after_commit

    run_after_commit(ctx)
    return send


def _number(gateway: Any) -> Any:
    """A record's number in E.164 (its first phone field that is set), or why not."""

    def address(values: tuple[Any, ...]) -> str:
        raw = next((str(value) for value in values if value), "")
        if not raw:
            raise Skip("no_number")
        try:
            return normalise_number(raw, gateway.default_region)
        except ValidationError:
            raise Skip("invalid") from None

    return address


def _add_recipients(ctx: Ctx, send: SmsMassSend, chunks: Any) -> int:
    """Insert one recipient row per distinct number (opted-out ones as `opted_out`, each
    reported); the template is checked against the first record. Returns how many rows."""
    total = 0
    for chunk in chunks:
        if total == 0:
            render_params(ctx, send, send.kind, chunk[0][0])  # 422 naming params.<name>
            ctx.session.add(send)
            ctx.session.flush()
        numbers = [number for _, number in chunk]
        opted = set(
            ctx.session.scalars(select(SmsOptOut.number).where(SmsOptOut.number.in_(numbers)))
        )
        rows = [
            {
                "send_id": send.id,
                "kind": send.kind,
                "record_id": record_id,
                "number": number,
                "status": "opted_out" if number in opted else "pending",
                "error": "",
            }
            for record_id, number in chunk
        ]
        ctx.session.execute(insert(SmsMassRecipient), rows)
        for row in rows:
            if row["status"] == "opted_out":
                report(ctx, send, row["kind"], row["record_id"], row["number"], "opted_out")
        total += len(rows)
    return total


def report(
    ctx: Ctx, send: SmsMassSend, kind: str, record_id: int, number: str, status: str
) -> None:
    """Fire `kht_on_sms_status` for a recipient that never became a message (opted out,
    limited, failed), in the caller's transaction."""
    change = SmsStatus(
        message_id=None,
        origin=send.origin or "",
        kind=kind,
        record_id=record_id,
        number=number,
        status=status,
        at=ctx.now(),
    )
    ctx.hook.kht_on_sms_status(ctx=ctx, change=change)


# ---------------------------------------------------------------- reading sends


def list_sends(ctx: Ctx, *, limit: int = 100) -> list[SmsMassSend]:
    """Mass SMS of senders in the user's `sms` scope, newest first."""
    return mass_sends.list_sends(ctx, SmsMassSend, MODULE, limit=limit)


def get_send(ctx: Ctx, send_id: int) -> SmsMassSend:
    """One mass SMS of a sender in the user's `sms` scope, else NotFound."""
    return mass_sends.get_send(ctx, SmsMassSend, MODULE, send_id)


def stats(ctx: Ctx, sends: list[SmsMassSend]) -> dict[int, MassStats]:
    """Per-send figures: each recipient counted by its message's status when it has one
    (the outbox is the truth after the batch), in one grouped query."""
    r, m = SmsMassRecipient, SmsMessage
    status = func.coalesce(m.status, r.status)
    columns = [
        counted(status == s).label(s)
        for s in ("pending", "queued", "delivered", "opted_out", "limited")
    ]
    columns += [
        counted(m.sent_at.is_not(None)).label("sent"),
        counted(status == "failed").label("failed"),
        counted(m.replied_at.is_not(None)).label("replied"),
        func.sum(m.cost, type_=Cost).label("cost"),
        func.count().label("recipients"),
    ]
    query = (
        select(r.send_id, *columns)
        .outerjoin(m, m.id == r.message_id)
        .where(r.send_id.in_([s.id for s in sends]))
        .group_by(r.send_id)
    )
    rows = {row["send_id"]: row for row in ctx.session.execute(query).mappings()}
    return {send.id: _figures(send, rows.get(send.id)) for send in sends}


def _figures(send: SmsMassSend, row: Any) -> MassStats:
    counts = {name: int((row or {}).get(name) or 0) for name in MassStats.__struct_fields__}
    counts.update({name: int((send.skipped or {}).get(name) or 0) for name in SKIPPED})
    counts["records"] = send.records
    cost = (row or {}).get("cost")
    return MassStats(**{**counts, "cost": Decimal(str(cost)) if cost is not None else Decimal(0)})

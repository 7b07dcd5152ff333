"""Mass SMS: a template to every number of a segment, through the sender's scope.

`send_mass(ctx, data)` picks the records like mass mail (kht.lists.segments: a saved view
or segment and/or filters, only records the sender may see), takes each record's number (a
contact's mobile first), normalises it, and queues one message per distinct number in the
caller's transaction, skipping numbers that opted out or reached their daily limit. The
worker sends them at the gateway's rate per minute, never in the quiet hours (kht.sms.service).
The template is filled for the first record before anything is written: one that cannot be
filled is a 422 naming `params.<name>`.
"""

from __future__ import annotations

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.lists.segments import segment_columns, segment_filters
from kht.sms.limits import DAILY_LIMIT, OPTED_OUT
from kht.sms.models import SmsGateway, SmsTemplate
from kht.sms.schemas import MassIn, MassOut
from kht.sms.service import (
    MODULE,
    PHONE_FIELDS,
    get_template,
    normalise_number,
    queue_message,
    refused,
    render_params,
    settings_row,
)

CHUNK = 1000


def _template(ctx: Ctx, template_id: int) -> SmsTemplate:
    try:
        return get_template(ctx, template_id)
    except NotFound:
        raise ValidationError("no such SMS template", "template_id") from None


def send_mass(ctx: Ctx, data: MassIn) -> MassOut:
    """Queue `data.template_id` to every number of the records `data` picks (the SMS
    `create` operation); the counts of what was queued and skipped and why."""
    require(ctx.user, MODULE, "create")
    template = _template(ctx, data.template_id)
    filters = segment_filters(ctx, data.kind, data.view_id, data.filters)
    query = segment_columns(ctx, data.kind, filters, *PHONE_FIELDS[data.kind])
    gateway = settings_row(ctx.session)
    counts = dict.fromkeys(MassOut.__struct_fields__, 0)
    seen: set[str] = set()
    for row in ctx.session.execute(query).yield_per(CHUNK):
        counts["records"] += 1
        outcome = _one(ctx, gateway, template, data.kind, row, seen, first=not counts["queued"])
        counts[outcome] += 1
    return MassOut(**counts)


def _one(
    ctx: Ctx,
    gateway: SmsGateway,
    template: SmsTemplate,
    kind: str,
    row: tuple,
    seen: set[str],
    *,
    first: bool,
) -> str:
    """Queue one record's message; which count it goes to."""
    record_id, *phones = row
    raw = next((str(p) for p in phones if p), "")
    if not raw:
        return "no_number"
    try:
        number = normalise_number(raw, gateway.default_region)
    except ValidationError:
        return "invalid"
    if number in seen:
        return "duplicate"
    seen.add(number)
    reason = refused(ctx, gateway, number)
    if reason is not None:
        return (
            "opted_out" if reason == OPTED_OUT else "limited" if reason == DAILY_LIMIT else "failed"
        )
    try:
        params = render_params(ctx, template, kind, record_id)
    except ValidationError:
        if first:  # the template itself is wrong: say so before anything is queued
            raise
        return "failed"
    except NotFound:
        return "failed"
    queue_message(ctx, gateway, template, params, number, kind, record_id)
    return "queued"

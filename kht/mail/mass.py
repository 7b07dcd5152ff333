"""Mass mail: a template sent to every address of a segment, through the sender's scope.

The public service other modules (marketing campaigns) call is `send_mass(ctx, data,
origin=...)`. It picks the recipients in the caller's transaction: the records of `kind`
that the sender may see (the one scope choke point, `RecordKind.query`) matching the saved
view's and the given filters, one row per distinct address; suppressed addresses are kept
as `suppressed` (skipped, counted). Nothing is sent yet: the worker (kht.mail.mass_batches)
moves `rate_per_minute` recipients a minute into the outbox, each batch and its recipients'
new status in one transaction, so a crash neither loses nor doubles a mail, and the outbox
sends with retries. Every status change of a recipient fires `kht_on_mail_status` with
the `origin` given here, so a campaign can follow its members.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
from sqlalchemy import Select, func, insert, select

from kht import mass_sends
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.lists.engine import Filter
from kht.lists.segments import segment_columns, segment_filters
from kht.mail.accounts import MODULE, sending_account
from kht.mail.models import MassRecipient, MassSend
from kht.mail.schemas import MassCount, MassSendIn, MassStats
from kht.mail.suppression import suppressed
from kht.mail.templating import get_template, merge_values, render_text
from kht.mass_sends import Skip, campaign_members, counted, distinct


def _filters(ctx: Ctx, data: MassSendIn) -> list[Filter]:
    found = segment_filters(ctx, data.kind, data.view_id, data.filters)
    if data.group_id is not None:
        # A static group is the customers' `group` list column: stored with the send's
        # filters like any other, and read through the same scope.
        _check_group(ctx, data)
        found.append(Filter(field="group", op="eq", value=str(data.group_id)))
    return found


def _check_group(ctx: Ctx, data: MassSendIn) -> None:
    from kht.customers.groups import get_group

    if data.kind != "customer":
        raise ValidationError("a static group holds customers: send to customers", "group_id")
    try:
        get_group(ctx, data.group_id or 0)
    except NotFound:
        raise ValidationError("no such customer group", "group_id") from None


def _addresses(ctx: Ctx, data: MassSendIn) -> Select[Any]:
    """(id, email) of the records the sender may see that match, oldest first."""
    query = segment_columns(ctx, data.kind, _filters(ctx, data), "email")
    if data.campaign_id is not None:
        from kht.records import record_kind

        model = record_kind(ctx, data.kind).model
        query = query.where(model.id.in_(campaign_members(ctx, data.kind, data.campaign_id)))
    return query


def _email(values: tuple[Any, ...]) -> str:
    address = (values[0] or "").strip().lower()
    if "@" not in address:
        raise Skip("no_address")
    return address


def _distinct(ctx: Ctx, query: Select[Any]) -> Iterator[list[tuple[int, str]]]:
    """Chunks of (record id, lower-case address), each address once, empty ones left out."""
    return distinct(ctx.session, query, _email)


def count(ctx: Ctx, data: MassSendIn) -> MassCount:
    """How many records match, how many addresses they give, and how many are suppressed
    (the preview before sending)."""
    require(ctx.user, MODULE, "create")
    query = _addresses(ctx, data)
    records = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    addresses = skipped = 0
    for chunk in _distinct(ctx, query):
        addresses += len(chunk)
        skipped += len(suppressed(ctx.session, [email for _, email in chunk]))
    return MassCount(records=records, addresses=addresses, suppressed=skipped)


def _check_template(ctx: Ctx, send: MassSend, first: tuple[int, str] | None) -> None:
    """Fill the template for the first recipient: a template that cannot be filled is a
    422 naming `subject` or `body` now, not a thousand failed mails later."""
    values = merge_values(ctx, send.kind, first[0]) if first else merge_values(ctx, None, None)
    values["unsubscribe_url"] = ""
    render_text(send.subject, values, "subject")
    render_text(send.body, values, "body")


def _server(ctx: Ctx, account_id: int | None) -> int | None:
    if account_id is not None:
        return sending_account(ctx, account_id).id
    if not ctx.settings.smtp_host:
        raise ValidationError("pick a mail account (no KHT_SMTP_HOST is set)", "account_id")
    return None


def send_mass(ctx: Ctx, data: MassSendIn, *, origin: str = "") -> MassSend:
    """Start a mass send of template `data.template_id` to the records `data` picks.

    Needs the mail `create` operation and sees only the sender's records. 422 naming the
    field for an unknown template, a segment the sender cannot use, a bad filter, a
    template that cannot be filled, an account that is not theirs, or no address at all.
    `origin` (e.g. `campaign:12`) is handed back in every `kht_on_mail_status` change.
    Sending starts after the caller's commit (kht.mail.mass_batches).
    """
    require(ctx.user, MODULE, "create")
    if data.campaign_id is not None and not origin:
        # Mailing a campaign's members is the campaign's mail: its members follow the
        # tracking (kht.marketing's `kht_on_mail_status`), as with a campaign's own send.
        origin = f"campaign:{data.campaign_id}"
    try:
        template = get_template(ctx, data.template_id)
    except NotFound:
        raise ValidationError("no such mail template", "template_id") from None
    send = MassSend(
        name=(data.name or template.name)[:200],
        template_id=template.id,
        subject=template.subject,
        body=template.body,
        account_id=_server(ctx, data.account_id),
        kind=data.kind,
        view_id=data.view_id,
        filters=[msgspec.to_builtins(f) for f in _filters(ctx, data)],
        origin=origin[:100],
        rate_per_minute=data.rate_per_minute,
        created_by_id=ctx.user_id,
        created_at=ctx.now(),
    )
    total = _add_recipients(ctx, send, _addresses(ctx, data))
    if total == 0:
        field = next(
            (name for name in ("campaign_id", "group_id", "view_id") if getattr(data, name)),
            "filters",
        )
        raise ValidationError("these records have no email address to send to", field)
    from kht.mail.mass_batches import run_after_commit

    run_after_commit(ctx)
    return send


def _add_recipients(ctx: Ctx, send: MassSend, query: Select[Any]) -> int:
    """Insert one recipient row per distinct address (suppressed ones as `suppressed`);
    the template is checked against the first. Returns how many rows."""
    total = 0
    for chunk in _distinct(ctx, query):
        if total == 0:
            _check_template(ctx, send, chunk[0])
            ctx.session.add(send)
            ctx.session.flush()
        skipped = suppressed(ctx.session, [email for _, email in chunk])
        rows = [
            {
                "send_id": send.id,
                "kind": send.kind,
                "record_id": record_id,
                "email": email,
                "status": "suppressed" if email in skipped else "pending",
                "error": "",
            }
            for record_id, email in chunk
        ]
        ctx.session.execute(insert(MassRecipient), rows)
        total += len(rows)
    return total


# ---------------------------------------------------------------- reading sends


def list_sends(ctx: Ctx, *, limit: int = 100) -> list[MassSend]:
    """Mass sends of senders in the user's `mail` scope, newest first."""
    return mass_sends.list_sends(ctx, MassSend, MODULE, limit=limit)


def get_send(ctx: Ctx, send_id: int) -> MassSend:
    """One send of a sender in the user's `mail` scope, else NotFound."""
    return mass_sends.get_send(ctx, MassSend, MODULE, send_id)


def stats(ctx: Ctx, send_ids: list[int]) -> dict[int, MassStats]:
    """Per-send figures, counted from the recipients in one grouped query."""
    r = MassRecipient
    statuses = ("pending", "queued", "sent", "refused", "failed", "suppressed", "bounced")
    columns = [counted(r.status == s).label(s) for s in statuses]
    columns += [
        counted(r.status == "complained").label("complained"),
        counted(r.opened_at.is_not(None)).label("opened"),
        counted(r.clicked_at.is_not(None)).label("clicked"),
        counted(r.unsubscribed_at.is_not(None)).label("unsubscribed"),
        counted(r.sent_at.is_not(None)).label("went"),
        func.count().label("recipients"),
    ]
    query = select(r.send_id, *columns).where(r.send_id.in_(send_ids)).group_by(r.send_id)
    found: dict[int, MassStats] = {}
    for row in ctx.session.execute(query).mappings():
        values = {k: int(v) for k, v in row.items() if k not in ("send_id", "went")}
        # Sent = the server took it, whatever came after (a bounce, a complaint).
        values["sent"] = int(row["went"])
        values["delivered"] = values["sent"] - values["bounced"]
        found[row["send_id"]] = MassStats(**values)
    empty = dict.fromkeys(MassStats.__struct_fields__, 0)
    return {i: found.get(i) or MassStats(**empty) for i in send_ids}

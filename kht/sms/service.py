"""SMS: the documented service other modules and plugins call (automation's "send SMS
template" action, campaigns), and what the API and the worker use.

- `send_template(ctx, template, kind, record_id, number=None)` queues one template SMS to a
  record's phone (or the number given) in the caller's transaction: the parameters are the
  template's merge texts rendered for that record in the mail templates' sandbox
  (kht.mail.templating), within the caller's permissions. It leaves after the commit
  (`drain`, also every minute in the worker); nothing is queued for an opted-out number.
- `drain(engine, settings, now)` sends what is due through the configured gateway, holding
  everything during the quiet hours (on the company's clock, `SmsGateway.time_zone`), at
  most `rate_per_minute` a run; a carrier that is down or throttles leaves the message
  queued with a growing wait; a claimed row goes to one sender only (kht.db.outbox), and
  the carrier gets kht's message id as out-id, so a retry can be recognised.
- `receipts(...)` and `replies(...)` take the carrier's callbacks: receipts set a message's
  status and cost; a reply TD / T / 退订 (or `opt_out` through the API) stops every later SMS
  to that number; another reply marks the latest message to the number replied.
- Every status change of a message (sent, refused, delivered, undelivered, opted out,
  replied) fires `kht_on_sms_status` in the transaction that records it, with the
  message's `origin` (a campaign's mass SMS: `campaign:<id>`).

Mass SMS to a segment is kht.sms.mass (sent in batches by kht.sms.mass_batches).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import phonenumbers
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, undefer

from kht import record_service as records
from kht.auth.permissions import require
from kht.auth.scope import owned_by_visible
from kht.config import Settings
from kht.context import Ctx
from kht.crypto import MAIL_PASSWORD, SMS_SECRET, UnreadableSecret, seal, unseal
from kht.db.outbox import claim, due, once_after_commit
from kht.errors import NotFound, ValidationError
from kht.mail.templating import check_syntax, merge_values, render_text
from kht.named_templates import NamedTemplates
from kht.plugin_types import SmsGatewayDef, SmsRequest, SmsResult, SmsStatus
from kht.records import record_kind
from kht.sms.limits import DAILY_LIMIT, OPTED_OUT, over_daily_limit
from kht.sms.models import SmsGateway, SmsMassSend, SmsMessage, SmsOptOut, SmsTemplate
from kht.sms.schemas import GatewayIn

log = logging.getLogger("kht.sms")
MODULE = "sms"
PHONE_FIELDS = {"customer": ("phone",), "contact": ("mobile", "phone"), "lead": ("phone",)}
OPT_OUT_WORDS = frozenset({"TD", "T", "退订"})
LEASE = timedelta(minutes=10)
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=1)
_SCHEDULED = "kht_sms_drain"


# ---------------------------------------------------------------- gateways


def gateways(plugins: Any) -> dict[str, SmsGatewayDef]:
    """Every gateway: the built-in ones and those of `kht_register_sms_gateways`."""
    from kht.sms.gateways import BUILT_IN

    found: dict[str, SmsGatewayDef] = {}
    for batch in [BUILT_IN, *plugins.pm.hook.kht_register_sms_gateways()]:
        for gateway in batch or []:
            if gateway.key in found:
                raise ValueError(f"SMS gateway {gateway.key!r} is declared twice")
            found[gateway.key] = gateway
    return found


def settings_row(session: Session) -> SmsGateway:
    """The gateway settings (the `log` gateway until an administrator configures one)."""
    row = session.scalar(select(SmsGateway).order_by(SmsGateway.id).limit(1))
    if row is None:
        row = SmsGateway(callback_token=secrets.token_urlsafe(24))
        session.add(row)
        session.flush()
    return row


def get_gateway(ctx: Ctx) -> SmsGateway:
    require(ctx.user, MODULE, "admin")
    return settings_row(ctx.session)


def _clock(value: str, field: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{field}: give a time as HH:MM", field) from None


def configure_gateway(ctx: Ctx, data: GatewayIn) -> SmsGateway:
    """Choose and set up the gateway (the SMS `admin` operation). A `secret` left out keeps
    the stored one; it is sealed with the instance key and never returned."""
    require(ctx.user, MODULE, "admin")
    known = gateways(ctx.plugins)
    if data.gateway not in known:
        raise ValidationError(f"gateway must be one of: {', '.join(known)}", "gateway")
    if data.gateway == "http":
        from kht.sms.gateways import SIGNERS

        endpoint = str(data.config.get("endpoint") or "")
        if not endpoint.startswith(("http://", "https://")):
            raise ValidationError("config.endpoint: give an http(s) URL", "config.endpoint")
        if str(data.config.get("signer") or "aliyun") not in SIGNERS:
            raise ValidationError(f"config.signer: one of {', '.join(SIGNERS)}", "config.signer")
    _clock(data.quiet_start, "quiet_start")
    _clock(data.quiet_end, "quiet_end")
    try:
        ZoneInfo(data.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("time_zone: unknown time zone", "time_zone") from None
    if data.default_region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError("default_region: unknown region", "default_region")
    row = settings_row(ctx.session)
    for name, value in msgspec.structs.asdict(data).items():
        if name == "secret":
            if value is not msgspec.UNSET:
                row.secret = seal(ctx.settings, value, SMS_SECRET)
        else:
            setattr(row, name, value)
    row.updated_at = ctx.now()
    ctx.session.flush()
    return row


def gateway_secret(settings: Settings, sealed: str) -> str:
    """The gateway's secret unsealed. Secrets saved before SMS had its own key label were
    sealed under the mail passwords' label: those are still read (and sealed under the SMS
    label the next time the administrator saves the gateway)."""
    try:
        return unseal(settings, sealed, SMS_SECRET, "secret")
    except UnreadableSecret:
        return unseal(settings, sealed, MAIL_PASSWORD, "secret")


def has_secret(session: Session, row: SmsGateway) -> bool:
    return bool(session.scalar(select(SmsGateway.secret).where(SmsGateway.id == row.id)))


# ---------------------------------------------------------------- numbers and opt-outs


def normalise_number(raw: str, region: str, field: str = "number") -> str:
    """The E.164 form of a possible phone number (a 422 naming `field` otherwise); a number
    without a country code is read in `region` (CN by default: +86)."""
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"{field}: not a phone number", field) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{field}: not a valid phone number", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_opted_out(session: Session, number: str) -> bool:
    return session.scalar(select(SmsOptOut.id).where(SmsOptOut.number == number)) is not None


def _add_opt_out(session: Session, number: str, source: str, now: datetime) -> None:
    if not is_opted_out(session, number):
        session.add(SmsOptOut(number=number, source=source, created_at=now))
        session.flush()


def opt_out(ctx: Ctx, number: str) -> str:
    """Stop every later SMS to `number` (the SMS `edit` operation); its E.164 form."""
    require(ctx.user, MODULE, "edit")
    normal = normalise_number(number, settings_row(ctx.session).default_region)
    _add_opt_out(ctx.session, normal, "api", ctx.now())
    return normal


def opt_in(ctx: Ctx, number: str) -> None:
    """Allow SMS to `number` again (the SMS `admin` operation: the recipient asked)."""
    require(ctx.user, MODULE, "admin")
    normal = normalise_number(number, settings_row(ctx.session).default_region)
    row = ctx.session.scalar(select(SmsOptOut).where(SmsOptOut.number == normal))
    if row is None:
        raise NotFound(f"{normal} has not opted out")
    ctx.session.delete(row)
    ctx.session.flush()


def list_opt_outs(ctx: Ctx) -> list[SmsOptOut]:
    require(ctx.user, MODULE, "view")
    return list(ctx.session.scalars(select(SmsOptOut).order_by(SmsOptOut.id.desc())))


# ---------------------------------------------------------------- templates


def _check_template(ctx: Ctx, template: SmsTemplate) -> None:
    for name, source in template.params.items():
        field = f"params.{name}"
        if not isinstance(source, str):
            raise ValidationError(f"{field}: give the merge text", field)
        check_syntax(source, field)


# A template (the SMS `admin` operation): the carrier's code and each parameter's merge text.
TEMPLATES = NamedTemplates(SmsTemplate, MODULE, "SMS template", _check_template)
list_templates = TEMPLATES.list
get_template = TEMPLATES.get
create_template = TEMPLATES.create
update_template = TEMPLATES.update
delete_template = TEMPLATES.delete


def render_params(
    ctx: Ctx, template: SmsTemplate | SmsMassSend, kind: str | None, record_id: int | None
) -> dict[str, str]:
    """The template's (or a mass SMS's copy of its) parameters filled in for one record the
    caller can see (a preview, or the parameters of a message about to be queued); 422
    naming `params.<name>`."""
    values = merge_values(ctx, kind, record_id)
    return {
        name: render_text(source, values, f"params.{name}").strip()[:500]
        for name, source in sorted(template.params.items())
    }


# ---------------------------------------------------------------- sending


def _record_number(ctx: Ctx, kind: str, record_id: int) -> str:
    spec = record_kind(ctx, kind)
    record = records.get_record(ctx, spec, record_id)
    for name in PHONE_FIELDS.get(kind, ()):
        if getattr(record, name, ""):
            return str(getattr(record, name))
    raise ValidationError("the record has no phone number", "number")


def send_template(
    ctx: Ctx,
    template: SmsTemplate | int,
    kind: str,
    record_id: int,
    *,
    number: str | None = None,
) -> SmsMessage:
    """Queue `template` (or its id) to a customer, contact or lead the caller can see, at
    `number` or the record's phone (a contact's mobile first); the SMS `create` operation.

    The number is normalised to E.164 (the gateway's default region for numbers without a
    country code); not a valid number, or one that opted out, is a 422 naming `number`.
    The message is written in the caller's transaction and sent after its commit.
    """
    require(ctx.user, MODULE, "create")
    if isinstance(template, int):
        template = get_template(ctx, template)
    if kind not in PHONE_FIELDS:
        raise ValidationError(f"kind must be one of: {', '.join(PHONE_FIELDS)}", "kind")
    params = render_params(ctx, template, kind, record_id)
    raw = number if number is not None else _record_number(ctx, kind, record_id)
    gateway = settings_row(ctx.session)
    normal = normalise_number(raw, gateway.default_region)
    refusal = refused(ctx, gateway, normal)
    if refusal is not None:
        raise ValidationError(f"number: {refusal}", "number")
    return queue_message(ctx, gateway, template, params, normal, kind, record_id)


def send_system(
    ctx: Ctx,
    template_id: int,
    raw_number: str,
    values: dict[str, Any],
    kind: str,
    record_id: int,
) -> SmsMessage | None:
    """Queue a template SMS the system sends on its own account (a ticket's satisfaction
    survey): no sending user and no SMS right, the parameters rendered from `values` in the
    templates' sandbox. The number is normalised like any other; an invalid one, one that
    opted out or reached its daily limit, or a template that no longer exists queues
    nothing (None) — the system's message is a courtesy, never a reason to refuse the step
    that sent it. `kind`/`record_id` name what the message is about (e.g. a ticket)."""
    template = ctx.session.get(SmsTemplate, template_id)
    if template is None or not raw_number.strip():
        return None
    gateway = settings_row(ctx.session)
    try:
        number = normalise_number(raw_number, gateway.default_region)
        params = {
            name: render_text(source, values, f"params.{name}").strip()[:500]
            for name, source in sorted(template.params.items())
        }
    except ValidationError as exc:
        log.warning("system SMS about %s %s not queued: %s", kind, record_id, exc.message)
        return None
    if refused(ctx, gateway, number) is not None:
        return None
    return queue_message(ctx, gateway, template, params, number, kind, record_id)


def refused(ctx: Ctx, gateway: SmsGateway, number: str) -> str | None:
    """Why nothing may be queued to `number` now (opted out, or its daily limit reached),
    else None."""
    if is_opted_out(ctx.session, number):
        return OPTED_OUT
    if over_daily_limit(ctx, gateway, number):
        return DAILY_LIMIT
    return None


def queue_message(
    ctx: Ctx,
    gateway: SmsGateway,
    template: SmsTemplate,
    params: dict[str, str],
    number: str,
    kind: str,
    record_id: int,
) -> SmsMessage:
    """Write one checked message (E.164 `number`, filled `params`); it leaves after the
    caller's commit."""
    message = write_message(
        ctx, gateway, template.id, template.code, params, number, kind, record_id
    )
    send_after_commit(ctx)
    return message


def write_message(
    ctx: Ctx,
    gateway: SmsGateway,
    template_id: int | None,
    template_code: str,
    params: dict[str, str],
    number: str,
    kind: str,
    record_id: int,
    *,
    origin: str = "",
) -> SmsMessage:
    """Write one checked message to the outbox in the caller's transaction (the caller
    says when it is sent: `send_after_commit`, or the worker's next drain)."""
    message = SmsMessage(
        number=number,
        template_id=template_id,
        template_code=template_code,
        params=params,
        signature=gateway.signature,
        kind=kind,
        record_id=record_id,
        origin=origin[:100],
        created_by_id=ctx.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(message)
    ctx.session.flush()
    return message


def send_after_commit(ctx: Ctx) -> None:
    """Drain the outbox once the caller's transaction has committed."""
    engine, settings, plugins, clock = ctx.session.get_bind(), ctx.settings, ctx.plugins, ctx.now
    # A failure leaves the commit standing; the worker's next drain sends the message.
    once_after_commit(ctx.session, _SCHEDULED, lambda: drain(engine, settings, plugins, clock()))


def report(ctx: Ctx, message: SmsMessage, status: str, at: datetime) -> None:
    """Fire `kht_on_sms_status` for one change of `message`, in the caller's transaction."""
    change = SmsStatus(
        message_id=message.id,
        origin=message.origin or "",
        kind=message.kind,
        record_id=message.record_id,
        number=message.number,
        status=status,
        at=at,
    )
    ctx.hook.kht_on_sms_status(ctx=ctx, change=change)


def list_messages(
    ctx: Ctx, *, kind: str | None = None, record_id: int | None = None, status: str | None = None
) -> list[SmsMessage]:
    """Messages sent by users in the caller's SMS scope (newest first), or about one record
    the caller can see; those the system sent count as everyone's."""
    require(ctx.user, MODULE, "view")
    query = select(SmsMessage).where(
        owned_by_visible(ctx.user, SmsMessage.created_by_id, MODULE, owner_index=False)
    )
    if kind is not None and record_id is not None:
        records.get_record(ctx, record_kind(ctx, kind), record_id)  # 404 outside the scope
        query = select(SmsMessage).where(SmsMessage.kind == kind, SmsMessage.record_id == record_id)
    if status is not None:
        query = query.where(SmsMessage.status == status)
    return list(ctx.session.scalars(query.order_by(SmsMessage.id.desc()).limit(500)))


def get_message(ctx: Ctx, message_id: int) -> SmsMessage:
    require(ctx.user, MODULE, "view")
    message = ctx.session.scalar(
        select(SmsMessage).where(
            SmsMessage.id == message_id,
            owned_by_visible(ctx.user, SmsMessage.created_by_id, MODULE, owner_index=False),
        )
    )
    if message is None:
        raise NotFound(f"SMS {message_id} not found")
    return message


def totals(messages: list[SmsMessage]) -> tuple[dict[str, int], Decimal]:
    """Counts by status and the total cost of `messages`."""
    counts: dict[str, int] = {}
    cost = Decimal(0)
    for message in messages:
        counts[message.status] = counts.get(message.status, 0) + 1
        cost += message.cost or Decimal(0)
    return counts, cost


# ---------------------------------------------------------------- the worker's side


def quiet(row: SmsGateway, now: datetime) -> bool:
    """Whether `now` falls in the quiet hours on the company's clock."""
    start, end = time.fromisoformat(row.quiet_start), time.fromisoformat(row.quiet_end)
    wall = now.astimezone(ZoneInfo(row.time_zone)).time()
    if start == end:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def drain(engine: Engine, settings: Settings, plugins: Any, now: datetime) -> int:
    """Send the queued messages that are due; how many the carrier accepted. Nothing goes
    during the quiet hours: the messages wait for their end."""
    with Session(engine) as session:
        row = session.scalar(
            select(SmsGateway).options(undefer(SmsGateway.secret)).order_by(SmsGateway.id)
        )
        if row is None or quiet(row, now):
            return 0
        gateway = gateways(plugins).get(row.gateway)
        config, signature = dict(row.config or {}), row.signature
        try:
            secret = gateway_secret(settings, row.secret)
        except UnreadableSecret:
            log.warning("SMS gateway secret unreadable with this instance key: SMS stay queued")
            return 0
        batch = max(1, row.rate_per_minute)
    if gateway is None:
        log.warning("SMS gateway %r is not installed: SMS stay queued", row.gateway)
        return 0
    token = claim(engine, SmsMessage, due(SmsMessage, now), now, LEASE, batch)
    with Session(engine) as session:
        claimed = select(SmsMessage).where(SmsMessage.claim == token).order_by(SmsMessage.id)
        messages = list(session.scalars(claimed))
        opted = set(
            session.scalars(
                select(SmsOptOut.number).where(SmsOptOut.number.in_({m.number for m in messages}))
            )
        )
    accepted = 0
    for message in messages:
        if message.number in opted:
            result = None
        else:
            request = SmsRequest(
                number=message.number,
                template_code=message.template_code,
                params={k: str(v) for k, v in message.params.items()},
                signature=message.signature or signature,
                reference=str(message.id),
            )
            try:
                result = gateway.send(config, secret, request)
            except Exception as exc:  # a plugin's gateway that raises still must not lose it
                log.warning("SMS gateway %s raised %s", row.gateway, type(exc).__name__)
                result = SmsResult(accepted=False, error=type(exc).__name__)
        accepted += bool(result and result.accepted)
        _record(engine, settings, plugins, message, token, _after(message, result, now), now)
    return accepted


# What a message's new status after a send attempt is reported as (a retry: nothing).
SENT_STATUS = {"sent": "sent", "failed": "refused", "opted_out": "opted_out"}


def _record(
    engine: Engine,
    settings: Settings,
    plugins: Any,
    message: SmsMessage,
    token: str,
    changes: dict[str, Any],
    now: datetime,
) -> None:
    """Write a send attempt's outcome (if this sender still holds the message) and report
    the new status in the same transaction."""
    with Session(engine) as session, session.begin():
        done = session.execute(
            update(SmsMessage)
            .where(SmsMessage.id == message.id, SmsMessage.claim == token)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        status = SENT_STATUS.get(changes.get("status", ""))
        if done.rowcount == 1 and status is not None:
            ctx = Ctx(session=session, settings=settings, plugins=plugins, clock=lambda: now)
            report(ctx, message, status, now)


def _after(message: SmsMessage, result: SmsResult | None, now: datetime) -> dict[str, Any]:
    done: dict[str, Any] = {"claim": None, "claimed_until": None, "attempts": message.attempts + 1}
    if result is None:
        return {**done, "status": "opted_out", "last_error": ""}
    if result.accepted:
        return {
            **done,
            "status": "sent",
            "sent_at": now,
            "carrier_id": result.carrier_id[:100],
            "cost": result.cost,
            "last_error": "",
        }
    if not result.retry:
        return {**done, "status": "failed", "last_error": result.error[:200]}
    wait = min(MAX_WAIT, FIRST_WAIT * 2**message.attempts)
    return {**done, "next_attempt_at": now + wait, "last_error": result.error[:200]}


# ---------------------------------------------------------------- callbacks


def _callback_gateway(ctx: Ctx, token: str) -> SmsGatewayDef:
    row = settings_row(ctx.session)
    if not row.callback_token or not secrets.compare_digest(row.callback_token, token):
        raise NotFound("no such callback")
    gateway = gateways(ctx.plugins).get(row.gateway)
    if gateway is None:
        raise NotFound("no such callback")
    return gateway


def receipts(ctx: Ctx, token: str, payload: Any) -> int:
    """Apply the carrier's delivery receipts (the callback URL's `token` authenticates it);
    how many messages they matched. A receipt for an unknown message is ignored."""
    gateway = _callback_gateway(ctx, token)
    if gateway.parse_receipts is None:
        raise NotFound("this gateway sends no receipts")
    matched = 0
    for receipt in gateway.parse_receipts(payload):
        message = ctx.session.scalar(
            select(SmsMessage).where(SmsMessage.carrier_id == receipt.carrier_id)
        )
        if message is None or message.status not in ("sent", "delivered", "failed"):
            continue
        message.status = "delivered" if receipt.delivered else "failed"
        message.delivered_at = ctx.now() if receipt.delivered else None
        if receipt.cost is not None:
            message.cost = receipt.cost
        message.last_error = receipt.error[:200]
        report(ctx, message, "delivered" if receipt.delivered else "undelivered", ctx.now())
        matched += 1
    ctx.session.flush()
    return matched


def replies(ctx: Ctx, token: str, payload: Any) -> int:
    """Read the recipients' replies: TD, T or 退订 opts the number out; how many did. Any
    other reply marks the latest message to the number replied (the first reply counts).
    Both are reported through `kht_on_sms_status` for that message."""
    gateway = _callback_gateway(ctx, token)
    if gateway.parse_replies is None:
        raise NotFound("this gateway sends no replies")
    region = settings_row(ctx.session).default_region
    opted = 0
    for reply in gateway.parse_replies(payload):
        try:
            number = normalise_number(reply.number, region)
        except ValidationError:
            continue
        latest = ctx.session.scalar(
            select(SmsMessage)
            .where(SmsMessage.number == number, SmsMessage.status.in_(("sent", "delivered")))
            .order_by(SmsMessage.id.desc())
            .limit(1)
        )
        if reply.text.strip().upper() in OPT_OUT_WORDS:
            _add_opt_out(ctx.session, number, "reply", ctx.now())
            opted += 1
            if latest is not None:
                report(ctx, latest, "opted_out", ctx.now())
        elif latest is not None and latest.replied_at is None:
            latest.replied_at = ctx.now()
            report(ctx, latest, "replied", latest.replied_at)
    ctx.session.flush()
    return opted

"""The public lead form: signed timestamp tokens, spam checks, and capturing the lead.

Anyone may post the form (no login, no CSRF cookie: it is embedded in or linked from the
company's website), so three checks stand in for authentication:
- a honeypot field (`website`) hidden from people; bots fill it in;
- a token signed with the server's secret key (HMAC-SHA256) carrying the time the form
  was served: a post must come at least MIN_FILL_SECONDS and at most MAX_TOKEN_AGE later;
- a per-address limit kept in the database, so every server worker sees the same count:
  the submitter's address is stored with the lead, in the `web_form` namespace of its
  `ext` column (capture metadata, not a field anyone edits; the audit row keeps it too),
  and at most RATE_LIMIT web-form leads per address are accepted per RATE_WINDOW.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from kht.context import Ctx
from kht.errors import KhtError, TooManyRequests
from kht.events import RecordCreated
from kht.leads.models import Lead
from kht.leads.schemas import WebLead
from kht.leads.service import KIND, clean
from kht.record_service import check_with_plugins, plain

WEB_FORM_SOURCE = "web form"
HONEYPOT = "website"
METADATA_NAMESPACE = "web_form"
MIN_FILL_SECONDS = 3
MAX_TOKEN_AGE = timedelta(hours=12)
RATE_WINDOW = timedelta(minutes=10)
RATE_LIMIT = 5
_PURPOSE = "kht-lead-form"


class FormRefused(KhtError):
    """The submission does not look like a person filling in the form."""


class TooManySubmissions(TooManyRequests):
    """Too many submissions from one address within the window."""


def _signature(secret: str, issued: int, nonce: str) -> str:
    message = f"{_PURPOSE}|{issued}|{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def issue_token(secret: str, at: datetime) -> str:
    """A token for a freshly served form: `<unix time>.<nonce>.<signature>`."""
    issued = int(at.timestamp())
    nonce = secrets.token_hex(8)
    return f"{issued}.{nonce}.{_signature(secret, issued, nonce)}"


def check_token(secret: str, token: str, now: datetime) -> None:
    """Refuse a forged, malformed, too-fresh (filled by a bot) or too-old token."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        raise FormRefused("the form has expired; please reload the page", "token")
    issued, nonce, signature = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(_signature(secret, issued, nonce), signature):
        raise FormRefused("the form has expired; please reload the page", "token")
    age = now.timestamp() - issued
    if age < MIN_FILL_SECONDS:
        raise FormRefused("that was quick: please check the form and send it again", "token")
    if age > MAX_TOKEN_AGE.total_seconds():
        raise FormRefused("the form has expired; please reload the page", "token")


def check_honeypot(value: str) -> None:
    """People never see the honeypot field; anything in it means a bot filled the form."""
    if value.strip():
        raise FormRefused("the submission was refused", HONEYPOT)


def recent_from(ctx: Ctx, ip: str) -> int:
    """Web-form leads captured from `ip` within the window (deleted ones count too)."""
    query = (
        select(func.count())
        .select_from(Lead)
        .where(
            Lead.source == WEB_FORM_SOURCE,
            Lead.created_at > ctx.now() - RATE_WINDOW,
            Lead.ext[(METADATA_NAMESPACE, "ip")].as_string() == ip,
        )
    )
    return ctx.session.scalar(query) or 0


def check_rate(ctx: Ctx, ip: str) -> None:
    """Refuse (429) when `ip` has sent RATE_LIMIT leads within the window."""
    if recent_from(ctx, ip) >= RATE_LIMIT:
        raise TooManySubmissions("too many submissions; please try again later", "ip")


def capture_web_lead(ctx: Ctx, data: WebLead, ip: str) -> Lead:
    """Create a lead from the public form: status new, owned by nobody (the lead pool).

    There is no acting user, so `record_service.create_record` (which starts with a
    permission check) cannot be used; this builds the record the same way otherwise: the
    same field cleaning, the plugins' `kht_validate`, and the same RecordCreated event (so
    the audit log and listeners see it), with `user_id` None. Custom fields are not asked
    for on a public form; a required one is completed by whoever works the lead.
    """
    values = clean(
        {
            "name": data.name,
            "company": data.company,
            "title": data.title,
            "phone": data.phone,
            "email": data.email,
            "notes": data.message.strip(),
            "source": WEB_FORM_SOURCE,
            "status": "new",
        }
    )
    check_with_plugins(ctx, KIND, None, values)
    metadata = {"ip": ip[:64]}
    if data.campaign.strip():
        # kht.marketing attributes the lead to the campaign with this code (if any).
        metadata["campaign"] = data.campaign.strip()
    values["ext"] = {METADATA_NAMESPACE: metadata}
    lead = Lead(**values, owner_id=None, created_by_id=None, updated_by_id=None)
    ctx.session.add(lead)
    ctx.session.flush()
    event_values = plain({**values, "owner_id": None})
    ctx.fire(RecordCreated(kind=KIND, record_id=lead.id, user_id=None, values=event_values))
    return lead


def submit(ctx: Ctx, data: WebLead, *, token: str, honeypot: str, ip: str) -> Lead:
    """Every check in order (honeypot, token, rate), then the lead; refusals create nothing."""
    check_honeypot(honeypot)
    check_token(ctx.settings.secret_key, token, ctx.now())
    check_rate(ctx, ip)
    return capture_web_lead(ctx, data, ip)

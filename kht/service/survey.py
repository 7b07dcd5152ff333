"""The satisfaction survey: one question (1–5 and a comment) through a signed link.

The link names the ticket and carries an HMAC (the server's secret key) over the ticket's
id and a nonce drawn at each resolution, so it opens only its own ticket, dies when the
ticket is reopened and resolved again, and works once: the first answer is kept and every
later use is refused. No login: the customer has none.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from kht.context import Ctx
from kht.errors import Conflict, NotFound
from kht.service.models import Ticket
from kht.service.schemas import SurveyIn

_PURPOSE = "kht-ticket-survey"


def _signature(secret: str, ticket_id: int, nonce: str) -> str:
    message = f"{_PURPOSE}|{ticket_id}|{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def link(ctx: Ctx, ticket: Ticket) -> str:
    """The survey's address for `ticket` (its current nonce)."""
    token = _signature(ctx.settings.secret_key, ticket.id, ticket.survey_nonce)
    return f"{ctx.settings.public_url.rstrip('/')}/forms/survey/{ticket.id}/{token}"


def open_survey(ctx: Ctx, ticket_id: int, token: str) -> Ticket:
    """The ticket a link is for; a forged, foreign or stale link is a 404, a used one 409."""
    ticket = ctx.session.get(Ticket, ticket_id)
    if ticket is None or ticket.deleted_at is not None or not ticket.survey_nonce:
        raise NotFound("this survey link is not valid")
    expected = _signature(ctx.settings.secret_key, ticket.id, ticket.survey_nonce)
    if not hmac.compare_digest(expected, token):
        raise NotFound("this survey link is not valid")
    if ticket.satisfaction_at is not None:
        raise Conflict("this survey has already been answered", "score")
    return ticket


def answer(ctx: Ctx, ticket_id: int, token: str, data: SurveyIn) -> Ticket:
    """Keep the customer's rating on the ticket (once)."""
    from kht.service import tickets

    ticket = open_survey(ctx, ticket_id, token)
    changes = {
        "satisfaction": data.score,
        "satisfaction_comment": data.comment.strip(),
        "satisfaction_at": ctx.now(),
    }
    return tickets.system_update(ctx, ticket, changes)

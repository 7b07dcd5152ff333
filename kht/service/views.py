"""Ticket pages: the shared record pages (kht.recordpages) plus what only tickets have — the
SLA clocks, the conversation with its reply and note forms, take, and the status moves."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht.auth.models import User
from kht.contacts.ui import text
from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.plugin_types import RecordPages
from kht.recordpages.views import detail_page
from kht.service import kind, sla, tickets
from kht.service.models import OPEN_STATUSES, Queue
from kht.web.i18n import N_

MOVE_LABELS = {
    "in_progress": N_("Start work"),
    "waiting": N_("Wait for the customer"),
    "resolved": N_("Resolve"),
    "closed": N_("Close"),
    "reopen": N_("Reopen"),
}
ENTRY_LABELS = {"reply": N_("Reply"), "note": N_("Internal note"), "customer": N_("Customer")}


def _labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """Queue names for cells, the detail page and the history."""
    return {"queue_id": dict(ctx.session.execute(select(Queue.id, Queue.name)).all())}


def _hours(seconds: int | None) -> str:
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def _detail_context(ctx: Ctx, ticket: Any) -> dict[str, Any]:
    """The conversation, the clocks and the moves the flow allows, for the page."""
    if ticket is None:
        return {}
    response, resolution = sla.remaining(ctx, ticket)
    entries = tickets.timeline(ctx, ticket.id)
    authors = {e.author_id for e in entries if e.author_id}
    names = dict(ctx.session.execute(select(User.id, User.name).where(User.id.in_(authors))).all())
    allowed = tickets.TRANSITIONS.get(ticket.status, frozenset())
    moves = [m for m in ("in_progress", "waiting", "resolved", "closed") if m in allowed]
    if ticket.status in ("resolved", "closed"):
        moves = ["reopen", *[m for m in moves if m == "closed"]]
    return {
        "entries": entries,
        "authors": names,
        "entry_labels": ENTRY_LABELS,
        "move_labels": MOVE_LABELS,
        "moves": moves,
        "response_left": _hours(response),
        "resolution_left": _hours(resolution),
        "can_take": ticket.owner_id is None and ticket.status not in ("resolved", "closed"),
        "articles": _related_articles(ctx, ticket),
    }


def _related_articles(ctx: Ctx, ticket: Any) -> list[Any]:
    """Published knowledge articles sharing words with the ticket's subject (kht.knowledge),
    for those who may read the knowledge base."""
    from kht.knowledge.usage import suggest_articles

    if ctx.user is None or not ctx.user.can("knowledge", "view"):
        return []
    return suggest_articles(ctx, ticket.subject, 5)


PAGES = RecordPages(
    form_fields=(
        "subject",
        "customer_id",
        "contact_id",
        "product_id",
        "order_id",
        "category",
        "priority",
        "channel",
        "queue_id",
        "requester_name",
        "requester_email",
        "description",
    ),
    badge="status",
    subtitle="number",
    unowned_zh="待领取",
    unowned_en="In the queue",
    list_filters=("status", "priority", "queue_id"),
    labels=_labels,
    detail_context=_detail_context,
    detail_template="service/detail.html",
)
SPEC = msgspec.structs.replace(kind.SPEC, pages=PAGES)


def _version(data: dict[str, Any]) -> int | None:
    raw = text(data, "version")
    return int(raw) if raw.isdigit() else None


def _back(ticket_id: int) -> Redirect:
    return Redirect(f"/tickets/{ticket_id}", status_code=303)


def _refused(request: Request, ctx: Ctx, ticket_id: int, exc: ValidationError) -> Template:
    ctx.session.rollback()
    errors = {exc.field or "body": exc.message}
    return detail_page(request, ctx, SPEC, ticket_id, errors=errors, status_code=422)


@post("/tickets/{ticket_id:int}/take", sync_to_thread=True, include_in_schema=False)
def take_ticket(
    ctx: RequestCtx, ticket_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """Take the ticket from the queue."""
    tickets.take(ctx, ticket_id, _version(data))
    return _back(ticket_id)


@post("/tickets/{ticket_id:int}/entries", sync_to_thread=True, include_in_schema=False)
def add_entry(
    request: Request,
    ctx: RequestCtx,
    ticket_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """A reply to the customer (optionally then waiting for them) or an internal note."""
    body = text(data, "body")
    try:
        if not body.strip():
            raise ValidationError("write something first", "body")
        if text(data, "kind") == "note":
            tickets.add_note(ctx, ticket_id, body)
        else:
            tickets.add_reply(ctx, ticket_id, body, wait=bool(text(data, "wait")))
    except ValidationError as exc:
        return _refused(request, ctx, ticket_id, exc)
    return _back(ticket_id)


@post("/tickets/{ticket_id:int}/move", sync_to_thread=True, include_in_schema=False)
def move_ticket(
    request: Request,
    ctx: RequestCtx,
    ticket_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """A status move (resolve needs its resolution)."""
    to = text(data, "to")
    to = "in_progress" if to == "reopen" else to
    try:
        tickets.move(
            ctx, ticket_id, to, version=_version(data), resolution=text(data, "resolution")
        )
    except ValidationError as exc:
        return _refused(request, ctx, ticket_id, exc)
    return _back(ticket_id)


def customer_panel_context(ctx: Ctx, record_kind: str, customer: Any) -> dict[str, Any]:
    """The customer's tickets the reader may see (the tickets' scope: a service rep sees
    their queues' tickets only), open ones first, newest first within each."""
    from kht import record_service as records
    from kht.lists.engine import Filter

    by_customer = [Filter(field="customer_id", op="eq", value=customer.id)]
    open_only = [*by_customer, Filter(field="status", op="in", value=list(OPEN_STATUSES))]
    rows, open_total = records.page_of(
        ctx, kind.SPEC, page_size=10, sort="-created_at", filters=open_only
    )
    if len(rows) < 10:
        closed = [*by_customer, Filter(field="status", op="in", value=["resolved", "closed"])]
        more, _ = records.page_of(
            ctx, kind.SPEC, page_size=10 - len(rows), sort="-created_at", filters=closed
        )
        rows = [*rows, *more]
    _, total = records.page_of(ctx, kind.SPEC, page_size=1, filters=by_customer)
    return {
        "tickets": rows,
        "open_total": open_total,
        "total": total,
        "status_labels": {
            key: zh if ctx.language.startswith("zh") else en
            for key, (zh, en) in kind.STATUS_LABELS.items()
        },
        "customer_id": customer.id,
        "can_create": ctx.user is not None and ctx.user.can(tickets.MODULE, "create"),
    }


ROUTES = [take_ticket, add_entry, move_ticket]

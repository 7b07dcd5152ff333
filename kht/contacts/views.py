"""Contact pages: the shared record pages (kht.recordpages) plus what only contacts have —
the customer picker of a new contact and moving a contact to another customer."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.contacts import service
from kht.contacts.models import ATTITUDES, INFLUENCE, ROLES
from kht.contacts.schemas import ContactMove
from kht.contacts.ui import text, to_struct
from kht.context import Ctx, RequestCtx
from kht.customers.models import Customer
from kht.customers.service import scoped_query as customers_in_scope
from kht.errors import ValidationError
from kht.plugin_types import RecordAction, RecordPages
from kht.recordpages.views import detail_page
from kht.web.i18n import N_

PICKER_LIMIT = 500
CHOICE_LABELS = {
    "decision_maker": N_("Decision maker"),
    "influencer": N_("Influencer"),
    "user": N_("User"),
    "gatekeeper": N_("Gatekeeper"),
    "other": N_("Other"),
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "supportive": N_("Supportive"),
    "neutral": N_("Neutral"),
    "opposed": N_("Opposed"),
    "unknown": N_("Unknown"),
}
CHOICES = {"role": ROLES, "influence": INFLUENCE, "attitude": ATTITUDES}
# Each choice field's values with their labels (kht.exporting.labels reads them).
CHOICE_FIELDS = {key: {v: CHOICE_LABELS[v] for v in values} for key, values in CHOICES.items()}


def _customers(ctx: Ctx, record: Any = None) -> dict[str, Any]:
    """The customers a contact may be at: the new form's picker and the move form's."""
    query = customers_in_scope(ctx).order_by(Customer.name).limit(PICKER_LIMIT)
    return {"customers": list(ctx.session.scalars(query))}


def _list_refs(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    return {"refs": {"customer_id": service.customer_names(ctx, {r.customer_id for r in rows})}}


PAGES = RecordPages(
    badge="role",
    edit_on_page=True,
    list_actions=(
        RecordAction(
            key="duplicates", label_zh="查重", label_en="Duplicates", url="/contacts/duplicates"
        ),
    ),
    list_context=_list_refs,
    detail_context=_customers,
    form_template="contacts/form.html",
    detail_template="contacts/detail.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


def _number(data: dict[str, Any], key: str) -> Any:
    raw = text(data, key)
    return int(raw) if raw.isdigit() else raw


@post("/contacts/{contact_id:int}/move", sync_to_thread=True, include_in_schema=False)
def move_contact(
    request: Request,
    ctx: RequestCtx,
    contact_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Move the contact to another customer in scope (its version shown, else 409)."""
    raw = {"version": _number(data, "version"), "customer_id": _number(data, "customer_id")}
    try:
        move = to_struct(raw, ContactMove)
        service.move_contact(ctx, contact_id, move.customer_id, move.version)
    except ValidationError as exc:
        ctx.session.rollback()
        return detail_page(
            request, ctx, SPEC, contact_id, errors={"move": exc.message}, status_code=422
        )
    return Redirect(f"/contacts/{contact_id}", status_code=303)


ROUTES = [move_contact]

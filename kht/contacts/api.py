"""Contact JSON API beyond what the contacts' declaration gives (kht.records.api): moving a
contact to another customer, and a customer's contacts."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath, JSONBody

from kht.contacts import service
from kht.contacts.schemas import ContactMove, ContactOut
from kht.context import RequestCtx
from kht.records.api import out


@post(
    "/api/v1/contacts/{contact_id:int}/move",
    sync_to_thread=True,
    status_code=200,
    tags=["contacts"],
)
def move_contact(
    ctx: RequestCtx, contact_id: FromPath[int], data: JSONBody[ContactMove]
) -> ContactOut:
    """Move the contact to another customer; the history keeps the old one."""
    moved = service.move_contact(ctx, contact_id, data.customer_id, data.version)
    return out(ctx, service.SPEC, moved)


@get("/api/v1/customers/{customer_id:int}/contacts", sync_to_thread=True, tags=["contacts"])
def customer_contacts(ctx: RequestCtx, customer_id: FromPath[int]) -> list[ContactOut]:
    """The contacts of one customer in scope (404 when the customer is not)."""
    return [out(ctx, service.SPEC, c) for c in service.contacts_of_customer(ctx, customer_id)]


ROUTES = [move_contact, customer_contacts]

"""Contact JSON API: thin controllers over kht.contacts.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.contacts import service
from kht.contacts.models import Contact
from kht.contacts.schemas import ContactCreate, ContactMove, ContactOut, ContactPage, ContactUpdate
from kht.context import RequestCtx
from kht.lists.engine import parse_filter

PAGE_SIZE = Parameter(ge=1, le=500, default=50)
FILTERS = Parameter(
    default=None, description="filters as field:op:value, e.g. role:eq:decision_maker"
)


def to_out(contact: Contact) -> ContactOut:
    return ContactOut(
        id=contact.id,
        customer_id=contact.customer_id,
        name=contact.name,
        title=contact.title,
        department=contact.department,
        role=contact.role,
        influence=contact.influence,
        attitude=contact.attitude,
        phone=contact.phone,
        mobile=contact.mobile,
        email=contact.email,
        wechat=contact.wechat,
        birthday=contact.birthday,
        notes=contact.notes,
        owner_id=contact.owner_id,
        version=contact.version,
        ext=contact.ext or {},
        created_at=contact.created_at,
        updated_at=contact.updated_at,
    )


class ContactController(Controller):
    path = "/api/v1/contacts"
    tags = ["contacts"]

    @get("/", sync_to_thread=True)
    def list_contacts(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = PAGE_SIZE,
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "-updated_at",
        f: list[str] | None = FILTERS,
        deleted: FromQuery[bool] = False,
    ) -> ContactPage:
        """Contacts in scope; `deleted=true` lists the recycle bin."""
        filters = [parse_filter(text) for text in f or []]
        rows, total = service.list_contacts(
            ctx, page=page, page_size=page_size, q=q, sort=sort, filters=filters, deleted=deleted
        )
        return ContactPage(
            items=[to_out(r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True)
    def create_contact(self, ctx: RequestCtx, data: JSONBody[ContactCreate]) -> ContactOut:
        return to_out(service.create_contact(ctx, data))

    @get("/{contact_id:int}", sync_to_thread=True)
    def get_contact(self, ctx: RequestCtx, contact_id: FromPath[int]) -> ContactOut:
        return to_out(service.get_contact(ctx, contact_id))

    @patch("/{contact_id:int}", sync_to_thread=True)
    def update_contact(
        self, ctx: RequestCtx, contact_id: FromPath[int], data: JSONBody[ContactUpdate]
    ) -> ContactOut:
        return to_out(service.update_contact(ctx, contact_id, data))

    @delete("/{contact_id:int}", sync_to_thread=True)
    def delete_contact(self, ctx: RequestCtx, contact_id: FromPath[int]) -> None:
        service.delete_contact(ctx, contact_id)

    @post("/{contact_id:int}/restore", sync_to_thread=True, status_code=200)
    def restore_contact(self, ctx: RequestCtx, contact_id: FromPath[int]) -> ContactOut:
        return to_out(service.restore_contact(ctx, contact_id))

    @post("/{contact_id:int}/move", sync_to_thread=True, status_code=200)
    def move_contact(
        self, ctx: RequestCtx, contact_id: FromPath[int], data: JSONBody[ContactMove]
    ) -> ContactOut:
        """Move the contact to another customer; the history keeps the old one."""
        return to_out(service.move_contact(ctx, contact_id, data.customer_id, data.version))


@get("/api/v1/customers/{customer_id:int}/contacts", sync_to_thread=True, tags=["contacts"])
def customer_contacts(ctx: RequestCtx, customer_id: FromPath[int]) -> list[ContactOut]:
    """The contacts of one customer in scope (404 when the customer is not)."""
    return [to_out(c) for c in service.contacts_of_customer(ctx, customer_id)]


ROUTES = [ContactController, customer_contacts]

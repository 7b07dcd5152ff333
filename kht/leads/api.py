"""Lead JSON API: thin controllers over kht.leads.service, .convert and .duplicates."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import RequestCtx
from kht.leads import service
from kht.leads.convert import convert_lead
from kht.leads.duplicates import find_duplicates
from kht.leads.models import Lead
from kht.leads.schemas import (
    ConversionOut,
    DuplicateOut,
    LeadConvert,
    LeadCreate,
    LeadDiscard,
    LeadOut,
    LeadPage,
    LeadQualify,
    LeadUpdate,
)
from kht.lists.engine import parse_filter

PAGE_SIZE = Parameter(ge=1, le=500, default=50)
FILTERS = Parameter(default=None, description="filters as field:op:value, e.g. status:eq:new")


def to_out(lead: Lead) -> LeadOut:
    return LeadOut(
        id=lead.id,
        name=lead.name,
        company=lead.company,
        title=lead.title,
        phone=lead.phone,
        email=lead.email,
        source=lead.source,
        status=lead.status,
        discard_reason=lead.discard_reason,
        notes=lead.notes,
        customer_id=lead.customer_id,
        contact_id=lead.contact_id,
        converted_at=lead.converted_at,
        owner_id=lead.owner_id,
        version=lead.version,
        ext=lead.ext or {},
        created_at=lead.created_at,
        updated_at=lead.updated_at,
    )


class LeadController(Controller):
    path = "/api/v1/leads"
    tags = ["leads"]

    @get("/", sync_to_thread=True)
    def list_leads(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = PAGE_SIZE,
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "-updated_at",
        f: list[str] | None = FILTERS,
        deleted: FromQuery[bool] = False,
    ) -> LeadPage:
        """Leads in scope (pool leads included); `deleted=true` lists the recycle bin."""
        filters = [parse_filter(text) for text in f or []]
        rows, total = service.list_leads(
            ctx, page=page, page_size=page_size, q=q, sort=sort, filters=filters, deleted=deleted
        )
        return LeadPage(
            items=[to_out(r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True)
    def create_lead(self, ctx: RequestCtx, data: JSONBody[LeadCreate]) -> LeadOut:
        return to_out(service.create_lead(ctx, data))

    @get("/{lead_id:int}", sync_to_thread=True)
    def get_lead(self, ctx: RequestCtx, lead_id: FromPath[int]) -> LeadOut:
        return to_out(service.get_lead(ctx, lead_id))

    @patch("/{lead_id:int}", sync_to_thread=True)
    def update_lead(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadUpdate]
    ) -> LeadOut:
        return to_out(service.update_lead(ctx, lead_id, data))

    @delete("/{lead_id:int}", sync_to_thread=True)
    def delete_lead(self, ctx: RequestCtx, lead_id: FromPath[int]) -> None:
        service.delete_lead(ctx, lead_id)

    @post("/{lead_id:int}/restore", sync_to_thread=True, status_code=200)
    def restore_lead(self, ctx: RequestCtx, lead_id: FromPath[int]) -> LeadOut:
        return to_out(service.restore_lead(ctx, lead_id))

    @get("/{lead_id:int}/duplicates", sync_to_thread=True)
    def duplicates(self, ctx: RequestCtx, lead_id: FromPath[int]) -> list[DuplicateOut]:
        """Leads, customers and contacts in scope with the same name, phone or email."""
        return find_duplicates(ctx, service.get_lead(ctx, lead_id))

    @post("/{lead_id:int}/qualify", sync_to_thread=True, status_code=200)
    def qualify(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadQualify]
    ) -> LeadOut:
        """Mark the lead qualified (409 when converted or discarded)."""
        return to_out(service.qualify_lead(ctx, lead_id, data.version))

    @post("/{lead_id:int}/discard", sync_to_thread=True, status_code=200)
    def discard(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadDiscard]
    ) -> LeadOut:
        """Discard the lead with a reason (422 without one, 409 when converted)."""
        return to_out(service.discard_lead(ctx, lead_id, data.reason, data.version))

    @post("/{lead_id:int}/reopen", sync_to_thread=True, status_code=200)
    def reopen(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadQualify]
    ) -> LeadOut:
        """Bring a discarded lead back to `working`."""
        return to_out(service.reopen_lead(ctx, lead_id, data.version))

    @post("/{lead_id:int}/convert", sync_to_thread=True, status_code=200)
    def convert(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadConvert]
    ) -> ConversionOut:
        """Convert into a new customer, or attach to `customer_id`, plus a contact."""
        done = convert_lead(
            ctx,
            lead_id,
            data.version,
            customer_id=data.customer_id,
            create_contact=data.create_contact,
            create_opportunity=data.create_opportunity,
        )
        return ConversionOut(
            lead=to_out(done.lead),
            customer_id=done.customer.id,
            contact_id=done.contact.id if done.contact else None,
        )


ROUTES = [LeadController]

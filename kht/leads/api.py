"""Lead JSON API: thin controllers over kht.leads.service, .convert and .duplicates."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from kht.context import Ctx, RequestCtx
from kht.leads import service
from kht.leads.convert import convert_lead
from kht.leads.duplicates import find_duplicates
from kht.leads.models import Lead
from kht.leads.schemas import (
    ConversionOut,
    DuplicateOut,
    LeadConvert,
    LeadDiscard,
    LeadOut,
    LeadQualify,
)
from kht.records.api import out


def to_out(ctx: Ctx, lead: Lead) -> LeadOut:
    return out(ctx, service.SPEC, lead)


class LeadController(Controller):
    """A lead's steps beyond what the leads' declaration gives (kht.records.api)."""

    path = "/api/v1/leads"
    tags = ["leads"]

    @get("/{lead_id:int}/duplicates", sync_to_thread=True)
    def duplicates(self, ctx: RequestCtx, lead_id: FromPath[int]) -> list[DuplicateOut]:
        """Leads, customers and contacts in scope with the same name, phone or email."""
        return find_duplicates(ctx, service.get_lead(ctx, lead_id))

    @post("/{lead_id:int}/qualify", sync_to_thread=True, status_code=200)
    def qualify(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadQualify]
    ) -> LeadOut:
        """Mark the lead qualified (409 when converted or discarded)."""
        return to_out(ctx, service.qualify_lead(ctx, lead_id, data.version))

    @post("/{lead_id:int}/discard", sync_to_thread=True, status_code=200)
    def discard(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadDiscard]
    ) -> LeadOut:
        """Discard the lead with a reason (422 without one, 409 when converted)."""
        return to_out(ctx, service.discard_lead(ctx, lead_id, data.reason, data.version))

    @post("/{lead_id:int}/reopen", sync_to_thread=True, status_code=200)
    def reopen(
        self, ctx: RequestCtx, lead_id: FromPath[int], data: JSONBody[LeadQualify]
    ) -> LeadOut:
        """Bring a discarded lead back to `working`."""
        return to_out(ctx, service.reopen_lead(ctx, lead_id, data.version))

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
            lead=to_out(ctx, done.lead),
            customer_id=done.customer.id,
            contact_id=done.contact.id if done.contact else None,
        )


ROUTES = [LeadController]

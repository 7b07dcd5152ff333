"""Quote JSON API: thin controllers over kht.sales.quotes services."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.records.api import filters_from
from kht.sales.orders.api import order_out
from kht.sales.orders.schemas import OrderOut
from kht.sales.quotes import printing, service
from kht.sales.quotes.lines import line_out
from kht.sales.quotes.models import Quote, QuoteTemplate
from kht.sales.quotes.schemas import (
    QuoteCreate,
    QuoteOut,
    QuotePage,
    QuoteUpdate,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
    VersionIn,
)

PAGE_SIZE = Parameter(ge=1, le=500, default=50)


def quote_out(ctx: Ctx, quote: Quote) -> QuoteOut:
    return QuoteOut(
        id=quote.id,
        number=quote.number,
        revision=quote.revision,
        title=quote.title,
        customer_id=quote.customer_id,
        contact_id=quote.contact_id,
        opportunity_id=quote.opportunity_id,
        price_list_id=quote.price_list_id,
        template_id=quote.template_id,
        status=service.status_of(quote, ctx.today()),
        currency=quote.currency,
        quote_date=quote.quote_date,
        valid_until=quote.valid_until,
        terms=quote.terms,
        notes=quote.notes,
        subtotal=quote.subtotal,
        discount_total=quote.discount_total,
        tax_total=quote.tax_total,
        total=quote.total,
        owner_id=quote.owner_id,
        order_id=service.order_id_of(ctx, quote.id),
        sent_at=quote.sent_at,
        decided_at=quote.decided_at,
        version=quote.version,
        ext=quote.ext or {},
        lines=[line_out(line) for line in service.lines_of(ctx, quote.id)],
        created_at=quote.created_at,
        updated_at=quote.updated_at,
        deleted_at=quote.deleted_at,
    )


def template_out(template: QuoteTemplate) -> TemplateOut:
    return TemplateOut(
        id=template.id,
        key=template.key,
        name=template.name,
        plugin=template.plugin,
        body=template.body,
        terms=template.terms,
        is_default=template.is_default,
        active=template.active,
        version=template.version,
        updated_at=template.updated_at,
    )


class QuoteController(Controller):
    path = "/api/v1/quotes"
    tags = ["quotes"]

    @get("/", sync_to_thread=True)
    def list_quotes(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = PAGE_SIZE,
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "-updated_at",
        f: FromQuery[list[str] | None] = None,
        view: FromQuery[int | None] = None,
        deleted: FromQuery[bool] = False,
    ) -> QuotePage:
        """Latest revisions in scope; `f=field:op:value` filters (repeatable), `view=` a saved
        view."""
        rows, total = service.list_quotes(
            ctx,
            page=page,
            page_size=page_size,
            q=q,
            sort=sort,
            filters=filters_from(ctx, f, view),
            deleted=deleted,
        )
        return QuotePage(
            items=[quote_out(ctx, r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True)
    def create_quote(self, ctx: RequestCtx, data: JSONBody[QuoteCreate]) -> QuoteOut:
        """A draft; lines with a `product_id` and no `unit_price` are priced by price_for."""
        return quote_out(ctx, service.create_quote(ctx, data))

    @get("/{quote_id:int}", sync_to_thread=True)
    def get_quote(self, ctx: RequestCtx, quote_id: FromPath[int]) -> QuoteOut:
        return quote_out(ctx, service.get_quote(ctx, quote_id))

    @patch("/{quote_id:int}", sync_to_thread=True)
    def update_quote(
        self, ctx: RequestCtx, quote_id: FromPath[int], data: JSONBody[QuoteUpdate]
    ) -> QuoteOut:
        """Drafts only; `lines` replace every line; a stale `version` is a 409."""
        return quote_out(ctx, service.update_quote(ctx, quote_id, data))

    @delete("/{quote_id:int}", sync_to_thread=True)
    def delete_quote(self, ctx: RequestCtx, quote_id: FromPath[int]) -> None:
        """Move to the recycle bin (`POST /{id}/restore` brings it back)."""
        service.delete_quote(ctx, quote_id)

    @post("/{quote_id:int}/restore", sync_to_thread=True)
    def restore_quote(self, ctx: RequestCtx, quote_id: FromPath[int]) -> QuoteOut:
        return quote_out(ctx, service.restore_quote(ctx, quote_id))

    @get("/{quote_id:int}/revisions", sync_to_thread=True)
    def revisions(self, ctx: RequestCtx, quote_id: FromPath[int]) -> list[QuoteOut]:
        """Every revision of the quote's number, newest first (superseded ones included)."""
        quote = service.get_quote(ctx, quote_id)
        return [quote_out(ctx, item) for item in service.revisions_of(ctx, quote)]

    @post("/{quote_id:int}/send", sync_to_thread=True)
    def send_quote(
        self, ctx: RequestCtx, quote_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> QuoteOut:
        """draft -> sent (no longer editable)."""
        return quote_out(ctx, service.send_quote(ctx, quote_id, data.version))

    @post("/{quote_id:int}/reject", sync_to_thread=True)
    def reject_quote(
        self, ctx: RequestCtx, quote_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> QuoteOut:
        """sent -> rejected."""
        return quote_out(ctx, service.reject_quote(ctx, quote_id, data.version))

    @post("/{quote_id:int}/revise", sync_to_thread=True)
    def revise_quote(
        self, ctx: RequestCtx, quote_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> QuoteOut:
        """A new draft revision (same number, lines copied); the old one is superseded."""
        return quote_out(ctx, service.revise_quote(ctx, quote_id, data.version))

    @post("/{quote_id:int}/accept", sync_to_thread=True)
    def accept_quote(
        self, ctx: RequestCtx, quote_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> OrderOut:
        """The customer accepted: returns the order made from the quote (409 the 2nd time)."""
        return order_out(ctx, service.accept_quote(ctx, quote_id, data.version))


class QuoteTemplateController(Controller):
    path = "/api/v1/quote-templates"
    tags = ["quotes"]

    @get("/", sync_to_thread=True)
    def list_templates(self, ctx: RequestCtx) -> list[TemplateOut]:
        return [template_out(t) for t in printing.list_templates(ctx)]

    @post("/", sync_to_thread=True)
    def create_template(self, ctx: RequestCtx, data: JSONBody[TemplateCreate]) -> TemplateOut:
        """A sandboxed Jinja layout; one that does not compile or render is a 422."""
        return template_out(printing.create_template(ctx, data))

    @get("/{template_id:int}", sync_to_thread=True)
    def get_template(self, ctx: RequestCtx, template_id: FromPath[int]) -> TemplateOut:
        return template_out(printing.get_template(ctx, template_id))

    @patch("/{template_id:int}", sync_to_thread=True)
    def update_template(
        self, ctx: RequestCtx, template_id: FromPath[int], data: JSONBody[TemplateUpdate]
    ) -> TemplateOut:
        return template_out(printing.update_template(ctx, template_id, data))


ROUTES = [QuoteController, QuoteTemplateController]

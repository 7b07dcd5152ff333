"""Quote JSON API: thin controllers over kht.sales.quotes services."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.records.schemas import out_of
from kht.sales.orders.api import order_out
from kht.sales.orders.schemas import OrderOut
from kht.sales.quotes import printing, service
from kht.sales.quotes.models import Quote, QuoteTemplate
from kht.sales.quotes.schemas import (
    QuoteOut,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
    VersionIn,
)

PAGE_SIZE = Parameter(ge=1, le=500, default=50)


def quote_out(ctx: Ctx, quote: Quote) -> QuoteOut:
    return service.to_out(ctx, quote)


def template_out(template: QuoteTemplate) -> TemplateOut:
    return out_of(TemplateOut, template)


class QuoteController(Controller):
    """A quote's steps beyond what its declaration gives (kht.records.api)."""

    path = "/api/v1/quotes"
    tags = ["quotes"]

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

"""The printable customer profile (HTML for the printer, and a PDF)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from kht.context import Ctx, RequestCtx
from kht.customers import service
from kht.fields import fields_for
from kht.web.pages import page_context


def _profile(request: Request, ctx: Ctx, customer_id: int) -> dict[str, Any]:
    customer = service.get_customer(ctx, customer_id)
    fields = fields_for(ctx, service.KIND)
    ext = customer.ext or {}
    custom = [
        (f.label(ctx.language), f.shown(ext.get(f.namespace, {}).get(f.name), ctx.language))
        for f in fields
    ]
    from kht.actions.service import timeline

    return page_context(
        request,
        ctx,
        customer=customer,
        custom=custom,
        timeline=timeline(ctx, service.KIND, customer.id, page_size=20),
    )


@get("/customers/{customer_id:int}/print", sync_to_thread=True, include_in_schema=False)
def print_customer(request: Request, ctx: RequestCtx, customer_id: FromPath[int]) -> Template:
    """The customer profile laid out for the printer (print CSS)."""
    return Template("customers/print.html", context=_profile(request, ctx, customer_id))


@get("/customers/{customer_id:int}/pdf", sync_to_thread=True, include_in_schema=False)
def customer_pdf(request: Request, ctx: RequestCtx, customer_id: FromPath[int]) -> Response[bytes]:
    """The same profile as a PDF (WeasyPrint, with a CJK font)."""
    import weasyprint

    context = _profile(request, ctx, customer_id)
    html = request.app.template_engine.get_template("customers/print.html").render(**context)
    pdf = weasyprint.HTML(string=html, base_url=str(request.base_url)).write_pdf()
    name = f"customer-{customer_id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [print_customer, customer_pdf]

"""Customer forms (new, edit with the version shown) and the printable profile (HTML, PDF)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.contacts.ui import ext_from_form, text, to_struct
from kht.context import Ctx, RequestCtx
from kht.customers import service
from kht.customers.models import Customer
from kht.customers.schemas import CustomerCreate, CustomerUpdate
from kht.errors import Conflict, ValidationError
from kht.fields import fields_for
from kht.web.pages import page_context, render

PLAIN = ("name", "kind", "phone", "email", "website", "address", "source", "notes")
KINDS = {"company": "Company", "person": "Person"}


def _form_values(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {key: text(data, key) for key in PLAIN}
    values["kind"] = values["kind"] or "company"
    values["ext"] = ext_from_form(fields_for(ctx, service.KIND), data)
    return values


def _page(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    customer: Customer | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        ctx,
        "customers/form.html",
        status_code=status_code,
        form=form,
        errors=errors,
        customer=customer,
        kinds=KINDS,
        fields=fields_for(ctx, service.KIND),
    )


@get("/customers/new", sync_to_thread=True, include_in_schema=False)
def new_customer(request: Request, ctx: RequestCtx) -> Template:
    return _page(request, ctx, form={"kind": "company", "ext": {}}, errors={})


@post("/customers/new", sync_to_thread=True, include_in_schema=False)
def create_customer(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    values = _form_values(ctx, data)
    try:
        customer = service.create_customer(ctx, to_struct(values, CustomerCreate))
    except ValidationError as exc:
        ctx.session.rollback()
        return _page(
            request, ctx, form=values, errors={exc.field or "": exc.message}, status_code=422
        )
    return Redirect(f"/customers/{customer.id}", status_code=303)


@get("/customers/{customer_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def edit_customer(request: Request, ctx: RequestCtx, customer_id: FromPath[int]) -> Template:
    customer = service.get_customer(ctx, customer_id)
    form = {key: getattr(customer, key) for key in PLAIN}
    form.update(ext=customer.ext or {}, version=customer.version)
    return _page(request, ctx, form=form, errors={}, customer=customer)


@post("/customers/{customer_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def update_customer(
    request: Request,
    ctx: RequestCtx,
    customer_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the form; it carries the version it was shown, so a stale save gets 409."""
    customer = service.get_customer(ctx, customer_id)
    values = _form_values(ctx, data)
    version = text(data, "version")
    try:
        change = to_struct(
            {**values, "version": int(version) if version.isdigit() else -1}, CustomerUpdate
        )
        service.update_customer(ctx, customer_id, change)
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        form = {**values, "version": version}
        return _page(
            request,
            ctx,
            form=form,
            errors={exc.field or "": exc.message},
            customer=customer,
            status_code=exc.status,
        )
    return Redirect(f"/customers/{customer_id}", status_code=303)


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


ROUTES = [
    new_customer,
    create_customer,
    edit_customer,
    update_customer,
    print_customer,
    customer_pdf,
]

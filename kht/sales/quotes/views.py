"""Quote UI pages: the shared record pages (kht.recordpages) with the quote's own blocks
(status buttons, revisions, lines, the line editor), the status buttons' handlers, the
printable quote (HTML and PDF) and the template editor."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.contacts.service import contact_choices
from kht.contacts.ui import text, to_struct
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, ValidationError
from kht.plugin_types import RecordPages
from kht.products.models import Product
from kht.recordpages.views import refused_on_page
from kht.sales.pages import (
    customer_of,
    customer_options,
    lines_form,
    opportunity_choices,
    posted_lines,
    references,
    status_labels,
)
from kht.sales.quotes import printing, service
from kht.sales.quotes.models import STATUSES, Quote
from kht.sales.quotes.schemas import TemplateCreate, TemplateUpdate
from kht.web.i18n import N_, translations
from kht.web.pages import page_context, render

STATUS_LABELS = {
    "draft": N_("Draft"),
    "sent": N_("Sent"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "expired": N_("Expired"),
    "superseded": N_("Superseded"),
}
STATUS_COLOURS = {
    "draft": "secondary",
    "sent": "primary",
    "accepted": "success",
    "rejected": "danger",
    "expired": "warning",
    "superseded": "light",
}


def _status(ctx: Ctx) -> dict[str, dict[Any, str]]:
    return status_labels(STATUS_LABELS)(ctx)


def _labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """Status labels, and the print templates' names for the page and the form's picker."""
    templates = {t.id: t.name for t in printing.list_templates(ctx)}
    return {**_status(ctx), "template_id": templates}


def _list_extra(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    """The templates' page for those who manage them."""
    gettext = translations(ctx.language).gettext
    actions = []
    if ctx.user is not None and ctx.user.can(service.MODULE, "admin"):
        actions.append({"url": "/quotes/templates", "label": gettext(N_("Quote templates"))})
    return {"actions": actions}


def _buttons(ctx: Ctx, status: str) -> dict[str, bool]:
    user = ctx.user
    can_edit = user is not None and user.can(service.MODULE, "edit")
    return {
        "edit": can_edit and status == "draft",
        "send": can_edit and status == "draft",
        "accept": can_edit and status in service.ACCEPTABLE,
        "reject": can_edit and status == "sent",
        "revise": can_edit and status in service.REVISABLE,
    }


def _detail(ctx: Ctx, quote: Quote) -> dict[str, Any]:
    """Today's status and the buttons it allows, the lines and their total in words, the
    revisions, the order it became."""
    from kht.sales.quotes.pricing import amount_in_words

    status = service.status_of(quote, ctx.today())
    can = _buttons(ctx, status)
    return {
        "refs": references(ctx, quote),
        "status": status,
        "status_labels": STATUS_LABELS,
        "colours": STATUS_COLOURS,
        "lines": service.lines_of(ctx, quote.id),
        "in_words": amount_in_words(quote.total),
        "order_id": service.order_id_of(ctx, quote.id),
        "revisions": service.revisions_of(ctx, quote),
        "can": can,
        "can_edit": can["edit"],
    }


def _form(ctx: Ctx, form: dict[str, Any], quote: Quote | None) -> dict[str, Any]:
    """The customer's contacts and opportunities, the editor's lines; a quote no longer a
    draft says so."""
    notice = ""
    if quote is not None and quote.status != "draft":
        gettext = translations(ctx.language).gettext
        notice = gettext(N_("Only drafts can be edited; revise the quote to change it."))
    customer_id = customer_of(form, quote)
    return {
        **lines_form(ctx, form, quote, service.lines_of),
        "refs": {
            "contact_id": dict(contact_choices(ctx, customer_id)),
            "opportunity_id": opportunity_choices(ctx, customer_id),
        },
        "picker_url": "/quotes/customer-options",
        "restart_url": "/quotes/new",
        "notice": notice,
    }


def _new(ctx: Ctx) -> dict[str, Any]:
    return {"quote_date": ctx.today().isoformat(), "lines": []}


def _posted(ctx: Ctx, data: dict[str, Any], quote: Quote | None) -> dict[str, Any]:
    """The editor's lines; a new quote without terms takes its template's."""
    values = posted_lines(ctx, data, quote)
    if quote is None and not text(data, "terms"):
        values["terms"] = None
    return values


# The shared list, form and page; the status buttons, revisions and lines are the quote's
# own blocks (quotes/detail.html), the line editor its form's (quotes/lines_form.html).
PAGES = RecordPages(
    badge="status",
    labels=_labels,
    list_context=_list_extra,
    detail_context=_detail,
    form_context=_form,
    new_values=_new,
    form_values=_posted,
    form_template="quotes/lines_form.html",
    detail_template="quotes/detail.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


def _status_route(action: str, run: Any, then: Any) -> Any:
    """The page's button `action`: `run(ctx, quote_id, version)`, then the browser goes to
    `then(quote_id, result)`; a refusal shows the quote's page with why."""

    @post(f"/quotes/{{quote_id:int}}/{action}", sync_to_thread=True, include_in_schema=False)
    def pressed(
        request: Request, ctx: RequestCtx, quote_id: FromPath[int], data: URLEncodedBody[dict]
    ) -> Template | Redirect:
        version = text(data, "version")
        try:
            if not version.isdigit():
                raise ValidationError("version must be a number", "version")
            result = run(ctx, quote_id, int(version))
        except (ValidationError, Conflict) as exc:
            return refused_on_page(request, ctx, SPEC, quote_id, exc)
        return Redirect(then(quote_id, result), status_code=303)

    return pressed


def _back(quote_id: int, _: Any) -> str:
    return f"/quotes/{quote_id}"


STATUS_ROUTES = [
    _status_route("send", service.send_quote, _back),
    _status_route("reject", service.reject_quote, _back),
    # A new draft revision: the browser goes to its form.
    _status_route("revise", service.revise_quote, lambda _, draft: f"/quotes/{draft.id}/edit"),
    # Accepted: the browser goes to the new order.
    _status_route("accept", service.accept_quote, lambda _, order: f"/orders/{order.id}"),
]


@get("/quotes/product-options", sync_to_thread=True, include_in_schema=False)
def product_options(ctx: RequestCtx, q: FromQuery[str] = "") -> list[dict[str, Any]]:
    """Products on sale matching `q` (the line editor's picker)."""
    from kht.lists.engine import Filter
    from kht.products.service import list_products

    rows, _ = list_products(
        ctx, q=q, page_size=30, filters=[Filter(field="active", op="eq", value="true")]
    )
    return [
        {"id": p.id, "label": f"{p.code} {p.name}", "name": p.name, "unit": p.unit} for p in rows
    ]


@get("/quotes/price", sync_to_thread=True, include_in_schema=False)
def line_price(
    ctx: RequestCtx,
    product_id: FromQuery[int],
    customer_id: FromQuery[int | None] = None,
    quantity: FromQuery[str] = "1",
    on: FromQuery[str] = "",
) -> dict[str, Any]:
    """What the editor fills in when a product is picked: name, unit, price, tax rate."""
    from kht.products.pricing import price_for
    from kht.products.service import get_product

    try:
        day = date.fromisoformat(on) if on else ctx.today()
    except ValueError:
        raise ValidationError("on must look like YYYY-MM-DD", "on") from None
    product: Product = get_product(ctx, product_id)
    price = price_for(ctx, product_id, customer_id, quantity or "1", day)
    return {
        "product_id": product.id,
        "description": product.name,
        "unit": product.unit,
        "unit_price": str(price.unit_price),
        "tax_rate": str(price.tax_rate),
        "source": price.source,
        "price_list_name": price.price_list_name or "",
    }


# ---------------------------------------------------------------------------- printing


def _print_context(request: Request, ctx: Ctx, quote_id: int) -> dict[str, Any]:
    quote, body = printing.render_quote(ctx, quote_id)
    return page_context(request, ctx, quote=quote, body=body)


@get("/quotes/{quote_id:int}/print", sync_to_thread=True, include_in_schema=False)
def print_quote(request: Request, ctx: RequestCtx, quote_id: FromPath[int]) -> Template:
    """The quote through its template, laid out for the printer (print CSS)."""
    return Template("quotes/print.html", context=_print_context(request, ctx, quote_id))


@get("/quotes/{quote_id:int}/pdf", sync_to_thread=True, include_in_schema=False)
def quote_pdf(request: Request, ctx: RequestCtx, quote_id: FromPath[int]) -> Response[bytes]:
    """The same page as a PDF (WeasyPrint, with a CJK font)."""
    import weasyprint

    context = _print_context(request, ctx, quote_id)
    html = request.app.template_engine.get_template("quotes/print.html").render(**context)
    pdf = weasyprint.HTML(string=html, base_url=str(request.base_url)).write_pdf()
    quote = context["quote"]
    name = f"{quote.number}-R{quote.revision}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---------------------------------------------------------------------------- templates


@get("/quotes/templates", sync_to_thread=True, include_in_schema=False)
def template_list(request: Request, ctx: RequestCtx) -> Template:
    """The print templates (administrators edit them)."""
    require(ctx.user, service.MODULE, "admin")
    return render(request, ctx, "quotes/templates.html", templates=printing.list_templates(ctx))


def _template_form(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    template: Any = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        ctx,
        "quotes/template_form.html",
        status_code=status_code,
        form=form,
        errors=errors,
        quote_template=template,
    )


@get("/quotes/templates/new", sync_to_thread=True, include_in_schema=False)
def new_template(request: Request, ctx: RequestCtx) -> Template:
    require(ctx.user, service.MODULE, "admin")
    from kht.sales.quotes.templating import DEFAULT_BODY, DEFAULT_TERMS

    form = {"body": DEFAULT_BODY, "terms": DEFAULT_TERMS, "active": True}
    return _template_form(request, ctx, form=form, errors={})


def _template_values(data: dict[str, Any]) -> dict[str, Any]:
    body = data.get("body", "")
    body = str(body[-1] if isinstance(body, list) else body)
    terms = data.get("terms", "")
    return {
        "name": text(data, "name"),
        "body": body.replace("\r\n", "\n"),
        "terms": str(terms[-1] if isinstance(terms, list) else terms).replace("\r\n", "\n"),
        "is_default": text(data, "is_default") in ("1", "on", "true"),
        "active": text(data, "active") in ("1", "on", "true"),
    }


@post("/quotes/templates/new", sync_to_thread=True, include_in_schema=False)
def create_template(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    values = _template_values(data)
    values["key"] = text(data, "key")
    try:
        printing.create_template(ctx, to_struct(values, TemplateCreate))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        errors = {exc.field or "": exc.message}
        return _template_form(request, ctx, form=values, errors=errors, status_code=exc.status)
    return Redirect("/quotes/templates", status_code=303)


@get("/quotes/templates/{template_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_template(request: Request, ctx: RequestCtx, template_id: FromPath[int]) -> Template:
    require(ctx.user, service.MODULE, "admin")
    template = printing.get_template(ctx, template_id)
    form = {
        key: getattr(template, key)
        for key in ("key", "name", "body", "terms", "is_default", "active", "version")
    }
    return _template_form(request, ctx, form=form, errors={}, template=template)


@post("/quotes/templates/{template_id:int}", sync_to_thread=True, include_in_schema=False)
def update_template(
    request: Request,
    ctx: RequestCtx,
    template_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save a template; one that does not compile or render is refused with a 422."""
    template = printing.get_template(ctx, template_id)
    values = _template_values(data)
    version = text(data, "version")
    try:
        change = {**values, "version": int(version) if version.isdigit() else -1}
        printing.update_template(ctx, template_id, to_struct(change, TemplateUpdate))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        form = {**values, "key": template.key, "version": version}
        errors = {exc.field or "": exc.message}
        return _template_form(
            request, ctx, form=form, errors=errors, template=template, status_code=exc.status
        )
    return Redirect("/quotes/templates", status_code=303)


# ---------------------------------------------------------------------------- panels


def panel_context(ctx: Ctx, kind: str, record: Any) -> dict[str, Any]:
    """The quotes panel of a customer or an opportunity (latest revisions in scope)."""
    try:
        if kind == "customer":
            rows = service.quotes_of(ctx, customer_id=record.id)
            new_url = f"/quotes/new?customer_id={record.id}"
        else:
            rows = service.quotes_of(ctx, opportunity_id=record.id)
            new_url = f"/quotes/new?customer_id={record.customer_id}&opportunity_id={record.id}"
    except KhtError:
        rows, new_url = [], ""
    on = ctx.today()
    return {
        "quotes": [
            {
                "id": q.id,
                "number": q.number,
                "revision": q.revision,
                "title": q.title,
                "status": service.status_of(q, on),
                "total": q.total,
                "currency": q.currency,
                "quote_date": q.quote_date,
            }
            for q in rows[:20]
        ],
        "count": len(rows),
        "status_labels": STATUS_LABELS,
        "colours": STATUS_COLOURS,
        "new_url": new_url if ctx.user.can(service.MODULE, "create") else "",
    }


ROUTES = [
    customer_options("/quotes/customer-options"),
    product_options,
    line_price,
    template_list,
    new_template,
    create_template,
    edit_template,
    update_template,
    *STATUS_ROUTES,
    print_quote,
    quote_pdf,
]

__all__ = ["ROUTES", "STATUSES", "panel_context"]

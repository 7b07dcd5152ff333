"""Quote UI pages: the shared list page, a quote's page, the form with line editing, the
status buttons, the printable quote (HTML and PDF) and the template editor."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.contacts.service import contact_choices, customer_names
from kht.contacts.ui import ext_from_form, history_rows, people, text, to_struct
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, NotFound, ValidationError
from kht.fields import fields_for
from kht.plugin_types import RecordPages
from kht.products.models import Product
from kht.sales.quotes import printing, service
from kht.sales.quotes.models import STATUSES, Quote
from kht.sales.quotes.schemas import QuoteCreate, QuoteUpdate, TemplateCreate, TemplateUpdate
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
FIELD_LABELS = {
    "number": N_("Quote number"),
    "title": N_("Subject"),
    "status": N_("Status"),
    "customer_id": N_("Customer"),
    "contact_id": N_("Contact"),
    "quote_date": N_("Quote date"),
    "valid_until": N_("Valid until"),
    "terms": N_("Terms"),
    "notes": N_("Notes"),
    "total": N_("Total"),
    "lines": N_("Lines"),
    "owner_id": N_("Owner"),
}
LINE_KEYS = ("product_id", "description", "unit", "quantity", "unit_price", "discount_rate")


# ---------------------------------------------------------------------------- list


def _status(ctx: Ctx) -> dict[str, dict[Any, str]]:
    gettext = translations(ctx.language).gettext
    return {"status": {key: gettext(label) for key, label in STATUS_LABELS.items()}}


def _list_extra(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    """Customer names for the cells; the templates' page for those who manage them."""
    gettext = translations(ctx.language).gettext
    actions = []
    if ctx.user is not None and ctx.user.can(service.MODULE, "admin"):
        actions.append({"url": "/quotes/templates", "label": gettext(N_("Quote templates"))})
    names = customer_names(ctx, {row.customer_id for row in rows})
    return {"refs": {"customer_id": names}, "actions": actions}


# The list (latest revisions) is the shared one; the form and the page are the quote's own.
PAGES = RecordPages(labels=_status, list_context=_list_extra, own_pages=("form", "detail"))
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


# ---------------------------------------------------------------------------- one quote


def _actions(ctx: Ctx, quote: Quote, status: str) -> dict[str, bool]:
    user = ctx.user
    can_edit = user is not None and user.can(service.MODULE, "edit")
    return {
        "edit": can_edit and status == "draft",
        "send": can_edit and status == "draft",
        "accept": can_edit and status in service.ACCEPTABLE,
        "reject": can_edit and status == "sent",
        "revise": can_edit and status in service.REVISABLE,
    }


@get("/quotes/{quote_id:int}", sync_to_thread=True, include_in_schema=False)
def quote_page(request: Request, ctx: RequestCtx, quote_id: FromPath[int]) -> Template:
    """One quote: header, lines, totals (and in words), status buttons, revisions, history."""
    from kht.sales.quotes.pricing import amount_in_words

    quote = service.get_quote(ctx, quote_id)
    status = service.status_of(quote, ctx.today())
    template = ctx.session.get(printing.QuoteTemplate, quote.template_id or 0)
    actions = [
        a
        for batch in ctx.hook.kht_record_actions(ctx=ctx, kind=service.KIND, record=quote)
        if batch
        for a in batch
    ]
    fields = fields_for(ctx, service.KIND)
    ext = quote.ext or {}
    return render(
        request,
        ctx,
        "quotes/detail.html",
        quote=quote,
        status=status,
        status_labels=STATUS_LABELS,
        colours=STATUS_COLOURS,
        lines=service.lines_of(ctx, quote.id),
        in_words=amount_in_words(quote.total),
        customer=customer_names(ctx, {quote.customer_id}).get(quote.customer_id, ""),
        owner=people(ctx, {quote.owner_id}).get(quote.owner_id or 0, "—"),
        quote_template=template,
        order_id=service.order_id_of(ctx, quote.id),
        revisions=service.revisions_of(ctx, quote),
        can=_actions(ctx, quote, status),
        actions=actions,
        custom=[(f, f.shown(ext.get(f.namespace, {}).get(f.name), ctx.language)) for f in fields],
        history=history_rows(ctx, service.KIND, quote.id, FIELD_LABELS, {"status": STATUS_LABELS}),
        tz=ctx.zone,
        error=request.query_params.get("error", ""),
    )


def _status_action(request: Request, ctx: Ctx, quote_id: int, data: dict[str, Any], run: Any):
    version = text(data, "version")
    try:
        if not version.isdigit():
            raise ValidationError("version must be a number", "version")
        result = run(ctx, quote_id, int(version))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        page = quote_page.fn(request, ctx, quote_id)
        page.context["error"] = exc.message
        page.status_code = exc.status
        return page
    return result


@post("/quotes/{quote_id:int}/send", sync_to_thread=True, include_in_schema=False)
def send_quote(
    request: Request, ctx: RequestCtx, quote_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    result = _status_action(request, ctx, quote_id, data, service.send_quote)
    return (
        result if isinstance(result, Template) else Redirect(f"/quotes/{quote_id}", status_code=303)
    )


@post("/quotes/{quote_id:int}/reject", sync_to_thread=True, include_in_schema=False)
def reject_quote(
    request: Request, ctx: RequestCtx, quote_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    result = _status_action(request, ctx, quote_id, data, service.reject_quote)
    return (
        result if isinstance(result, Template) else Redirect(f"/quotes/{quote_id}", status_code=303)
    )


@post("/quotes/{quote_id:int}/revise", sync_to_thread=True, include_in_schema=False)
def revise_quote(
    request: Request, ctx: RequestCtx, quote_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    """A new draft revision; the browser goes to its form."""
    result = _status_action(request, ctx, quote_id, data, service.revise_quote)
    if isinstance(result, Template):
        return result
    return Redirect(f"/quotes/{result.id}/edit", status_code=303)


@post("/quotes/{quote_id:int}/accept", sync_to_thread=True, include_in_schema=False)
def accept_quote(
    request: Request, ctx: RequestCtx, quote_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    """Accept: the browser goes to the new order."""
    result = _status_action(request, ctx, quote_id, data, service.accept_quote)
    if isinstance(result, Template):
        return result
    return Redirect(f"/orders/{result.id}", status_code=303)


# ---------------------------------------------------------------------------- the form


def _line_rows(raw: str) -> list[dict[str, Any]]:
    """The lines the form's editor posts as JSON; blank optional values left out."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        raise ValidationError("the lines could not be read", "lines") from None
    if not isinstance(items, list):
        raise ValidationError("the lines could not be read", "lines")
    rows = []
    for item in items:
        if not isinstance(item, dict):
            continue
        row = {key: item.get(key) for key in (*LINE_KEYS, "tax_rate")}
        row = {k: v for k, v in row.items() if v not in (None, "")}
        if "product_id" in row:
            row["product_id"] = int(row["product_id"]) if str(row["product_id"]).isdigit() else -1
        for key in ("quantity", "unit_price", "discount_rate", "tax_rate"):
            if key in row:
                row[key] = str(row[key]).strip()
        if not row.get("product_id") and not row.get("description") and "unit_price" not in row:
            continue  # an empty row the user added and left
        rows.append(row)
    return rows


def _posted_lines(data: dict[str, Any]) -> dict[str, Any]:
    """The lines a form posted, as `lines` (and `clear_lines`) for the service.

    No `lines_json` means the editor's script never ran: the lines are left as they are.
    An empty list is a removal only when the editor says so (`clear_lines`); otherwise the
    service refuses it rather than delete every line.
    """
    raw = text(data, "lines_json")
    if not raw:
        return {}
    rows = _line_rows(raw)
    if not rows and text(data, "clear_lines") == "1":
        return {"lines": rows, "clear_lines": True}
    return {"lines": rows}


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    value = text(data, key)
    return int(value) if value.isdigit() else None


def _form_values(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": text(data, "title"),
        "contact_id": _optional_int(data, "contact_id"),
        "opportunity_id": _optional_int(data, "opportunity_id"),
        "template_id": _optional_int(data, "template_id"),
        "currency": text(data, "currency") or "CNY",
        "terms": text(data, "terms"),
        "notes": text(data, "notes"),
        **_posted_lines(data),
        "ext": ext_from_form(fields_for(ctx, service.KIND), data),
    }
    for key in ("quote_date", "valid_until"):
        values[key] = text(data, key) or None
    return values


def _products(ctx: Ctx, ids: set[int]) -> dict[int, str]:
    from kht.products.service import product_names

    return {pid: f"{code} {name}" for pid, (code, name) in product_names(ctx, ids).items()}


def _editor_lines(ctx: Ctx, rows: list[Any]) -> list[dict[str, Any]]:
    """Lines as the editor (Alpine) holds them: strings, and the product's label."""

    def get(row: Any, key: str) -> Any:
        return row.get(key) if isinstance(row, dict) else getattr(row, key)

    labels = _products(ctx, {get(r, "product_id") for r in rows if get(r, "product_id")})
    lines = []
    for row in rows:
        product_id = get(row, "product_id")
        keys = (*LINE_KEYS, "tax_rate")
        line = {key: "" if get(row, key) is None else str(get(row, key)) for key in keys}
        line["product_label"] = labels.get(product_id, "") if product_id else ""
        lines.append(line)
    return lines


def _form_page(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    quote: Quote | None = None,
    status_code: int = 200,
) -> Template:
    customer_id = form.get("customer_id")
    return render(
        request,
        ctx,
        "quotes/form.html",
        status_code=status_code,
        form=form,
        errors=errors,
        quote=quote,
        customer=customer_names(ctx, {customer_id}).get(customer_id or 0, "")
        if customer_id
        else "",
        contacts=contact_choices(ctx, customer_id),
        templates=printing.list_templates(ctx, active_only=True),
        editor_lines=_editor_lines(ctx, form.get("lines") or []),
        fields=fields_for(ctx, service.KIND),
    )


@get("/quotes/new", sync_to_thread=True, include_in_schema=False)
def new_quote(request: Request, ctx: RequestCtx) -> Template:
    """The form for a new quote; `customer_id` (and `opportunity_id`) from the link."""
    require(ctx.user, service.MODULE, "create")
    params = request.query_params
    customer = str(params.get("customer_id") or "")
    opportunity = str(params.get("opportunity_id") or "")
    form = {
        "customer_id": int(customer) if customer.isdigit() else None,
        "opportunity_id": int(opportunity) if opportunity.isdigit() else None,
        "currency": "CNY",
        "quote_date": ctx.today().isoformat(),
        "lines": [],
        "ext": {},
    }
    return _form_page(request, ctx, form=form, errors={})


@post("/quotes/new", sync_to_thread=True, include_in_schema=False)
def create_quote(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    values = _form_values(ctx, data)
    customer = text(data, "customer_id")
    values["customer_id"] = int(customer) if customer.isdigit() else 0
    values.pop("clear_lines", None)  # a new quote has no lines to remove
    if not values["terms"]:
        values.pop("terms")
    try:
        quote = service.create_quote(ctx, to_struct(values, QuoteCreate))
    except (ValidationError, Conflict, NotFound) as exc:
        ctx.session.rollback()
        errors = {exc.field or "": exc.message}
        return _form_page(request, ctx, form=values, errors=errors, status_code=exc.status)
    return Redirect(f"/quotes/{quote.id}", status_code=303)


@get("/quotes/{quote_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def edit_quote(request: Request, ctx: RequestCtx, quote_id: FromPath[int]) -> Template:
    quote = service.get_quote(ctx, quote_id)
    form = {
        key: getattr(quote, key)
        for key in (
            "title",
            "customer_id",
            "contact_id",
            "opportunity_id",
            "template_id",
            "currency",
            "terms",
            "notes",
            "version",
        )
    }
    form.update(
        quote_date=quote.quote_date.isoformat(),
        valid_until=quote.valid_until.isoformat() if quote.valid_until else "",
        lines=service.lines_of(ctx, quote.id),
        ext=quote.ext or {},
    )
    errors = {}
    if quote.status != "draft":
        errors[""] = translations(ctx.language).gettext(
            N_("Only drafts can be edited; revise the quote to change it.")
        )
    return _form_page(request, ctx, form=form, errors=errors, quote=quote)


@post("/quotes/{quote_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def update_quote(
    request: Request,
    ctx: RequestCtx,
    quote_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the form; it carries the version it was shown, so a stale save gets 409."""
    quote = service.get_quote(ctx, quote_id)
    values = _form_values(ctx, data)
    version = text(data, "version")
    try:
        if not values["quote_date"]:
            values.pop("quote_date")
        change = to_struct(
            {**values, "version": int(version) if version.isdigit() else -1}, QuoteUpdate
        )
        service.update_quote(ctx, quote_id, change)
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        form = {**values, "customer_id": quote.customer_id, "version": version}
        if not form.get("lines"):  # what is stored, not an empty editor
            form["lines"] = service.lines_of(ctx, quote_id)
        return _form_page(
            request,
            ctx,
            form=form,
            errors={exc.field or "": exc.message},
            quote=quote,
            status_code=exc.status,
        )
    return Redirect(f"/quotes/{quote_id}", status_code=303)


@get("/quotes/customer-options", sync_to_thread=True, include_in_schema=False)
def customer_options(ctx: RequestCtx, q: FromQuery[str] = "") -> list[dict[str, Any]]:
    """Customers in the user's scope whose name matches `q` (the forms' picker)."""
    from kht.customers.service import list_customers

    rows, _ = list_customers(ctx, q=q, page_size=20)
    return [{"id": row.id, "name": row.name} for row in rows]


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
    customer_options,
    product_options,
    line_price,
    template_list,
    new_template,
    create_template,
    edit_template,
    update_template,
    new_quote,
    create_quote,
    quote_page,
    edit_quote,
    update_quote,
    send_quote,
    reject_quote,
    revise_quote,
    accept_quote,
    print_quote,
    quote_pdf,
]

__all__ = ["ROUTES", "STATUSES", "panel_context"]

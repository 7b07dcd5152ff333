"""Quote templates (seeding, editing) and the printed quote (HTML body, data it sees).

Templates are shared company settings: everyone who may view quotes prints with them, only
administrators (or a role granted `quotes` admin) change them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from kht import record_service as records
from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.org import company
from kht.org.models import Branch
from kht.plugin_types import QuoteTemplateDef
from kht.sales.quotes import service
from kht.sales.quotes.models import Quote, QuoteTemplate
from kht.sales.quotes.pricing import amount_in_words, line_figures
from kht.sales.quotes.schemas import TemplateCreate, TemplateUpdate
from kht.sales.quotes.templating import (
    DEFAULT_BODY,
    DEFAULT_KEY,
    DEFAULT_TERMS,
    check_body,
    render_body,
)

CORE_DEFAULT = QuoteTemplateDef(
    key=DEFAULT_KEY,
    name="标准报价单 Standard quotation",
    body=DEFAULT_BODY,
    terms=DEFAULT_TERMS,
    is_default=True,
)


def _admin(ctx: Ctx) -> None:
    require(ctx.user, service.MODULE, "admin")


# ---------------------------------------------------------------------------- seeding


def seed_templates(ctx: Ctx) -> list[str]:
    """Create the core template and every plugin's (`kht_register_quote_templates`) that do
    not exist yet, by key; existing rows are the administrators' and stay untouched.
    Returns the keys created. Idempotent."""
    wanted: list[tuple[str, QuoteTemplateDef]] = [("", CORE_DEFAULT)]
    # Each implementation is called on its own so a row remembers which plugin made it
    # (core modules are registered under their import path, plugins under their name).
    for impl in ctx.plugins.pm.hook.kht_register_quote_templates.get_hookimpls():
        contributed = impl.function() or []
        plugin = "" if impl.plugin_name.startswith("kht.") else impl.plugin_name
        wanted += [(plugin, item) for item in contributed]
    existing = set(ctx.session.scalars(select(QuoteTemplate.key)))
    has_default = ctx.session.scalar(
        select(QuoteTemplate.id).where(QuoteTemplate.is_default).limit(1)
    )
    created: list[str] = []
    for plugin, item in wanted:
        if item.key in existing:
            continue
        existing.add(item.key)
        is_default = item.is_default and has_default is None
        has_default = has_default or (1 if is_default else None)
        ctx.session.add(
            QuoteTemplate(
                key=item.key,
                name=item.name[:100],
                plugin=plugin[:60],
                body=item.body,
                terms=item.terms,
                is_default=is_default,
                active=True,
            )
        )
        created.append(item.key)
    ctx.session.flush()
    return created


# ---------------------------------------------------------------------------- editing


def list_templates(ctx: Ctx, *, active_only: bool = False) -> list[QuoteTemplate]:
    """Every template, the default first."""
    require(ctx.user, service.MODULE, "view")
    query = select(QuoteTemplate)
    if active_only:
        query = query.where(QuoteTemplate.active)
    return list(
        ctx.session.scalars(query.order_by(QuoteTemplate.is_default.desc(), QuoteTemplate.name))
    )


def get_template(ctx: Ctx, template_id: int) -> QuoteTemplate:
    """One template, or NotFound."""
    require(ctx.user, service.MODULE, "view")
    template = ctx.session.get(QuoteTemplate, template_id)
    if template is None:
        raise NotFound(f"quote template {template_id} not found")
    return template


def _only_default(ctx: Ctx, template: QuoteTemplate) -> None:
    ctx.session.execute(
        update(QuoteTemplate)
        .where(QuoteTemplate.id != template.id, QuoteTemplate.is_default)
        .values(is_default=False)
    )


def create_template(ctx: Ctx, data: TemplateCreate) -> QuoteTemplate:
    """A new template; its body must compile and render a sample quote (else 422)."""
    _admin(ctx)
    check_body(data.body)
    if ctx.session.scalar(select(QuoteTemplate.id).where(QuoteTemplate.key == data.key)):
        raise Conflict(f"a quote template with key {data.key!r} exists", "key")
    template = QuoteTemplate(
        key=data.key,
        name=data.name.strip(),
        body=data.body,
        terms=data.terms,
        is_default=data.is_default,
        active=data.active or data.is_default,
        created_by_id=ctx.user_id,
        updated_by_id=ctx.user_id,
    )
    ctx.session.add(template)
    ctx.session.flush()
    if template.is_default:
        _only_default(ctx, template)
    return template


def update_template(ctx: Ctx, template_id: int, data: TemplateUpdate) -> QuoteTemplate:
    """Change a template; a stale `version` is a 409, a broken body a 422 naming `body`."""
    _admin(ctx)
    template = get_template(ctx, template_id)
    if data.version != template.version:
        raise Conflict(f"template {template_id} was changed by someone else; reload it", "version")
    changes = records.changes_of(data)
    if "body" in changes:
        check_body(changes["body"])
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise ValidationError("name is required", "name")
    if changes.get("active") is False and (changes.get("is_default") or template.is_default):
        raise ValidationError("the default template cannot be switched off", "active")
    for key, value in changes.items():
        setattr(template, key, value)
    template.updated_by_id = ctx.user_id
    ctx.session.flush()
    if template.is_default:
        _only_default(ctx, template)
    return template


# ---------------------------------------------------------------------------- printing


def _person(ctx: Ctx, user_id: int | None) -> dict[str, str]:
    user = ctx.session.get(User, user_id) if user_id is not None else None
    if user is None:
        return {"name": "", "email": "", "phone": ""}
    return {"name": user.name, "email": user.email, "phone": user.phone}


def _company(ctx: Ctx, owner_id: int | None) -> dict[str, str]:
    """The quoting company: the administrators' company settings (kht.org.company); the
    owner's branch is kept as `branch`, and names the company only while no legal name is set.
    """
    branch_id = ctx.session.scalar(select(User.branch_id).where(User.id == owner_id))
    branch = ctx.session.scalar(select(Branch.name).where(Branch.id == branch_id)) or ""
    settings = company.current(ctx)
    details = company.as_dict(settings)
    return {
        **details,
        "name": details["legal_name"] or branch,
        "email": "",
        "branch": branch,
        "logo": company.logo_data_uri(settings),
    }


def quote_context(ctx: Ctx, quote: Quote) -> dict[str, Any]:
    """The plain data a template sees (documented in the README): no ORM objects."""
    from kht.contacts.models import Contact
    from kht.customers.models import Customer
    from kht.products.service import product_names

    lines = service.lines_of(ctx, quote.id)
    codes = product_names(ctx, {line.product_id for line in lines if line.product_id})
    rows = []
    for line in lines:
        figures = line_figures(line.quantity, line.unit_price, line.discount_rate, line.tax_rate)
        rows.append(
            {
                "position": line.position,
                "product_id": line.product_id,
                "product_code": codes.get(line.product_id or 0, ("", ""))[0],
                "description": line.description,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_rate": line.discount_rate,
                "tax_rate": line.tax_rate,
                "gross": figures.gross,
                "net": line.net,
                "tax": line.tax,
                "total": line.total,
            }
        )
    customer = ctx.session.get(Customer, quote.customer_id)
    contact = ctx.session.get(Contact, quote.contact_id) if quote.contact_id else None
    status = service.status_of(quote, service.today(ctx))
    data = {
        key: getattr(quote, key)
        for key in (
            "id",
            "number",
            "revision",
            "title",
            "currency",
            "quote_date",
            "valid_until",
            "terms",
            "notes",
            "subtotal",
            "discount_total",
            "tax_total",
            "total",
            "sent_at",
        )
    }
    data.update(status=status, total_in_words=amount_in_words(quote.total or Decimal("0")))
    return {
        "quote": data,
        "lines": rows,
        "customer": {
            "id": customer.id if customer else None,
            "name": customer.name if customer else "",
            "address": getattr(customer, "address", "") or "",
            "phone": getattr(customer, "phone", "") or "",
            "email": getattr(customer, "email", "") or "",
        },
        "contact": (
            {
                "name": contact.name,
                "phone": contact.mobile or contact.phone,
                "email": contact.email,
                "title": contact.title,
            }
            if contact is not None
            else None
        ),
        "owner": _person(ctx, quote.owner_id),
        "company": _company(ctx, quote.owner_id),
        "lang": ctx.language,
    }


def render_quote(ctx: Ctx, quote_id: int) -> tuple[Quote, str]:
    """A quote in scope and its template's HTML (the body of the print page)."""
    quote = service.get_quote(ctx, quote_id)
    template = service.template_for(ctx, quote)
    return quote, render_body(template.body, quote_context(ctx, quote))

"""Quote business rules: the only code that creates, changes, sends, revises or accepts quotes.

Quotes are owned records (permission module `quotes`): a rep sees their own, a manager the
department tree. Status flow: draft -> sent -> accepted or rejected; a sent quote whose
`valid_until` has passed reads as `expired`. Only drafts are editable; revising a sent (or
rejected, or expired) quote makes a new draft row with the same number and the next
revision, lines copied, and the old row becomes `superseded` (still readable; lists show
the latest revisions only). Accepting makes an order (see kht.sales.orders.service).
Totals are computed by kht.sales.quotes.pricing (per line, half-up to the cent).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec
from sqlalchemy import Select, select

from kht import record_service as records
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.events import RecordUpdated
from kht.fields import builtin
from kht.lists.engine import Column, Filter
from kht.plugin_types import RecordKind
from kht.sales.fields import col, shared, with_common_columns
from kht.sales.quotes import lines as line_rules
from kht.sales.quotes.models import STATUSES, Quote, QuoteLine, QuoteTemplate
from kht.sales.quotes.schemas import QuoteCreate, QuoteOut, QuoteUpdate

KIND = "quote"
MODULE = "quotes"
NUMBER_LOCK = 7_510_001  # pg_advisory_xact_lock key for quote numbers
DEFAULT_VALIDITY_DAYS = 30
OPEN = ("draft", "sent")
REVISABLE = ("sent", "rejected", "expired")
ACCEPTABLE = ("draft", "sent")


def columns(ctx: Ctx) -> dict[str, Column]:
    """Every column a quote list can show, filter and sort by (custom fields included)."""
    q = Quote
    built_in = [
        col("number", "报价编号", "Number", "text", q.number, True),
        col("title", "主题", "Title", "text", q.title, True),
        col("customer_id", "客户", "Customer", "ref", q.customer_id, True),
        col("status", "状态", "Status", "choice", q.status, True, choices=STATUSES),
        col("total", "合计", "Total", "number", q.total, True),
        col("discount_total", "折扣", "Discount", "number", q.discount_total),
        col("revision", "版本", "Revision", "number", q.revision),
        col("quote_date", "报价日期", "Quote date", "date", q.quote_date, True),
        col("valid_until", "有效期至", "Valid until", "date", q.valid_until),
        col("currency", "币种", "Currency", "text", q.currency),
        col("owner_id", "负责人", "Owner", "ref", q.owner_id, True),
        col("opportunity_id", "销售机会", "Opportunity", "ref", q.opportunity_id),
    ]
    return with_common_columns(ctx, q, KIND, built_in)


def status_of(quote: Quote, on: date) -> str:
    """The status as readers see it: a sent quote past `valid_until` is `expired`."""
    if quote.status == "sent" and quote.valid_until is not None and quote.valid_until < on:
        return "expired"
    return quote.status


# ---------------------------------------------------------------------------- reading


def filtered(
    ctx: Ctx,
    *,
    q: str = "",
    filters: list[Filter] | None = None,
    deleted: bool = False,
    latest: bool = True,
) -> Select[tuple[Quote]]:
    """Quotes in scope matching `q` (number, title) and the filters; latest revisions only
    unless `latest` is False."""
    search = (Quote.number, Quote.title)
    query = records.searched(ctx, SPEC, q=q, search=search, filters=filters, deleted=deleted)
    return query.where(Quote.status != "superseded") if latest else query


def get_quote(ctx: Ctx, quote_id: int, *, deleted: bool = False) -> Quote:
    """One quote (any revision) in scope, or NotFound."""
    return records.get_record(ctx, SPEC, quote_id, deleted=deleted)


def lines_of(ctx: Ctx, quote_id: int) -> list[QuoteLine]:
    """A quote's lines in order."""
    return line_rules.stored_lines(ctx, QuoteLine, QuoteLine.quote_id, quote_id)


def revisions_of(ctx: Ctx, quote: Quote) -> list[Quote]:
    """Every revision in scope of a quote's number, newest first."""
    query = records.visible(ctx, SPEC).where(Quote.number == quote.number)
    return list(ctx.session.scalars(query.order_by(Quote.revision.desc())))


def order_id_of(ctx: Ctx, quote_id: int) -> int | None:
    """The order an accepted quote became (None before)."""
    from kht.sales.orders.models import Order

    return ctx.session.scalar(select(Order.id).where(Order.quote_id == quote_id).limit(1))


def quotes_of(ctx: Ctx, *, customer_id: int | None = None, opportunity_id: int | None = None):
    """Latest revisions in scope of one customer's or one opportunity's quotes."""
    return line_rules.documents_of(
        ctx, filtered(ctx), Quote.quote_date, customer_id, opportunity_id
    )


# ---------------------------------------------------------------------------- writing


def _check_template(ctx: Ctx, template_id: int | None) -> QuoteTemplate | None:
    if template_id is None:
        return None
    template = ctx.session.get(QuoteTemplate, template_id)
    if template is None or not template.active:
        raise ValidationError(f"quote template {template_id} not found", "template_id")
    return template


def _check_dates(quote_date: date, valid_until: date | None) -> None:
    if valid_until is not None and valid_until < quote_date:
        raise ValidationError("valid_until is before the quote date", "valid_until")


def _add_lines(ctx: Ctx, quote_id: int, rows: list[dict[str, Any]]) -> None:
    ctx.session.add_all(QuoteLine(quote_id=quote_id, **row) for row in rows)
    ctx.session.flush()


def _create(ctx: Ctx, values: dict[str, Any], rows: list[dict[str, Any]], owner_id: Any) -> Quote:
    values.update(line_rules.totals_values(line_rules.totals_of(rows)))
    quote = records.create_record(ctx, SPEC, values, owner_id=owner_id)
    _add_lines(ctx, quote.id, rows)
    return quote


def create_quote(ctx: Ctx, data: QuoteCreate) -> Quote:
    """A new draft quote numbered Q<year>-<6 digits>, owned by the acting user.

    The customer must be visible to the user (else 422 naming customer_id); lines are
    priced as `lines.priced_lines` says; terms default to the template's.
    """
    require(ctx.user, MODULE, "create")
    values = records.changes_of(data)
    raw_lines = values.pop("lines")
    line_rules.visible_customer(ctx, data.customer_id)
    line_rules.check_contact(ctx, data.contact_id, data.customer_id)
    line_rules.check_opportunity(ctx, data.opportunity_id, data.customer_id)
    template = _check_template(ctx, data.template_id) or default_template(ctx)
    values["quote_date"] = data.quote_date or ctx.today()
    if data.valid_until is None:
        values["valid_until"] = values["quote_date"] + timedelta(days=DEFAULT_VALIDITY_DAYS)
    _check_dates(values["quote_date"], values["valid_until"])
    if data.terms is None:
        values["terms"] = template.terms if template is not None else ""
    values["template_id"] = template.id if template is not None else None
    rows, price_list_id = line_rules.priced_lines(
        ctx, data.customer_id, raw_lines, values["quote_date"]
    )
    values["price_list_id"] = price_list_id
    line_rules.lock_numbers(ctx, NUMBER_LOCK)
    values["number"] = line_rules.next_number(ctx, Quote.number, f"Q{values['quote_date'].year}-")
    values.update(revision=1, status="draft")
    return _create(ctx, values, rows, ...)


def _fresh(ctx: Ctx, quote: Quote, version: int | None) -> None:
    line_rules.fresh(quote, version, "quote")


def _draft(ctx: Ctx, quote: Quote) -> None:
    if quote.status != "draft":
        raise Conflict(
            f"quote {quote.number} is {quote.status}: only drafts can be changed "
            "(revise it to make a new draft)",
            "status",
        )


def update_quote(ctx: Ctx, quote_id: int, data: QuoteUpdate) -> Quote:
    """Change a draft; `lines`, when given, replace every line and the totals follow.

    A stale `version` is a 409 and changes nothing; a quote that is not a draft is a 409.
    """
    require(ctx.user, MODULE, "edit")
    quote = get_quote(ctx, quote_id)
    _fresh(ctx, quote, data.version)
    _draft(ctx, quote)
    changes = records.changes_of(data)
    raw_lines = line_rules.lines_to_replace(changes, bool(lines_of(ctx, quote.id)))
    if "contact_id" in changes:
        line_rules.check_contact(ctx, changes["contact_id"], quote.customer_id)
    if "opportunity_id" in changes:
        line_rules.check_opportunity(ctx, changes["opportunity_id"], quote.customer_id)
    if "template_id" in changes:
        _check_template(ctx, changes["template_id"])
    _check_dates(
        changes.get("quote_date", quote.quote_date), changes.get("valid_until", quote.valid_until)
    )
    summaries = ("", "")
    if raw_lines is not msgspec.UNSET:
        on = changes.get("quote_date", quote.quote_date)
        rows, price_list_id = line_rules.priced_lines(ctx, quote.customer_id, raw_lines, on)
        summaries = line_rules.replace_lines(ctx, quote, rows, QuoteLine, "quote_id")
        changes.update(line_rules.totals_values(line_rules.totals_of(rows)))
        changes["price_list_id"] = price_list_id
    return line_rules.save_document(ctx, SPEC, quote, data.version, changes, summaries)


def _set_status(ctx: Ctx, quote: Quote, version: int | None, **changes: Any) -> Quote:
    with line_rules.service_write(ctx, KIND, quote.id):
        return records.update_record(ctx, SPEC, quote, version, changes)


def send_quote(ctx: Ctx, quote_id: int, version: int | None = None) -> Quote:
    """Mark a draft as sent to the customer (it can no longer be edited, only revised)."""
    require(ctx.user, MODULE, "edit")
    quote = get_quote(ctx, quote_id)
    _fresh(ctx, quote, version)
    _draft(ctx, quote)
    if not lines_of(ctx, quote.id):
        raise ValidationError("a quote needs at least one line before it is sent", "lines")
    return _set_status(ctx, quote, version, status="sent", sent_at=ctx.now())


def reject_quote(ctx: Ctx, quote_id: int, version: int | None = None) -> Quote:
    """Record that the customer turned a sent quote down."""
    require(ctx.user, MODULE, "edit")
    quote = get_quote(ctx, quote_id)
    _fresh(ctx, quote, version)
    if status_of(quote, ctx.today()) != "sent":
        raise Conflict(f"only a sent quote can be rejected (this one is {quote.status})", "status")
    return _set_status(ctx, quote, version, status="rejected", decided_at=ctx.now())


def revise_quote(ctx: Ctx, quote_id: int, version: int | None = None) -> Quote:
    """A new draft revision of a sent, rejected or expired quote (same number, lines
    copied); the old row becomes `superseded` and stays readable. Returns the new draft."""
    require(ctx.user, MODULE, "edit")
    require(ctx.user, MODULE, "create")
    quote = get_quote(ctx, quote_id)
    _fresh(ctx, quote, version)
    status = status_of(quote, ctx.today())
    if status not in REVISABLE:
        raise Conflict(
            f"quote {quote.number} is {status}: only sent, rejected or expired quotes are revised",
            "status",
        )
    _set_status(ctx, quote, version, status="superseded")
    values = {
        key: getattr(quote, key)
        for key in (
            "number",
            "title",
            "customer_id",
            "contact_id",
            "opportunity_id",
            "price_list_id",
            "template_id",
            "currency",
            "valid_until",
            "terms",
            "notes",
        )
    }
    values["ext"] = dict(quote.ext or {})
    values.update(revision=quote.revision + 1, status="draft", quote_date=ctx.today())
    if values["valid_until"] is not None and values["valid_until"] < values["quote_date"]:
        values["valid_until"] = values["quote_date"] + timedelta(days=DEFAULT_VALIDITY_DAYS)
    rows = [line_rules.line_values(line) for line in lines_of(ctx, quote.id)]
    return _create(ctx, values, rows, quote.owner_id)


def accept_quote(ctx: Ctx, quote_id: int, version: int | None = None, reason: str = ""):
    """The customer accepted: the quote becomes `accepted` and an order is made from it
    (lines and totals copied, quote linked). A quote with an opportunity closes it as won.

    Accepting twice, or a quote that is rejected, expired or superseded, is a 409.
    Returns the order.
    """
    from kht.sales.orders.service import order_from_quote

    require(ctx.user, MODULE, "edit")
    quote = get_quote(ctx, quote_id)
    _fresh(ctx, quote, version)
    status = status_of(quote, ctx.today())
    if status == "accepted" or order_id_of(ctx, quote.id) is not None:
        raise Conflict(f"quote {quote.number} is already accepted", "status")
    if status not in ACCEPTABLE:
        raise Conflict(f"quote {quote.number} is {status} and cannot be accepted", "status")
    if not lines_of(ctx, quote.id):
        raise ValidationError("a quote without lines cannot be accepted", "lines")
    changes: dict[str, Any] = {"status": "accepted", "decided_at": ctx.now()}
    if quote.sent_at is None:
        changes["sent_at"] = ctx.now()
    _set_status(ctx, quote, version, **changes)
    order = order_from_quote(ctx, quote, lines_of(ctx, quote.id))
    if quote.opportunity_id is not None:
        win_opportunity(
            ctx,
            quote.opportunity_id,
            reason or f"quote {quote.number} accepted (order {order.number})",
        )
    return order


def win_opportunity(ctx: Ctx, opportunity_id: int, reason: str) -> None:
    """Close the quote's opportunity as won (no stage gate: the accepted quote is the
    evidence); an opportunity already won stays as it is."""
    from kht.sales.opportunities.service import close_opportunity

    close_opportunity(ctx, opportunity_id, won=True, reason=reason, version=None)


def expire_quotes(ctx: Ctx) -> int:
    """Store `expired` on sent quotes whose validity has passed (reads show it anyway);
    returns how many changed. For a scheduled job or the command line."""
    on = ctx.today()
    query = select(Quote).where(
        Quote.status == "sent", Quote.valid_until < on, Quote.deleted_at.is_(None)
    )
    changed = 0
    for quote in ctx.session.scalars(query):
        quote.status = "expired"
        ctx.session.flush()
        ctx.fire(
            RecordUpdated(
                kind=KIND,
                record_id=quote.id,
                user_id=ctx.user_id,
                changes={"status": ["sent", "expired"]},
            )
        )
        changed += 1
    return changed


# ---------------------------------------------------------------------------- templates


def default_template(ctx: Ctx) -> QuoteTemplate | None:
    """The active default template (the core one unless an administrator chose another)."""
    query = select(QuoteTemplate).where(QuoteTemplate.active)
    return ctx.session.scalar(
        query.order_by(QuoteTemplate.is_default.desc(), QuoteTemplate.id).limit(1)
    )


def template_for(ctx: Ctx, quote: Quote) -> QuoteTemplate:
    """The template a quote prints with: its own if still active, else the default."""
    template = ctx.session.get(QuoteTemplate, quote.template_id) if quote.template_id else None
    if template is None or not template.active:
        template = default_template(ctx)
    if template is None:
        raise NotFound("no quote template exists; run `kht migrate` to seed the default one")
    return template


def to_out(ctx: Ctx, quote: Quote, tags: list[str] | None = None) -> QuoteOut:
    """A quote as the API answers it: its columns, today's status, its order and lines."""
    return records.record_out(
        QuoteOut,
        quote,
        tags,
        status=status_of(quote, ctx.today()),
        order_id=order_id_of(ctx, quote.id),
        lines=[line_rules.line_out(line) for line in lines_of(ctx, quote.id)],
    )


# In the order the page lists them; the form shows those a change may carry.
FIELDS = (
    builtin("title", "text", "主题", "Subject", required=True),
    builtin("number", "text", "报价单编号", "Quote number"),
    *shared("customer_id", "contact_id", "opportunity_id"),
    builtin("quote_date", "date", "报价日期", "Quote date"),
    builtin("valid_until", "date", "有效期至", "Valid until"),
    builtin("template_id", "number", "模板", "Template"),
    *shared("currency", "owner_id"),  # the total stands under the lines
    builtin("revision", "number", "版本", "Revision"),
    builtin("status", "single_choice", "状态", "Status", choices=STATUSES),
    builtin("sent_at", "date", "发送时间", "Sent"),
    builtin("decided_at", "date", "决定时间", "Decided"),
    builtin("terms", "long_text", "条款", "Terms"),
    *shared("notes"),
)

SPEC = RecordKind(
    kind=KIND,
    model=Quote,
    module=MODULE,
    label_zh="报价",
    label_en="Quotes",
    plural="quotes",
    fields=FIELDS,
    open_filter=lambda: Quote.status.in_(OPEN),
    # The customer's and the opportunity's teams see the quotes.
    team_parents=(("customer", "customer_id"), ("opportunity", "opportunity_id")),
    columns=columns,
    query=filtered,
    update=update_quote,
    update_schema=QuoteUpdate,
    # Drafts only, lines and totals together: edited on the quote's form, not in a cell.
    inline_edit=False,
    create_schema=QuoteCreate,
    out_schema=QuoteOut,
    to_out=to_out,
    create=create_quote,
)

__all__ = [
    "KIND",
    "MODULE",
    "SPEC",
    "accept_quote",
    "columns",
    "create_quote",
    "default_template",
    "expire_quotes",
    "filtered",
    "get_quote",
    "lines_of",
    "order_id_of",
    "quotes_of",
    "reject_quote",
    "revise_quote",
    "revisions_of",
    "send_quote",
    "status_of",
    "template_for",
    "update_quote",
    "win_opportunity",
]

"""What the opportunity, quote and order pages share on top of kht.recordpages: the
customer picker of a new record, customer names in the list cells, status labels, and the
line editor of the quote and order forms (reading what it posts, filling it again)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from litestar import get
from litestar.params import FromQuery

from kht.contacts.service import customer_names
from kht.contacts.ui import text
from kht.context import Ctx, RequestCtx
from kht.errors import NotFound, ValidationError
from kht.web.i18n import translations

LINE_KEYS = ("product_id", "description", "unit", "quantity", "unit_price", "discount_rate")
EDITOR_KEYS = (*LINE_KEYS, "tax_rate")


def customer_options(path: str) -> Any:
    """The handler at `path` answering the customers in the user's scope whose name matches
    `q` (a form's customer picker)."""

    @get(path, sync_to_thread=True, include_in_schema=False)
    def options(ctx: RequestCtx, q: FromQuery[str] = "") -> list[dict[str, Any]]:
        from kht.customers.service import list_customers

        rows, _ = list_customers(ctx, q=q, page_size=20)
        return [{"id": row.id, "name": row.name} for row in rows]

    return options


def status_labels(labels: dict[str, str]) -> Callable[[Ctx], dict[str, dict[Any, str]]]:
    """RecordPages.labels: a kind's status labels (message ids) in the reader's language."""

    def translated(ctx: Ctx) -> dict[str, dict[Any, str]]:
        gettext = translations(ctx.language).gettext
        return {"status": {key: gettext(label) for key, label in labels.items()}}

    return translated


def number(value: Any) -> int | None:
    """An id read from a form or a link ("" and junk: None)."""
    return int(value) if str(value or "").isdigit() else None


def customer_of(form: dict[str, Any], record: Any) -> int | None:
    """The customer a form is for: the record's, or the one a new record's form chose."""
    return record.customer_id if record is not None else number(form.get("customer_id"))


# ---------------------------------------------------------------------------- line editor


def line_rows(raw: str) -> list[dict[str, Any]]:
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
        row = {key: item.get(key) for key in EDITOR_KEYS}
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


def posted_lines(ctx: Ctx, data: dict[str, Any], record: Any) -> dict[str, Any]:
    """RecordPages.form_values of a form with the line editor: `lines` (and `clear_lines`).

    No `lines_json` means the editor's script never ran: the lines are left as they are.
    An empty list is a removal only when the editor says so (`clear_lines`); otherwise the
    service refuses it rather than delete every line. A new record has none to remove.
    """
    raw = text(data, "lines_json")
    if not raw:
        return {}
    rows = line_rows(raw)
    if not rows and record is not None and text(data, "clear_lines") == "1":
        return {"lines": rows, "clear_lines": True}
    return {"lines": rows}


def _products(ctx: Ctx, ids: set[int]) -> dict[int, str]:
    from kht.products.service import product_names

    return {pid: f"{code} {name}" for pid, (code, name) in product_names(ctx, ids).items()}


def editor_lines(ctx: Ctx, rows: list[Any]) -> list[dict[str, Any]]:
    """Lines as the editor (Alpine) holds them: strings, and the product's label."""

    def get(row: Any, key: str) -> Any:
        return row.get(key) if isinstance(row, dict) else getattr(row, key)

    labels = _products(ctx, {get(r, "product_id") for r in rows if get(r, "product_id")})
    lines = []
    for row in rows:
        product_id = get(row, "product_id")
        line = {key: "" if get(row, key) is None else str(get(row, key)) for key in EDITOR_KEYS}
        line["product_label"] = labels.get(product_id, "") if product_id else ""
        lines.append(line)
    return lines


def lines_form(ctx: Ctx, form: dict[str, Any], record: Any, stored: Any) -> dict[str, Any]:
    """RecordPages.form_context of a form with the line editor: the customer's name and
    the editor's lines — those posted, else the record's stored ones (`stored(ctx, id)`)."""
    customer_id = customer_of(form, record)
    rows = form.get("lines") or (stored(ctx, record.id) if record is not None else [])
    return {
        "customer": customer_names(ctx, {customer_id}).get(customer_id or 0, ""),
        "editor_lines": editor_lines(ctx, rows),
    }


def references(ctx: Ctx, record: Any) -> dict[str, dict[Any, str]]:
    """RecordPages.detail_context `refs`: the names of the record's contact, opportunity and
    quote, each only where the reader may see it (like the customer's)."""
    from kht.contacts.service import find_contact
    from kht.sales.opportunities.service import get_opportunity
    from kht.sales.quotes.service import get_quote

    refs: dict[str, dict[Any, str]] = {}
    contact_id = getattr(record, "contact_id", None)
    contact = find_contact(ctx, contact_id) if contact_id else None
    if contact is not None:
        refs["contact_id"] = {contact.id: contact.name}
    readers: tuple[tuple[str, Callable[..., Any], Callable[[Any], str]], ...] = (
        ("opportunity_id", get_opportunity, lambda o: o.name),
        ("quote_id", get_quote, lambda q: q.number + (f" R{q.revision}" if q.revision > 1 else "")),
    )
    for key, read, name in readers:
        value = getattr(record, key, None)
        try:
            refs[key] = {value: name(read(ctx, value))} if value else {}
        except NotFound:
            continue
    return refs


def opportunity_choices(ctx: Ctx, customer_id: int | None) -> dict[int, str]:
    """The customer's opportunities in the user's scope, newest first (a quote's form)."""
    from kht.lists.engine import Filter
    from kht.sales.opportunities.service import list_opportunities

    if customer_id is None:
        return {}
    only = [Filter(field="customer_id", op="eq", value=customer_id)]
    rows, _ = list_opportunities(ctx, page_size=200, sort="-created_at", filters=only)
    return {row.id: row.name for row in rows}

"""How an export shows a value: its label in the reader's language, or the raw key for re-import.

By default a file is for people: choices (custom fields' included), lifecycle stages and
booleans as their labels, users, customers, categories, product lines, processes and stages
by name. With `raw` it is for machines and re-import: keys and ids, users by login. The
import reads both (see `label_values`), so an exported file imports again either way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import select

from kht.context import Ctx
from kht.lists.engine import Column
from kht.web.i18n import N_, translations

LANGUAGES = ("zh_CN", "en")
OPPORTUNITY_STATUSES = {"open": N_("Open"), "won": N_("Won"), "lost": N_("Lost")}
USER_COLUMNS = frozenset({"owner_id", "created_by_id", "updated_by_id"})


@cache
def _choices() -> dict[tuple[str, str], dict[str, str]]:
    """(kind, column) -> {value: English label (a message id)}, from the pages that show them."""
    from kht.contacts.views import CHOICE_FIELDS
    from kht.customers.views import KIND_LABELS
    from kht.leads.views import STATUS_LABELS as LEAD_STATUSES
    from kht.sales.opportunities.views import FORECAST
    from kht.sales.orders.views import STATUS_LABELS as ORDER_STATUSES
    from kht.sales.quotes.views import STATUS_LABELS as QUOTE_STATUSES

    return {
        ("customer", "kind"): KIND_LABELS,
        ("lead", "status"): LEAD_STATUSES,
        ("quote", "status"): QUOTE_STATUSES,
        ("order", "status"): ORDER_STATUSES,
        ("opportunity", "status"): OPPORTUNITY_STATUSES,
        ("opportunity", "forecast_category"): dict(FORECAST),
        **{("contact", key): labels for key, labels in CHOICE_FIELDS.items()},
    }


def choice_labels(kind: str, key: str, language: str) -> dict[str, str]:
    """{value: label in `language`} of a built-in choice column (empty for others)."""
    gettext = translations(language).gettext
    return {value: gettext(label) for value, label in _choices().get((kind, key), {}).items()}


def choice_options(kind: str, column: Column) -> list[tuple[str, str, str]]:
    """(key, Chinese label, English label) of every choice of a column, built-in or custom."""
    zh, en = choice_labels(kind, column.key, "zh_CN"), choice_labels(kind, column.key, "en")
    return [
        (
            key,
            zh.get(key) or str(column.choice_label(key, "zh_CN")),
            en.get(key) or str(column.choice_label(key, "en")),
        )
        for key in column.choice_keys
    ]


def label_values(kind: str, key: str) -> dict[str, str]:
    """{label: value} in every UI language: what an import accepts besides the keys."""
    found: dict[str, str] = {}
    for language in LANGUAGES:
        found.update({label: value for value, label in choice_labels(kind, key, language).items()})
    return found


def _named(model: Any, name: Any) -> Callable[[Any], Any]:
    """A correlated subquery: the name of the `model` row whose id is the column's value."""
    return lambda expr: select(name).where(model.id == expr).scalar_subquery()


def _ref_names(language: str) -> dict[str, Callable[[Any], Any]]:
    """Id columns shown by name: key -> expression builder."""
    from kht.auth.models import User
    from kht.contacts.models import Contact
    from kht.customers.models import Customer, CustomerCategory
    from kht.knowledge.models import ArticleCategory
    from kht.org.models import BusinessLine
    from kht.sales.opportunities.models import Opportunity
    from kht.sales.processes.models import Process, ProcessStage
    from kht.sales.quotes.models import Quote

    zh = language.startswith("zh")
    return {
        **{key: _named(User, User.name) for key in USER_COLUMNS},
        "customer_id": _named(Customer, Customer.name),
        "contact_id": _named(Contact, Contact.name),
        "category_id": _named(CustomerCategory, CustomerCategory.name),
        "article_category_id": _named(ArticleCategory, ArticleCategory.name),
        "product_line_id": _named(BusinessLine, BusinessLine.name),
        "process_id": _named(Process, Process.name_zh if zh else Process.name_en),
        "stage_id": _named(ProcessStage, ProcessStage.name_zh if zh else ProcessStage.name_en),
        "opportunity_id": _named(Opportunity, Opportunity.name),
        "quote_id": _named(Quote, Quote.number),
    }


def _lifecycle_stage(language: str) -> Callable[[Any], Any]:
    from kht.lifecycle.models import LifecycleStage as Stage

    label = Stage.label_zh if language.startswith("zh") else Stage.label_en
    return lambda expr: select(label).where(Stage.key == expr).scalar_subquery()


def _user_login(expr: Any) -> Any:
    from kht.auth.models import User

    return select(User.login).where(User.id == expr).scalar_subquery()


def expression(ctx: Ctx, kind: str, column: Column, raw: bool) -> Any:
    """The SQL expression to export for `column`: names instead of ids unless `raw`.

    Users are exported by login when `raw` (an import finds them by login, and logins are
    unique where names need not be).
    """
    is_user = column.key in USER_COLUMNS or (column.type == "ref" and column.key.startswith("ext."))
    if raw:
        return _user_login(column.expr) if is_user else column.expr
    if is_user:
        return _ref_names(ctx.language)["owner_id"](column.expr)
    if column.type == "ref" and column.key in _ref_names(ctx.language):
        return _ref_names(ctx.language)[column.key](column.expr)
    if kind == "customer" and column.key == "stage":
        return _lifecycle_stage(ctx.language)(column.expr)
    return column.expr


def shower(ctx: Ctx, kind: str, column: Column, raw: bool) -> Callable[[Any], Any] | None:
    """How a value is turned into text after the query (None: as it is)."""
    if raw:
        return None
    gettext = translations(ctx.language).gettext
    if column.type == "boolean":
        yes, no = gettext("Yes"), gettext("No")
        return lambda value: "" if value is None else (yes if value else no)
    labels = choice_labels(kind, column.key, ctx.language)
    if labels:
        return lambda value: "" if value is None else labels.get(value, value)
    if column.choices:  # a custom field's choices, labelled where they are `Choice`s
        language = ctx.language
        return lambda value: "" if value is None else column.choice_label(value, language)
    return None


__all__ = ["choice_labels", "choice_options", "expression", "label_values", "shower"]

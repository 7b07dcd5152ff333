"""The list page every record kind shares: filters, sorting, columns, views, selection.

A domain's list view parses the query string with `ListState.from_query`, runs its own
service (which applies scope), and renders "lists/list.html" with `list_context(...)`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import msgspec
from babel.dates import format_timedelta
from babel.numbers import format_decimal

from kht.context import Ctx
from kht.db.custom_fields import Choice
from kht.exporting.labels import choice_options
from kht.lists.counting import Total
from kht.lists.engine import OPS, Column, Filter, parse_filter
from kht.lists.inline import editable_keys
from kht.lists.service import get_view, view_filters, visible_views
from kht.records import record_kinds
from kht.web.i18n import N_, translations

PAGE_SIZES = (20, 50, 100, 200)
RECENT_DAYS = 7  # "recently updated" means within the last week
STAGE_KEYS = ("stage", "stage_id", "status")  # the column the stage chips filter on
MAX_STAGE_CHIPS = 12


class ListState(msgspec.Struct, kw_only=True):
    """What a list URL asks for."""

    q: str = ""
    f: list[str] = []
    sort: str = "-updated_at"
    page: int = 1
    page_size: int = 50
    c: list[str] = []
    view: int | None = None
    deleted: bool = False
    exact: bool = False  # count the total exactly even past the limit (kht.lists.counting)

    @classmethod
    def from_query(cls, params: Any) -> ListState:
        """Read the state from request query params (a multi-dict)."""

        def first(name: str, default: str = "") -> str:
            return str(params.get(name) or default)

        page_size = int(first("page_size", "50")) if first("page_size").isdigit() else 50
        columns = [c for item in params.getall("c", []) for c in str(item).split(",") if c]
        return cls(
            q=first("q"),
            f=[str(x) for x in params.getall("f", []) if x],
            sort=first("sort", "-updated_at"),
            page=max(1, int(first("page", "1"))) if first("page").isdigit() else 1,
            page_size=page_size if page_size in PAGE_SIZES else 50,
            c=columns,
            view=int(first("view")) if first("view").isdigit() else None,
            deleted=first("deleted") in {"1", "true"},
            exact=first("exact") in {"1", "true"},
        )

    def filters(self, ctx: Ctx) -> list[Filter]:
        """The saved view's filters (if any) followed by the URL's own."""
        saved = view_filters(get_view(ctx, self.view)) if self.view is not None else []
        return saved + [parse_filter(item) for item in self.f]

    def url(self, base: str, **changes: Any) -> str:
        """`base` with this state, some values changed (for sort links and pages)."""
        values = msgspec.structs.asdict(self) | changes
        pairs: list[tuple[str, Any]] = [
            ("q", values["q"]),
            ("sort", values["sort"]),
            ("page", values["page"]),
            ("page_size", values["page_size"]),
        ]
        pairs += [("f", item) for item in values["f"]]
        if values["c"]:
            pairs.append(("c", ",".join(values["c"])))
        if values["view"] is not None:
            pairs.append(("view", values["view"]))
        if values["deleted"]:
            pairs.append(("deleted", "1"))
        if values["exact"]:
            pairs.append(("exact", "1"))
        return f"{base}?{urlencode([(k, v) for k, v in pairs if v != ''])}"


def export_fields(ctx: Ctx, state: ListState, shown: list[Column]) -> list[tuple[str, str]]:
    """The query of an export of exactly this list (its filters, sort and columns).

    The list page sends them as the hidden fields of its export form, with the format and
    the "raw keys" choice (kht.exporting.labels).
    """
    filters = [
        f"{item.field}:{item.op}:{item.value if item.value is not None else ''}"
        for item in state.filters(ctx)
    ]
    pairs = [
        ("q", state.q),
        ("sort", state.sort),
        *[("f", item) for item in filters],
        *[("columns", column.key) for column in shown],
    ]
    return [(k, v) for k, v in pairs if v != ""]


def shown_columns(columns: dict[str, Column], state: ListState, ctx: Ctx) -> list[Column]:
    """The columns to show: chosen in the URL, else the saved view's, else the defaults."""
    keys = state.c
    if not keys and state.view is not None:
        keys = list(get_view(ctx, state.view).columns or [])
    if not keys:
        keys = [key for key, column in columns.items() if column.default]
    return [columns[key] for key in keys if key in columns and columns[key].expr is not None]


def cell(record: Any, column: Column) -> Any:
    """The raw value of `column` for one record."""
    if column.key.startswith("ext."):
        _, namespace, name = column.key.split(".", 2)
        return (record.ext or {}).get(namespace, {}).get(name)
    return getattr(record, column.key, None)


class Chip(msgspec.Struct, frozen=True, kw_only=True):
    """A quick filter above a list: a link that switches one filter on or off."""

    key: str
    label: str
    url: str
    active: bool


def _chip(state: ListState, base: str, key: str, label: str, item: str, rivals: set[str]) -> Chip:
    """A chip for filter `item`; switching it on drops its `rivals` (other stages)."""
    active = item in state.f
    kept = [f for f in state.f if f != item and f not in rivals]
    chosen = kept if active else [*kept, item]
    return Chip(key=key, label=label, url=state.url(base, f=chosen, page=1), active=active)


def _stage_chips(
    state: ListState, base: str, column: Column, labels: dict[Any, str], language: str
) -> list[Chip]:
    values = list(labels) if labels else list(column.choice_keys)
    items = {value: f"{column.key}:eq:{value}" for value in values[:MAX_STAGE_CHIPS]}
    rivals = set(items.values())
    return [
        _chip(
            state,
            base,
            f"{column.key}-{value}",
            str(labels.get(value) or column.choice_label(value, language)),
            item,
            rivals,
        )
        for value, item in items.items()
    ]


def quick_chips(
    ctx: Ctx, base: str, state: ListState, columns: dict[str, Column], refs: dict[str, Any]
) -> list[Chip]:
    """Mine, recently updated and one chip per stage (or status), where the list has them."""
    gettext = translations(ctx.language).gettext
    chips = []
    if "owner_id" in columns and ctx.user_id is not None:
        mine = f"owner_id:eq:{ctx.user_id}"
        chips.append(_chip(state, base, "mine", gettext(N_("Mine")), mine, set()))
    if "updated_at" in columns:
        since = ctx.today() - timedelta(days=RECENT_DAYS)
        recent = f"updated_at:gte:{since.isoformat()}"
        label = gettext(N_("Recently updated"))
        chips.append(_chip(state, base, "recent", label, recent, set()))
    stage = next((columns[key] for key in STAGE_KEYS if key in columns), None)
    if stage is not None:
        chips += _stage_chips(state, base, stage, refs.get(stage.key) or {}, ctx.language)
    return chips


def moment(ctx: Ctx, value: Any) -> tuple[str, str] | None:
    """A stored time as ("3 天前" in the user's language, the exact time in their zone)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    zone = ctx.zone
    locale = "zh_CN" if ctx.language.startswith("zh") else "en"
    relative = format_timedelta(value - ctx.now(), add_direction=True, locale=locale)
    return relative, f"{value.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def labelled(kind: str, column: Column) -> Column:
    """`column` with its choices carrying their labels (the built-in ones of `kind` too, such
    as a contact's role), so that cells, filters and editors show labels, not keys."""
    if not column.choices:
        return column
    options = choice_options(kind, column)
    choices = tuple(Choice(key=key, label_zh=zh, label_en=en) for key, zh, en in options)
    return msgspec.structs.replace(column, choices=choices)


def _owned(ctx: Ctx, kind: str) -> bool:
    """Whether the kind's records have owners (the bulk bar offers "assign owner")."""
    spec = record_kinds(ctx).get(kind)
    return spec is None or spec.owned


def total_text(ctx: Ctx, total: Total) -> str:
    """A list's total for people: "12,437", or an estimate as "about 12,400" ("约 12,400")."""
    locale = "zh_CN" if ctx.language.startswith("zh") else "en"
    number = format_decimal(total.count, locale=locale)
    if total.exact:
        return number
    return translations(ctx.language).gettext(N_("about %(count)s")) % {"count": number}


def list_context(
    ctx: Ctx,
    *,
    kind: str,
    base: str,
    state: ListState,
    columns: dict[str, Column],
    rows: list[Any],
    total: Total,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything lists/list.html needs; an estimated total (`total.exact` False) comes
    with a link that counts exactly, and the pager goes on while pages are full."""
    pages = max(1, -(-total.count // state.page_size))
    more = len(rows) == state.page_size if not total.exact else state.page < pages
    columns = {key: labelled(kind, column) for key, column in columns.items()}
    meta = {
        key: {
            "label": c.label(ctx.language),
            "type": c.type,
            "choices": list(c.choice_keys),
            "choice_labels": {k: c.choice_label(k, ctx.language) for k in c.choice_keys},
        }
        for key, c in columns.items()
        if c.expr is not None or c.condition is not None
    }
    current = [msgspec.to_builtins(parse_filter(item)) for item in state.f]
    shown = shown_columns(columns, state, ctx)
    extra = extra or {}
    refs = extra.get("refs") or {}
    # The title links to the record, and referenced values need their pickers: not inline.
    fixed = {c.key for c in shown[:1]} | set(refs)
    return {
        "kind": kind,
        "base": base,
        "state": state,
        "rows": rows,
        "total": total.count,
        "total_exact": total.exact,
        "total_text": total_text(ctx, total),
        "exact_url": state.url(base, exact=True),
        "pages": pages,
        "has_next": more,
        "columns": shown,
        "all_columns": columns,
        "exports": export_fields(ctx, state, shown),
        "cell": cell,
        "views": visible_views(ctx, kind),
        "filter_state": {"filters": current, "meta": meta, "ops": OPS},
        "chips": quick_chips(ctx, base, state, columns, refs),
        "editable": editable_keys(ctx, kind, shown, fixed) if not state.deleted else set(),
        "moment": lambda value: moment(ctx, value),
        "assignable": _owned(ctx, kind),
        **extra,
    }

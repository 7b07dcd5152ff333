"""The list page every record kind shares: filters, sorting, columns, views, selection.

A domain's list view parses the query string with `ListState.from_query`, runs its own
service (which applies scope), and renders "lists/list.html" with `list_context(...)`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec

from kht.context import Ctx
from kht.lists.engine import OPS, Column, Filter, parse_filter
from kht.lists.service import get_view, view_filters, visible_views

PAGE_SIZES = (20, 50, 100, 200)


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


def list_context(
    ctx: Ctx,
    *,
    kind: str,
    base: str,
    state: ListState,
    columns: dict[str, Column],
    rows: list[Any],
    total: int,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything lists/list.html needs."""
    pages = max(1, -(-total // state.page_size))
    meta = {
        key: {"label": c.label(ctx.language), "type": c.type, "choices": list(c.choices)}
        for key, c in columns.items()
        if c.expr is not None or c.condition is not None
    }
    current = [msgspec.to_builtins(parse_filter(item)) for item in state.f]
    shown = shown_columns(columns, state, ctx)
    return {
        "kind": kind,
        "base": base,
        "state": state,
        "rows": rows,
        "total": total,
        "pages": pages,
        "columns": shown,
        "all_columns": columns,
        "exports": export_fields(ctx, state, shown),
        "cell": cell,
        "views": visible_views(ctx, kind),
        "filter_state": {"filters": current, "meta": meta, "ops": OPS},
        **(extra or {}),
    }

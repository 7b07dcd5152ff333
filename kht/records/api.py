"""The JSON API of every declared record kind, built from its declaration.

For a kind with `plural` and its schemas (`create_schema`, `update_schema`, `out_schema`):
`GET/POST /api/v1/<plural>`, `GET/PATCH/DELETE /api/v1/<plural>/{<kind>_id}`,
`POST …/{<kind>_id}/restore`, and for a kind with a list (`columns`, `query`) `GET …/columns`
and `POST …/bulk`. The handlers are built per kind with real annotations, so the OpenAPI
document shows each kind's own schemas; their names (`list_customers`, `get_customer`, ...)
make the operation ids. A kind's `list_params` (`ListParam`) join the list's common
parameters. A kind with a list also gets its export (`/api/v1/<plural>/export`
and the page route `/<plural>/export`, kht.exporting). A kind's other endpoints (moving a
contact, converting a lead) stay in its own module.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from litestar import delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody, Parameter

from kht.auth.permissions import require
from kht.context import Ctx, RequestCtx
from kht.exporting.labels import choice_options
from kht.lists import bulk
from kht.lists.engine import Filter, parse_filter
from kht.lists.service import get_view, view_filters
from kht.plugin_types import RecordKind
from kht.record_service import listed, record_out
from kht.records.schemas import BulkRequest, BulkResult, ChoiceOut, ColumnOut, page_schema
from kht.tags.service import tags_of

NO_DEFAULT = inspect.Parameter.empty


def filters_from(ctx: Ctx, f: list[str] | None, view: int | None) -> list[Filter]:
    """Filters of a saved view or segment (if given) plus the `f=field:op:value` ones."""
    saved = view_filters(get_view(ctx, view)) if view is not None else []
    return saved + [parse_filter(item) for item in f or []]


def has_api(spec: RecordKind) -> bool:
    """Whether the kind declares what its JSON API needs."""
    return bool(spec.plural and spec.create_schema and spec.update_schema and spec.out_schema)


def _tagged(spec: RecordKind) -> bool:
    return "tags" in spec.out_schema.__struct_fields__


def out(ctx: Ctx, spec: RecordKind, record: Any, tags: list[str] | None = None) -> Any:
    """A record as the kind's API answers it (its `to_out`, else its `out_schema` filled
    from the record)."""
    if spec.to_out is not None:
        return spec.to_out(ctx, record, tags)
    return record_out(spec.out_schema, record, tags)


def outs(ctx: Ctx, spec: RecordKind, rows: list[Any]) -> list[Any]:
    """A page of records as the API answers them (the kind's `to_outs` for all at once,
    else one by one), with their tag names where the answer has them."""
    found = tags_of(ctx, spec.kind, [r.id for r in rows]) if _tagged(spec) else {}
    if spec.to_outs is not None:
        return spec.to_outs(ctx, rows, found)
    return [out(ctx, spec, r, found.get(r.id)) for r in rows]


def one_out(ctx: Ctx, spec: RecordKind, record: Any) -> Any:
    """One record as the API answers it, with its tag names where the answer has them."""
    tags = tags_of(ctx, spec.kind, [record.id]).get(record.id) if _tagged(spec) else None
    return out(ctx, spec, record, tags)


def run_bulk(ctx: Ctx, spec: RecordKind, data: Any) -> BulkResult:
    """A bulk operation on the selected ids, or on everything `q`/`f`/`view` match: the
    kind's own action (`RecordKind.bulk`) or assign, tag, set, delete, restore."""
    filters = filters_from(ctx, data.f, data.view)
    query = spec.query(ctx, q=data.q, filters=filters, deleted=data.action == "restore")
    ids = bulk.selected_ids(ctx, spec, query, data.ids)
    count = spec.bulk(ctx, data, ids) if spec.bulk is not None else None
    if count is None:
        if data.action == "assign":
            count = bulk.assign(ctx, spec, ids, data.owner_id)
        elif data.action == "tag":
            count = bulk.tag(ctx, spec, ids, data.add_tags, data.remove_tags)
        elif data.action == "set":
            count = bulk.set_field(ctx, spec, spec.columns(ctx), ids, data.field, data.value)
        elif data.action == "delete":
            count = bulk.delete(ctx, spec, ids)
        else:
            count = bulk.restore(ctx, spec, ids)
    return BulkResult(action=data.action, count=count)


def columns_out(ctx: Ctx, spec: RecordKind) -> list[ColumnOut]:
    """What the kind's list can show, filter and sort by (custom fields included)."""
    require(ctx.user, spec.module, "view")
    return [
        ColumnOut(
            key=c.key,
            label_zh=c.label_zh,
            label_en=c.label_en,
            type=c.type,
            choices=list(c.choice_keys),
            sortable=c.sortable and c.expr is not None,
            default=c.default,
            choice_labels=[
                ChoiceOut(key=key, label_zh=zh, label_en=en)
                for key, zh, en in choice_options(spec.kind, c)
            ],
        )
        for c in spec.columns(ctx).values()
    ]


def _handler(
    name: str, doc: str, run: Callable[..., Any], returns: Any, **params: tuple[Any, Any]
) -> Callable[..., Any]:
    """A route handler function named `name` whose signature is `params` (name ->
    (annotation, default)): litestar reads parameters and schemas from it."""

    def handler(**kwargs: Any) -> Any:
        return run(**kwargs)

    parameters = [
        inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=hint, default=default)
        for key, (hint, default) in params.items()
    ]
    handler.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    handler.__annotations__ = {key: hint for key, (hint, _) in params.items()} | {"return": returns}
    handler.__name__ = handler.__qualname__ = name
    handler.__doc__ = doc
    return handler


def kind_routes(spec: RecordKind) -> list[HTTPRouteHandler]:
    """The route handlers of one kind's JSON API."""
    kind, plural = spec.kind, spec.plural
    base = f"/api/v1/{plural}"
    one = f"{base}/{{{kind}_id:int}}"
    key = f"{kind}_id"
    label = spec.label_en.lower()
    Page = page_schema(spec.out_schema)  # noqa: N806 - a class
    ctx_param = (RequestCtx, NO_DEFAULT)
    path_param = (FromPath[int], NO_DEFAULT)
    tags = [plural]

    def list_records(
        ctx: Ctx,
        page: int,
        page_size: int,
        q: str,
        sort: str,
        f: list[str] | None,
        view: int | None,
        deleted: bool,
        exact: bool,
        **params: Any,
    ) -> Any:
        filters = filters_from(ctx, f, view)
        rows, total = listed(
            ctx,
            spec,
            page=page,
            page_size=page_size,
            q=q,
            sort=sort,
            filters=filters,
            deleted=deleted,
            params=params,
            exact=exact,
        )
        items = outs(ctx, spec, rows)
        return Page(
            items=items,
            total=total.count,
            total_exact=total.exact,
            page=page,
            page_size=page_size,
        )

    own_params = {
        param.name: (param.type, Parameter(default=param.default, description=param.description))
        for param in spec.list_params
    }

    handlers = [
        get(base, sync_to_thread=True, tags=tags)(
            _handler(
                f"list_{plural.replace('-', '_')}",
                f"{spec.label_en} in scope, a page at a time; `f=field:op:value` filters "
                "(repeatable), `view=` a saved view or segment, `deleted=true` the recycle bin. "
                "Past 10,000 records (`KHT_LIST_EXACT_COUNT_LIMIT`) `total` is an estimate "
                "(`total_exact` false) unless `exact=true`.",
                list_records,
                Page,
                ctx=ctx_param,
                page=(int, Parameter(ge=1, default=1)),
                page_size=(int, Parameter(ge=1, le=500, default=50)),
                q=(str, Parameter(default="", description="quick search")),
                sort=(str, Parameter(default=spec.default_sort, description="column, -desc")),
                f=(
                    list[str] | None,
                    Parameter(default=None, description="filters as field:op:value"),
                ),
                view=(int | None, Parameter(default=None, description="a saved view's id")),
                deleted=(bool, Parameter(default=False)),
                exact=(
                    bool,
                    Parameter(default=False, description="count the total exactly"),
                ),
                **own_params,
            )
        ),
        post(base, sync_to_thread=True, tags=tags)(
            _handler(
                f"create_{kind}",
                f"Create a {label} owned by the caller; 422 names a bad field.",
                lambda ctx, data: one_out(ctx, spec, spec.create(ctx, data)),
                spec.out_schema,
                ctx=ctx_param,
                data=(JSONBody[spec.create_schema], NO_DEFAULT),
            )
        ),
        get(one, sync_to_thread=True, tags=tags)(
            _handler(
                f"get_{kind}",
                f"One {label} in scope (404 when missing, deleted or out of scope).",
                lambda ctx, **path: one_out(ctx, spec, spec.get(ctx, path[key])),
                spec.out_schema,
                ctx=ctx_param,
                **{key: path_param},
            )
        ),
        patch(one, sync_to_thread=True, tags=tags)(
            _handler(
                f"update_{kind}",
                "A partial update; a stale `version` is a 409 and changes nothing.",
                lambda ctx, data, **path: one_out(ctx, spec, spec.update(ctx, path[key], data)),
                spec.out_schema,
                ctx=ctx_param,
                data=(JSONBody[spec.update_schema], NO_DEFAULT),
                **{key: path_param},
            )
        ),
        delete(one, sync_to_thread=True, tags=tags)(
            _handler(
                f"delete_{kind}",
                "Move to the recycle bin (`POST /{id}/restore` brings it back).",
                lambda ctx, **path: spec.delete(ctx, path[key]),
                None,
                ctx=ctx_param,
                **{key: path_param},
            )
        ),
        post(f"{one}/restore", sync_to_thread=True, tags=tags, status_code=200)(
            _handler(
                f"restore_{kind}",
                "Bring it back from the recycle bin (409 when it is not there).",
                lambda ctx, **path: one_out(ctx, spec, spec.restore(ctx, path[key])),
                spec.out_schema,
                ctx=ctx_param,
                **{key: path_param},
            )
        ),
    ]
    if spec.columns is not None and spec.query is not None:
        handlers += [
            get(f"{base}/columns", sync_to_thread=True, tags=tags)(
                _handler(
                    "columns",
                    f"What a {label} list can show, filter and sort by (custom fields included).",
                    lambda ctx: columns_out(ctx, spec),
                    list[ColumnOut],
                    ctx=ctx_param,
                )
            ),
            post(f"{base}/bulk", sync_to_thread=True, tags=tags)(
                _handler(
                    "bulk_operation",
                    "Act on a selection (`ids`) or on everything `q`/`f`/`view` match.",
                    lambda ctx, data: run_bulk(ctx, spec, data),
                    BulkResult,
                    ctx=ctx_param,
                    data=(JSONBody[spec.bulk_schema or BulkRequest], NO_DEFAULT),
                )
            ),
        ]
    return handlers


def record_routes(kinds: Iterable[RecordKind]) -> list[Any]:
    """The JSON API of every kind that declares one, and the export routes (API and page)
    of every kind with a list."""
    from kht.exporting.api import export_controller
    from kht.exporting.service import exportable
    from kht.exporting.views import export_page

    routes: list[Any] = []
    for spec in kinds:
        if has_api(spec):
            routes += kind_routes(spec)
        if exportable(spec):
            routes += [export_controller(spec.plural), export_page(spec.plural)]
    return routes

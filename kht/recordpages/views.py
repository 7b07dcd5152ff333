"""The list, form and detail pages of every record kind that declares `pages`.

`kind_routes(spec)` builds the handlers from the declaration; kht.web.app adds them for each
declared kind. A kind's own routes (a lead's convert page, a contact's move) stay in its
folder next to the templates that override blocks of "records/*.html".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from kht import record_service as records
from kht.auth.permissions import require
from kht.contacts.ui import record_panels, text, to_struct
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, ValidationError
from kht.fields import fields_for
from kht.lists.bulk import owner_choices
from kht.lists.ui import ListState, list_context
from kht.plugin_types import RecordAction, RecordKind
from kht.recordpages.forms import (
    detail_fields,
    form_fields,
    new_values,
    record_values,
    submitted,
    title_field,
)
from kht.recordpages.shown import Shown, record_shown, run_time_labels
from kht.records import completed
from kht.tags.service import tags_of
from kht.web.pages import render


def has_pages(spec: RecordKind) -> bool:
    """Whether the kind declares enough for the shared pages."""
    return bool(spec.pages and spec.plural)


def get_record(ctx: Ctx, spec: RecordKind, record_id: int) -> Any:
    """One record in scope, or NotFound (the kind's `get`, else the generic one)."""
    return completed(spec).get(ctx, record_id)


def _extra(spec: RecordKind, name: str, ctx: Ctx, value: Any) -> dict[str, Any]:
    hook = getattr(spec.pages, name)
    return dict(hook(ctx, value)) if hook else {}


def _choice_refs(spec: RecordKind, language: str) -> dict[str, dict[str, str]]:
    """Labels of the declared choice fields, for the list cells and the stage chips."""
    refs = {}
    for field in spec.fields:
        labelled = [c for c in field.choices if hasattr(c, "label")]
        if labelled:
            refs[field.name] = {c.key: c.label(language) for c in labelled}
    return refs


def list_page(request: Request, ctx: Ctx, spec: RecordKind) -> Template:
    """The kind's records in scope on the shared list page (a long list's total estimated,
    `?exact=1` counts it: kht.lists.counting)."""
    pages = spec.pages
    assert pages is not None
    base = f"/{spec.plural}"
    state = ListState.from_query(request.query_params)
    if "sort" not in request.query_params:
        state.sort = spec.default_sort
    for name in pages.list_filters:
        if request.query_params.get(name):
            state.f = [*state.f, f"{name}:eq:{request.query_params.get(name)}"]
    spec = completed(spec)
    rows, total = records.listed(
        ctx,
        spec,
        page=state.page,
        page_size=state.page_size,
        q=state.q,
        sort=state.sort,
        filters=state.filters(ctx),
        deleted=state.deleted,
        exact=state.exact,
    )
    columns = spec.columns(ctx)
    # Shared records (products) have no owner to filter on or to hand a selection to.
    owners = owner_choices(ctx) if "owner_id" in columns else []
    can_create = ctx.user is not None and ctx.user.can(spec.module, "create")
    extra = {
        "title": spec.label(ctx.language),
        "new_url": f"{base}/new" if can_create else "",
        "actions": [
            {"url": action.url, "label": action.label(ctx.language)}
            for action in pages.list_actions
        ],
        "row_url": lambda row: f"{base}/{row.id}",
        "people": dict(owners),
        "owners": owners,
        "tags": tags_of(ctx, spec.kind, [row.id for row in rows]),
        "refs": {
            **_choice_refs(spec, ctx.language),
            **run_time_labels(ctx, spec),
            **_customer_refs(ctx, rows),
        },
    }
    more = _extra(spec, "list_context", ctx, rows)
    extra["refs"] = {**extra["refs"], **more.pop("refs", {})}
    context = list_context(
        ctx,
        kind=spec.kind,
        base=base,
        state=state,
        columns=columns,
        rows=rows,
        total=total,
        extra={**extra, **more},
    )
    return render(request, ctx, "lists/list.html", **context)


def _customer_refs(ctx: Ctx, rows: list[Any]) -> dict[str, dict[Any, str]]:
    """The names of the customers a page of rows refers to (`customer_id`), as the detail
    page shows them: any kind with a customer reads as its customer's name, never an id (a
    customer the reader may not see keeps its id)."""
    if not rows or not hasattr(rows[0], "customer_id"):
        return {}
    from kht.contacts.service import customer_names

    return {"customer_id": customer_names(ctx, {row.customer_id for row in rows})}


def _with_refs(shown: Shown, more: dict[str, Any]) -> dict[str, Any]:
    """The kind's extra template values; its `refs` label references on the page."""
    for key, labels in more.pop("refs", {}).items():
        shown.labels[key] = {**shown.labels.get(key, {}), **labels}
    return more


def form_page(
    request: Request,
    ctx: Ctx,
    spec: RecordKind,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    record: Any = None,
    status_code: int = 200,
) -> Template:
    """The new or edit form (`record`) with the values shown and the errors beside them."""
    pages = spec.pages
    assert pages is not None
    base = f"/{spec.plural}"
    shown = Shown(ctx, spec, {})
    if pages.form_context:
        more = dict(pages.form_context(ctx, form, record))
    else:
        more = _extra(spec, "detail_context", ctx, record)
    context = {
        "spec": spec,
        "base": base,
        "record": record,
        "title": getattr(record, title_field(spec), "") if record else "",
        "action": f"{base}/{record.id}/edit" if record else f"{base}/new",
        "form": form,
        "errors": errors,
        "builtin": form_fields(spec),
        "fields": fields_for(ctx, spec.kind),
        "shown": shown,
    }
    context.update(_with_refs(shown, more))
    template = pages.form_template or "records/form.html"
    return render(request, ctx, template, status_code=status_code, **context)


def detail_page(
    request: Request,
    ctx: Ctx,
    spec: RecordKind,
    record_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """One record: fields, custom fields, buttons, panels, history (404 out of scope)."""
    pages = spec.pages
    assert pages is not None
    record = get_record(ctx, spec, record_id)
    shown, history = record_shown(ctx, spec, record)
    fields = fields_for(ctx, spec.kind)
    ext = record.ext or {}
    base = f"/{spec.plural}"
    actions: list[RecordAction] = [
        a
        for b in ctx.hook.kht_record_actions(ctx=ctx, kind=spec.kind, record=record)
        if b
        for a in b
    ]
    context = {
        "spec": spec,
        "pages": pages,
        "base": base,
        "record": record,
        "title": getattr(record, title_field(spec), ""),
        "shown": shown,
        "custom": [
            (f, shown.custom_value(f, ext.get(f.namespace, {}).get(f.name))) for f in fields
        ],
        "form": form or record_values(spec, record),
        "errors": errors or {},
        "builtin": form_fields(spec),
        "fields": fields,
        "panels": record_panels(ctx, spec.kind, record),
        "actions": actions,
        "history": history,
        "can_edit": records.may_change(ctx, spec, record, "edit"),
        "can_delete": records.may_change(ctx, spec, record, "delete"),
        "tz": ctx.zone,
    }
    context.update(_with_refs(shown, _extra(spec, "detail_context", ctx, record)))
    # The fields are read once the kind's references have their labels.
    shown_fields = [f for f in detail_fields(spec) if f.type != "long_text"]
    context["details"] = [
        (
            field,
            shown.value(field.name, getattr(record, field.name, None)),
            shown.link(field.name, getattr(record, field.name, None)),
        )
        for field in shown_fields
    ]
    context["texts"] = [
        (field, getattr(record, field.name, None))
        for field in detail_fields(spec)
        if field.type == "long_text"
    ]
    template = pages.detail_template or "records/detail.html"
    return render(request, ctx, template, status_code=status_code, **context)


def _version(data: dict[str, Any]) -> Any:
    raw = text(data, "version")
    return int(raw) if raw.isdigit() else raw


def _refused(exc: Conflict | ValidationError) -> dict[str, str]:
    """Where a refusal is shown: a stale version above the form, bad input by its field (a
    conflict of the record's state, such as a quote no longer a draft, by its field too)."""
    if isinstance(exc, Conflict) and exc.field in (None, "", "version"):
        return {"version": exc.message}
    return {exc.field or "": exc.message}


def refused_on_page(
    request: Request, ctx: Ctx, spec: RecordKind, record_id: int, exc: KhtError
) -> Template:
    """A button on the record's page refused (a stage gate, a stale version, a quote no
    longer a draft, a payment already removed): the page again, nothing saved, with why
    above it and the refusal's status (409, 422, 404)."""
    ctx.session.rollback()
    stale = isinstance(exc, Conflict) and exc.field in (None, "", "version")
    errors = {"version" if stale else "": exc.message}
    return detail_page(request, ctx, spec, record_id, errors=errors, status_code=exc.status)


def _own_values(ctx: Ctx, spec: RecordKind, data: dict[str, Any], record: Any) -> dict[str, Any]:
    """Values of the kind's own inputs (RecordPages.form_values), e.g. a quote's lines."""
    hook = spec.pages.form_values if spec.pages else None
    return dict(hook(ctx, data, record)) if hook else {}


def create(request: Request, ctx: Ctx, spec: RecordKind, data: dict[str, Any]) -> Any:
    """Create from the form; bad input shows the form again (422) with what was typed."""
    values = submitted(ctx, spec, data, spec.create_schema)
    try:
        values.update(_own_values(ctx, spec, data, None))
        record = completed(spec).create(ctx, to_struct(values, spec.create_schema, strict=False))
    except (Conflict, ValidationError) as exc:
        ctx.session.rollback()
        return form_page(request, ctx, spec, form=values, errors=_refused(exc), status_code=422)
    return Redirect(f"/{spec.plural}/{record.id}", status_code=303)


def save(request: Request, ctx: Ctx, spec: RecordKind, record_id: int, data: dict[str, Any]) -> Any:
    """Save the edit form with the version it was shown: stale (409) and bad input (422)
    show the form again with what was typed, nothing saved."""
    values = submitted(ctx, spec, data, spec.update_schema)
    version = _version(data)
    try:
        values.update(_own_values(ctx, spec, data, get_record(ctx, spec, record_id)))
        change = to_struct({**values, "version": version}, spec.update_schema, strict=False)
        completed(spec).update(ctx, record_id, change)
    except (Conflict, ValidationError) as exc:
        ctx.session.rollback()
        form = {**values, "version": version}
        assert spec.pages is not None
        if spec.pages.edit_on_page:
            return detail_page(
                request,
                ctx,
                spec,
                record_id,
                form=form,
                errors=_refused(exc),
                status_code=exc.status,
            )
        record = get_record(ctx, spec, record_id)
        return form_page(
            request,
            ctx,
            spec,
            form=form,
            errors=_refused(exc),
            record=record,
            status_code=exc.status,
        )
    return Redirect(f"/{spec.plural}/{record_id}", status_code=303)


def kind_routes(spec: RecordKind) -> list[Any]:
    """The page handlers of one kind (see kht.plugin_types.RecordPages for the URLs).

    The record's id is the path parameter `<kind>_id`, as in the kind's own routes and API.
    """
    base = f"/{spec.plural}"
    name = f"{spec.kind}_id"
    one = f"{base}/{{{name}:int}}"
    page = {"sync_to_thread": True, "include_in_schema": False}

    def record_id(request: Request) -> int:
        return int(request.path_params[name])

    @get(base, **page)
    def listed(request: Request, ctx: RequestCtx) -> Template:
        return list_page(request, ctx, spec)

    @get(f"{base}/new", **page)
    def new(request: Request, ctx: RequestCtx) -> Template:
        require(ctx.user, spec.module, "create")
        # The create schema's defaults, then what the link says (a contact's customer).
        given = {key: request.query_params.get(key) for key in request.query_params}
        more = spec.pages.new_values(ctx) if spec.pages and spec.pages.new_values else {}
        form = {**new_values(spec), **more, **given, "ext": {}}
        return form_page(request, ctx, spec, form=form, errors={})

    def created(
        request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
    ) -> Template | Redirect:
        return create(request, ctx, spec, data)

    @get(one, **page)
    def detail(request: Request, ctx: RequestCtx) -> Template:
        return detail_page(request, ctx, spec, record_id(request))

    @get(f"{one}/edit", **page)
    def edit(request: Request, ctx: RequestCtx) -> Template:
        record = get_record(ctx, spec, record_id(request))
        require(ctx.user, spec.module, "edit")
        form = record_values(spec, record)
        return form_page(request, ctx, spec, form=form, errors={}, record=record)

    def saved(
        request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
    ) -> Template | Redirect:
        return save(request, ctx, spec, record_id(request), data)

    @post(f"{one}/delete", **page)
    def deleted(request: Request, ctx: RequestCtx) -> Redirect:
        completed(spec).delete(ctx, record_id(request))
        return Redirect(base, status_code=303)

    own = spec.pages.own_pages if spec.pages else ()
    handlers: list[Any] = [listed]
    if "form" not in own:
        # One handler per path: litestar wraps a sync handler once per path it serves.
        handlers += [new, *[post(path, **page)(created) for path in (base, f"{base}/new")]]
        handlers += [edit, *[post(f"{one}{end}", **page)(saved) for end in ("", "/edit")]]
    if "detail" not in own:
        handlers += [detail, deleted]
    return handlers


def record_pages(kinds: Iterable[RecordKind]) -> list[Any]:
    """The page handlers of every declared kind with pages (of the enabled plugins, core
    modules included)."""
    return [handler for kind in kinds if has_pages(kind) for handler in kind_routes(kind)]

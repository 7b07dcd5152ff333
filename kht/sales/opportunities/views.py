"""Opportunity UI: the list, the kanban board, an opportunity's page, its form, moves."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Response, Template

from kht.auth.permissions import require
from kht.contacts.service import contact_choices, customer_names, find_contact
from kht.contacts.ui import ext_from_form, history_rows, text, to_struct
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, ValidationError
from kht.fields import fields_for
from kht.lists.bulk import owner_choices
from kht.plugin_types import RecordAction, RecordPages
from kht.products.service import line_names
from kht.sales.opportunities import service
from kht.sales.opportunities.models import Opportunity
from kht.sales.opportunities.schemas import OpportunityCreate, OpportunityUpdate
from kht.sales.processes import service as processes
from kht.web.i18n import N_, translations
from kht.web.pages import render

FIELD_LABELS = {
    "name": N_("Name"),
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "expected_close": N_("Expected close"),
    "stage_id": N_("Stage"),
    "status": N_("Status"),
    "probability": N_("Probability %"),
    "forecast_category": N_("Forecast category"),
    "competitors": N_("Competitors"),
    "source": N_("Source"),
    "contact_id": N_("Contact"),
    "product_line_id": N_("Product line"),
    "description": N_("Description"),
    "close_reason": N_("Close reason"),
    "closed_at": N_("Closed"),
    "stage_entered_at": N_("In stage since"),
    "owner_id": N_("Owner"),
}
PLAIN = ("name", "amount", "currency", "competitors", "source", "description", "forecast_category")
FORECAST = (
    ("pipeline", N_("Pipeline")),
    ("best_case", N_("Best case")),
    ("commit", N_("Commit")),
    ("omitted", N_("Omitted")),
)
STATUS_LABELS = {"open": N_("In progress"), "won": N_("Won"), "lost": N_("Lost")}
CHOICES = {"status": STATUS_LABELS, "forecast_category": dict(FORECAST)}


def _label(ctx: Ctx, item: Any) -> str:
    return item.name_zh if ctx.language.startswith("zh") else item.name_en


def _labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """Names of stages, product lines and processes, and the labels of the choices."""
    gettext = translations(ctx.language).gettext
    return {
        "stage_id": service.stage_names(ctx, ctx.language),
        "product_line_id": line_names(ctx),
        "process_id": {p.id: _label(ctx, p) for p in processes.list_processes(ctx)},
        **{key: {k: gettext(v) for k, v in labels.items()} for key, labels in CHOICES.items()},
    }


def _customers(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    return {"refs": {"customer_id": customer_names(ctx, {row.customer_id for row in rows})}}


# The list is the shared one; the form and the page are still the opportunity's own.
PAGES = RecordPages(
    list_actions=(
        RecordAction(
            key="board", label_zh="销售看板", label_en="Pipeline board", url="/opportunities/board"
        ),
    ),
    labels=_labels,
    list_context=_customers,
    own_pages=("form", "detail"),
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


@get("/opportunities/board", sync_to_thread=True, include_in_schema=False)
def board_page(
    request: Request,
    ctx: RequestCtx,
    process: FromQuery[int | None] = None,
    mine: FromQuery[bool] = False,
) -> Template:
    """The kanban board: drag a card to another stage (gates and versions are checked)."""
    filters = []
    if mine and ctx.user is not None:
        from kht.lists.engine import Filter

        filters.append(Filter(field="owner_id", op="eq", value=ctx.user.id))
    board = service.board(ctx, process, filters=filters)
    return render(
        request,
        ctx,
        "opportunities/board.html",
        board=board,
        processes=processes.list_processes(ctx, active_only=True),
        people=dict(owner_choices(ctx)),
        mine=mine,
        can_edit=ctx.user is not None and ctx.user.can(service.MODULE, "edit"),
    )


@post(
    "/opportunities/{opportunity_id:int}/move",
    sync_to_thread=True,
    include_in_schema=False,
    status_code=200,
)
def move_from_board(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Response[dict[str, Any]]:
    """A card dropped on the board: JSON back, so the page can keep or undo the move."""
    stage_id, version = text(data, "stage_id"), text(data, "version")
    reason, reopen = text(data, "reason"), text(data, "reopen") == "1"
    try:
        if not stage_id.isdigit() or not version.isdigit():
            raise ValidationError("stage_id and version must be numbers", "stage_id")
        target = processes.stage_of(ctx, int(stage_id))
        if target.outcome == "lost":
            moved = service.close_opportunity(
                ctx, opportunity_id, won=False, reason=reason, version=int(version), reopen=reopen
            )
        else:
            moved = service.move_stage(
                ctx,
                opportunity_id,
                int(stage_id),
                version=int(version),
                cause=reason,
                reopen=reopen,
            )
    except KhtError as exc:
        ctx.session.rollback()
        body = {"ok": False, "message": exc.message, "field": exc.field}
        return Response(body, status_code=exc.status)
    return Response({"ok": True, "version": moved.version, "probability": moved.probability})


def _stage_rows(ctx: Ctx, opportunity: Opportunity) -> list[dict[str, Any]]:
    process = processes.get_process(ctx, opportunity.process_id)
    current = processes.stage_of(ctx, opportunity.stage_id)
    return [
        {
            "stage": stage,
            "current": stage.id == current.id,
            "passed": stage.outcome == "open" and stage.position < current.position,
        }
        for stage in process.stages
        if stage.active or stage.id == current.id
    ]


@get("/opportunities/{opportunity_id:int}", sync_to_thread=True, include_in_schema=False)
def opportunity_page(request: Request, ctx: RequestCtx, opportunity_id: FromPath[int]) -> Template:
    """One opportunity: its fields, stage path, stage history, panels and history."""
    opportunity = service.get_opportunity(ctx, opportunity_id)
    hook = ctx.hook
    panels = sorted(
        (
            p
            for b in hook.kht_record_panels(ctx=ctx, kind=service.KIND, record=opportunity)
            if b
            for p in b
        ),
        key=lambda panel: (panel.order, panel.key),
    )
    actions = [
        a
        for b in hook.kht_record_actions(ctx=ctx, kind=service.KIND, record=opportunity)
        if b
        for a in b
    ]
    # Like the customer's name: shown only when the caller may see the contact.
    contact = find_contact(ctx, opportunity.contact_id) if opportunity.contact_id else None
    fields = fields_for(ctx, service.KIND)
    ext = opportunity.ext or {}
    people = dict(owner_choices(ctx))
    return render(
        request,
        ctx,
        "opportunities/detail.html",
        o=opportunity,
        customer=customer_names(ctx, {opportunity.customer_id}).get(opportunity.customer_id, ""),
        contact=contact,
        owner=people.get(opportunity.owner_id or 0, "—"),
        people=people,
        line=line_names(ctx).get(opportunity.product_line_id or 0, "—"),
        process=processes.get_process(ctx, opportunity.process_id),
        stages=_stage_rows(ctx, opportunity),
        stays=service.stage_history(ctx, opportunity.id),
        custom=[(f, f.shown(ext.get(f.namespace, {}).get(f.name), ctx.language)) for f in fields],
        panels=panels,
        actions=actions,
        history=history_rows(ctx, service.KIND, opportunity.id, FIELD_LABELS, CHOICES),
        can_edit=ctx.user is not None and ctx.user.can(service.MODULE, "edit"),
        forecast=dict(FORECAST),
        tz=ctx.zone,
        notice=request.query_params.get("notice", ""),
    )


@post("/opportunities/{opportunity_id:int}/stage", sync_to_thread=True, include_in_schema=False)
def move_from_page(
    request: Request,
    ctx: RequestCtx,
    opportunity_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """The stage buttons and the close form on the opportunity's page."""
    action, version = text(data, "action"), text(data, "version")
    reopen = text(data, "reopen") == "1"  # the page asked "reopen?" for a closed one
    try:
        if not version.isdigit():
            raise ValidationError("version must be a number", "version")
        if action in ("won", "lost"):
            service.close_opportunity(
                ctx,
                opportunity_id,
                won=action == "won",
                reason=text(data, "reason"),
                version=int(version),
                reopen=reopen,
            )
        else:
            stage_id = text(data, "stage_id")
            if not stage_id.isdigit():
                raise ValidationError("choose a stage", "stage_id")
            service.move_stage(
                ctx, opportunity_id, int(stage_id), version=int(version), reopen=reopen
            )
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        page = opportunity_page.fn(request, ctx, opportunity_id)
        page.context["error"] = exc.message
        page.status_code = exc.status
        return page
    return Redirect(f"/opportunities/{opportunity_id}", status_code=303)


def _form_values(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {key: text(data, key) for key in PLAIN}
    values["amount"] = values["amount"] or "0"
    values["currency"] = values["currency"] or "CNY"
    values["forecast_category"] = values["forecast_category"] or "pipeline"
    for key in ("contact_id", "product_line_id", "customer_id", "process_id"):
        raw = text(data, key)
        values[key] = int(raw) if raw.isdigit() else None
    close = text(data, "expected_close")
    try:
        values["expected_close"] = date.fromisoformat(close) if close else None
    except ValueError:
        raise ValidationError(
            "expected close must look like YYYY-MM-DD", "expected_close"
        ) from None
    values["ext"] = ext_from_form(fields_for(ctx, service.KIND), data)
    return values


def _form(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    opportunity: Opportunity | None = None,
    status_code: int = 200,
) -> Template:
    customer_id = form.get("customer_id")
    return render(
        request,
        ctx,
        "opportunities/form.html",
        status_code=status_code,
        form=form,
        errors=errors,
        opportunity=opportunity,
        customer=customer_names(ctx, {customer_id}).get(customer_id or 0, ""),
        contacts=contact_choices(ctx, customer_id),
        lines=line_names(ctx),
        processes=processes.list_processes(ctx, active_only=True),
        forecast=FORECAST,
        fields=fields_for(ctx, service.KIND),
    )


@get("/opportunities/new", sync_to_thread=True, include_in_schema=False)
def new_opportunity(
    request: Request, ctx: RequestCtx, customer_id: FromQuery[int | None] = None
) -> Template:
    require(ctx.user, service.MODULE, "create")
    form = {"customer_id": customer_id, "amount": "0.00", "currency": "CNY", "ext": {}}
    return _form(request, ctx, form=form, errors={})


@post("/opportunities/new", sync_to_thread=True, include_in_schema=False)
def create_opportunity(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    form: dict[str, Any] = {key: text(data, key) for key in PLAIN}
    try:
        values = form = _form_values(ctx, data)
        if values["customer_id"] is None:
            raise ValidationError("choose a customer", "customer_id")
        created = service.create_opportunity(ctx, to_struct(values, OpportunityCreate))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        errors = {exc.field or "": exc.message}
        return _form(request, ctx, form=form, errors=errors, status_code=exc.status)
    return Redirect(f"/opportunities/{created.id}", status_code=303)


@get("/opportunities/{opportunity_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def edit_opportunity(request: Request, ctx: RequestCtx, opportunity_id: FromPath[int]) -> Template:
    o = service.get_opportunity(ctx, opportunity_id)
    form = {key: getattr(o, key) for key in PLAIN}
    form.update(
        customer_id=o.customer_id,
        contact_id=o.contact_id,
        product_line_id=o.product_line_id,
        expected_close=o.expected_close,
        ext=o.ext or {},
        version=o.version,
    )
    return _form(request, ctx, form=form, errors={}, opportunity=o)


@post("/opportunities/{opportunity_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def update_opportunity(
    request: Request,
    ctx: RequestCtx,
    opportunity_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the form; it carries the version it was shown, so a stale save gets 409."""
    o = service.get_opportunity(ctx, opportunity_id)
    version = text(data, "version")
    form: dict[str, Any] = {key: text(data, key) for key in PLAIN}
    try:
        values = form = _form_values(ctx, data)
        values.pop("customer_id", None)
        values.pop("process_id", None)
        change = to_struct(
            {**values, "version": int(version) if version.isdigit() else -1}, OpportunityUpdate
        )
        service.update_opportunity(ctx, opportunity_id, change)
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        form.update(customer_id=o.customer_id, version=version)
        errors = {exc.field or "": exc.message}
        return _form(request, ctx, form=form, errors=errors, opportunity=o, status_code=exc.status)
    return Redirect(f"/opportunities/{opportunity_id}", status_code=303)


@get("/opportunities/customer-options", sync_to_thread=True, include_in_schema=False)
def customer_options(ctx: RequestCtx, q: FromQuery[str] = "") -> list[dict[str, Any]]:
    """Customers in the user's scope whose name matches `q` (the form's picker)."""
    from kht.customers.service import list_customers

    rows, _ = list_customers(ctx, q=q, page_size=20)
    return [{"id": row.id, "name": row.name} for row in rows]


def customer_panel_context(ctx: Ctx, customer: Any) -> dict[str, Any]:
    """The customer's opportunities (in scope), open first."""
    from kht.lists.engine import Filter

    rows, total = service.list_opportunities(
        ctx,
        page_size=20,
        sort="status",
        filters=[Filter(field="customer_id", op="eq", value=customer.id)],
    )
    return {
        "opportunities": rows,
        "total": total,
        "stage_names": service.stage_names(ctx, ctx.language),
        "customer_id": customer.id,
    }


ROUTES = [
    customer_options,
    board_page,
    move_from_board,
    opportunity_page,
    move_from_page,
    new_opportunity,
    create_opportunity,
    edit_opportunity,
    update_opportunity,
]

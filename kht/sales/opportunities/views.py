"""Opportunity UI: the shared record pages (kht.recordpages) with the opportunity's own
blocks (stage path, close form, stage history, the customer and process of a new one), the
kanban board and the stage moves."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Response, Template

from kht.contacts.service import contact_choices, customer_names
from kht.contacts.ui import text
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, ValidationError
from kht.lists.bulk import owner_choices
from kht.plugin_types import RecordAction, RecordPages
from kht.products.service import line_names
from kht.recordpages.views import refused_on_page
from kht.sales.opportunities import service
from kht.sales.opportunities.models import Opportunity
from kht.sales.pages import customer_of, customer_options, references
from kht.sales.processes import service as processes
from kht.web.i18n import N_, translations
from kht.web.pages import render

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


def _detail(ctx: Ctx, opportunity: Opportunity) -> dict[str, Any]:
    """The stage path and the stays in stages; the contact's name where the reader may see
    it (like the customer's)."""
    return {
        "refs": references(ctx, opportunity),
        "process": processes.get_process(ctx, opportunity.process_id),
        "stages": _stage_rows(ctx, opportunity),
        "stays": service.stage_history(ctx, opportunity.id),
        "people": dict(owner_choices(ctx)),
        # a plugin's close form (a project's listed reasons and winner) replaces the core's
        "close_form": ctx.hook.kht_record_close_form(
            ctx=ctx, kind="opportunity", record=opportunity
        ),
    }


def _form(ctx: Ctx, form: dict[str, Any], opportunity: Opportunity | None) -> dict[str, Any]:
    """The customer picker (a new one), the customer's contacts, the processes to start in."""
    customer_id = customer_of(form, opportunity)
    return {
        "refs": {"contact_id": dict(contact_choices(ctx, customer_id))},
        "customer": customer_names(ctx, {customer_id}).get(customer_id or 0, ""),
        "processes": processes.list_processes(ctx, active_only=True),
    }


# The shared list, form and page; the stage path, the close form and the stage history are
# the opportunity's own blocks (opportunities/detail.html), the customer picker and the
# process of a new one its form's (opportunities/form.html).
PAGES = RecordPages(
    badge="status",
    list_actions=(
        RecordAction(
            key="board", label_zh="销售看板", label_en="Pipeline board", url="/opportunities/board"
        ),
    ),
    labels=_labels,
    detail_context=_detail,
    form_context=_form,
    form_template="opportunities/form.html",
    detail_template="opportunities/detail.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


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
        return refused_on_page(request, ctx, SPEC, opportunity_id, exc)
    return Redirect(f"/opportunities/{opportunity_id}", status_code=303)


def customer_panel_context(ctx: Ctx, kind: str, customer: Any) -> dict[str, Any]:
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
    customer_options("/opportunities/customer-options"),
    board_page,
    move_from_board,
    move_from_page,
]

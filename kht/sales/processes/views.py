"""Sales process administration pages: the processes, and one process with its stages."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht.actions.service import TYPE_LABELS as ACTION_TYPE_LABELS
from kht.auth.models import Role
from kht.auth.permissions import require
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, ValidationError
from kht.processes.gates import gate_fields
from kht.products.service import line_names
from kht.sales.processes import service
from kht.sales.processes.schemas import ProcessIn
from kht.web.pages import render

BLANK_ROWS = 2


def _many(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    return [
        str(v).strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip()
    ]


def _one(data: dict[str, Any], key: str) -> str:
    values = _many(data, key)
    return values[-1] if values else ""


def _stages_from(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for index in sorted(
        {
            int(k.split("-")[1])
            for k in data
            if k.startswith("s-") and k.count("-") >= 2 and k.split("-")[1].isdigit()
        }
    ):
        prefix = f"s-{index}-"
        key = _one(data, prefix + "key")
        if not key:
            continue
        position = _one(data, prefix + "position")
        probability = _one(data, prefix + "probability")
        rows.append(
            (
                int(position) if position.isdigit() else 1000 + index,
                index,
                {
                    "key": key,
                    "name_zh": _one(data, prefix + "name_zh"),
                    "name_en": _one(data, prefix + "name_en"),
                    "probability": int(probability) if probability.isdigit() else -1,
                    "outcome": _one(data, prefix + "outcome") or "open",
                    "required_actions": _many(data, prefix + "required_actions"),
                    "required_fields": [
                        f.strip()
                        for f in _one(data, prefix + "required_fields").split(",")
                        if f.strip()
                    ],
                    "approval_role": _one(data, prefix + "approval_role"),
                    "active": bool(_one(data, prefix + "active")),
                },
            )
        )
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _form_input(data: dict[str, Any]) -> dict[str, Any]:
    version = _one(data, "version")
    return {
        "key": _one(data, "key"),
        "kind": _one(data, "kind") or "opportunity",
        "name_zh": _one(data, "name_zh"),
        "name_en": _one(data, "name_en"),
        "description": _one(data, "description"),
        "is_default": bool(_one(data, "is_default")),
        "active": bool(_one(data, "active")),
        "product_line_ids": [int(v) for v in _many(data, "product_line_ids") if v.isdigit()],
        "version": int(version) if version.isdigit() else None,
        "stages": _stages_from(data),
    }


def _to_process(raw: dict[str, Any]) -> ProcessIn:
    try:
        return msgspec.convert(raw, ProcessIn)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.rsplit("$.", 1)[-1].rstrip("`").split("[")[0] if "$." in message else ""
        raise ValidationError(message, field or None) from None


def _edit_page(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any],
    process_id: int | None,
    error: str = "",
    status_code: int = 200,
) -> Template:
    return render(
        request,
        ctx,
        "processes/edit.html",
        status_code=status_code,
        form=form,
        process_id=process_id,
        error=error,
        lines=line_names(ctx),
        action_types=service.ACTION_TYPES,
        action_labels=dict(ACTION_TYPE_LABELS),
        gate_fields=_gate_fields(ctx, form.get("kind") or "opportunity"),
        kinds=_kinds(request, ctx),
        roles=_roles(request, ctx),
        blank_rows=BLANK_ROWS,
    )


def _kinds(request: Request, ctx: Ctx) -> dict[str, str]:
    """The record kinds that have processes, by their label in the user's language."""
    language = ctx.user.language if ctx.user else "zh_CN"
    return {name: kind.label(language) for name, kind in service.process_kinds(ctx).items()}


def _roles(request: Request, ctx: Ctx) -> dict[str, str]:
    language = ctx.user.language if ctx.user else "zh_CN"
    rows = ctx.session.scalars(select(Role).order_by(Role.id))
    return {role.key: role.name(language) for role in rows}


def _require_admin(ctx: Ctx) -> None:
    """Administrators of any kind that has processes may open these pages; saving a process
    checks the module of its own kind."""
    modules = {kind.module for kind in service.process_kinds(ctx).values()}
    if not any(ctx.user is not None and ctx.user.can(m, "admin") for m in modules):
        require(ctx.user, service.MODULE, "admin")


def _gate_fields(ctx: Ctx, kind: str) -> tuple[str, ...]:
    try:
        return gate_fields(ctx, kind)
    except KhtError:
        return ()


@get("/admin/processes", sync_to_thread=True, include_in_schema=False)
def process_list(request: Request, ctx: RequestCtx) -> Template:
    """Every sales process with its stages at a glance."""
    _require_admin(ctx)
    return render(
        request,
        ctx,
        "processes/list.html",
        processes=service.list_processes(ctx),
        kinds=_kinds(request, ctx),
        lines=line_names(ctx),
        product_lines={
            p.id: service.product_lines_of(ctx, p.id) for p in service.list_processes(ctx)
        },
    )


@get("/admin/processes/new", sync_to_thread=True, include_in_schema=False)
def new_process(request: Request, ctx: RequestCtx) -> Template:
    _require_admin(ctx)
    stages = [
        {
            "key": s.key,
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "probability": s.probability,
            "outcome": s.outcome,
            "required_actions": [],
            "required_fields": [],
            "approval_role": "",
            "active": True,
        }
        for s in service.CORE_PROCESS.stages
    ]
    form = {
        "key": "",
        "kind": "opportunity",
        "name_zh": "",
        "name_en": "",
        "description": "",
        "is_default": False,
        "active": True,
        "product_line_ids": [],
        "stages": stages,
    }
    return _edit_page(request, ctx, form=form, process_id=None)


@post("/admin/processes/new", sync_to_thread=True, include_in_schema=False)
def create_process(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    form = _form_input(data)
    try:
        process = service.create_process(ctx, _to_process(form))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        return _edit_page(
            request, ctx, form=form, process_id=None, error=exc.message, status_code=exc.status
        )
    return Redirect(f"/admin/processes/{process.id}?saved=1", status_code=303)


@get("/admin/processes/{process_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_process(request: Request, ctx: RequestCtx, process_id: FromPath[int]) -> Template:
    _require_admin(ctx)
    process = service.get_process(ctx, process_id)
    form = service.process_input(process, service.product_lines_of(ctx, process_id))
    page = _edit_page(request, ctx, form=form, process_id=process_id)
    page.context["saved"] = request.query_params.get("saved") == "1"
    return page


@post("/admin/processes/{process_id:int}", sync_to_thread=True, include_in_schema=False)
def save_process(
    request: Request,
    ctx: RequestCtx,
    process_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the process; a stale version (someone else saved first) is a 409."""
    form = _form_input(data)
    try:
        service.update_process(ctx, process_id, _to_process(form))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        return _edit_page(
            request,
            ctx,
            form=form,
            process_id=process_id,
            error=exc.message,
            status_code=exc.status,
        )
    return Redirect(f"/admin/processes/{process_id}?saved=1", status_code=303)


ROUTES = [process_list, new_process, create_process, edit_process, save_process]

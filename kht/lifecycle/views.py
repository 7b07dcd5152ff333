"""Lifecycle UI: the stage form of a customer's panel, and the admin page of stages and moves."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.context import RequestCtx
from kht.errors import KhtError, ValidationError
from kht.lifecycle import config, service
from kht.lifecycle.schemas import LifecycleConfig
from kht.web.i18n import N_
from kht.web.pages import render

NOTICES = {"saved": N_("The lifecycle has been saved.")}
# Service messages the admin page shows, so the catalog translates them.
MESSAGES = (
    N_("at least one stage must stay active"),
    N_("a new stage needs a key (a-z, 0-9, _) and both labels"),
)


def _many(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    return [str(v).strip() for v in (value if isinstance(value, list) else [value])]


def _one(data: dict[str, Any], key: str) -> str:
    values = _many(data, key)
    return values[-1] if values else ""


def _back(data: dict[str, Any], default: str) -> str:
    target = _one(data, "next")
    return target if target.startswith("/") and not target.startswith("//") else default


@post("/customers/{customer_id:int}/stage", sync_to_thread=True, include_in_schema=False)
def move_from_panel(
    ctx: RequestCtx, customer_id: FromPath[int], data: URLEncodedBody[dict]
) -> Redirect:
    """The stage form on a customer page; a refused move shows the error page (422/409)."""
    version = _one(data, "version")
    if not version.isdigit():
        raise ValidationError("version must be a number", "version")
    service.change_stage(
        ctx, "customer", customer_id, _one(data, "to_stage"), _one(data, "cause"), int(version)
    )
    return Redirect(_back(data, f"/customers/{customer_id}"), status_code=303)


# ---- admin -------------------------------------------------------------------------------------


def _admin_page(request: Request, ctx: RequestCtx, **values: Any) -> Template:
    require(ctx.user, "customers", "admin")
    current = config.get_config(ctx)
    return render(
        request,
        ctx,
        "lifecycle/admin.html",
        stages=current.stages,
        moves={(t.from_stage, t.to_stage) for t in current.transitions},
        notice=NOTICES.get(request.query_params.get("done", "")),
        **values,
    )


@get("/admin/lifecycle", sync_to_thread=True, include_in_schema=False)
def admin_page(request: Request, ctx: RequestCtx) -> Template:
    """Stages (labels, order, in use) and the matrix of allowed moves."""
    return _admin_page(request, ctx)


def _new_stage(data: dict[str, Any]) -> dict[str, Any] | None:
    key, zh, en = (_one(data, f"new_{name}") for name in ("key", "label_zh", "label_en"))
    if not (key or zh or en):
        return None
    if not (key and zh and en):
        raise ValidationError("a new stage needs a key (a-z, 0-9, _) and both labels", "new_key")
    position = _one(data, "new_position")
    return {
        "key": key.lower(),
        "label_zh": zh,
        "label_en": en,
        "position": int(position) if position.isdigit() else 0,
        "active": True,
    }


def _form_config(data: dict[str, Any]) -> LifecycleConfig:
    """The submitted page as a configuration (the same checks as the API's PUT)."""
    stages = []
    for key in _many(data, "stage"):
        position = _one(data, f"position.{key}")
        stages.append(
            {
                "key": key,
                "label_zh": _one(data, f"label_zh.{key}"),
                "label_en": _one(data, f"label_en.{key}"),
                "position": int(position) if position.isdigit() else 0,
                "active": bool(_one(data, f"active.{key}")),
            }
        )
    added = _new_stage(data)
    stages += [added] if added else []
    moves = [move.split(">", 1) for move in _many(data, "move") if ">" in move]
    values = {"stages": stages, "transitions": [{"from_stage": a, "to_stage": b} for a, b in moves]}
    try:
        return msgspec.convert(values, LifecycleConfig)
    except msgspec.ValidationError as exc:
        raise ValidationError(str(exc), "stages") from None


@post("/admin/lifecycle", sync_to_thread=True, include_in_schema=False)
def save_admin(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]
) -> Template | Redirect:
    try:
        config.save_config(ctx, _form_config(data))
    except ValidationError as exc:
        ctx.session.rollback()
        return _admin_page(request, ctx, status_code=exc.status, error=exc.message)
    return Redirect("/admin/lifecycle?done=saved", status_code=303)


def panel_context(ctx: RequestCtx, record: Any) -> dict[str, Any]:
    """What the lifecycle panel of a customer page shows (see templates/lifecycle/panel.html)."""
    labels = {stage.key: stage.label(ctx.language) for stage in service.stages(ctx)}
    try:
        history = service.stage_history(ctx, "customer", record.id)
    except KhtError:
        history = []
    return {
        "record_id": record.id,
        "version": record.version,
        "stage": labels.get(record.stage, record.stage),
        "labels": labels,
        "next": [(s.key, s.label(ctx.language)) for s in service.next_stages(ctx, record.stage)],
        "history": [
            {
                "stage": labels.get(entry.stage, entry.stage),
                "entered_at": entry.entered_at,
                "days": f"{entry.seconds / 86400:.1f}",
                "current": entry.left_at is None,
                "cause": entry.cause,
            }
            for entry in reversed(history)
        ],
        "can_move": ctx.user is not None and ctx.user.can("customers", "edit"),
    }


ROUTES = [move_from_panel, admin_page, save_admin]

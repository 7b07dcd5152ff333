"""The generated settings page of every declared owner, /admin/settings/<owner>: a form
built from the Struct's fields, saved through the settings service."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.context import RequestCtx
from kht.errors import Conflict, Forbidden, ValidationError
from kht.settings import form, service
from kht.web.pages import render

URL = "/admin/settings"


def page_url(owner: str) -> str:
    """Where `owner`'s settings page is (for links from a pack's pages)."""
    return f"{URL}/{owner}"


def _page(request: Request, ctx: RequestCtx, owner: str, **values: Any) -> Template:
    spec = service.definition(ctx, owner)
    value, version = service.read_settings(ctx, owner)
    entries = form.inputs(ctx, spec, value)
    if "submitted" in values:
        form.keep_submitted(entries, values.pop("submitted"))
    return render(
        request,
        ctx,
        "settings/page.html",
        spec=spec,
        inputs=entries,
        version=values.pop("version", version),
        saved=request.query_params.get("done") == "saved",
        **values,
    )


@get(f"{URL}/{{owner:str}}", sync_to_thread=True, include_in_schema=False)
def settings_page(request: Request, ctx: RequestCtx, owner: FromPath[str]) -> Template:
    """The owner's settings as a form (those who may change them only)."""
    return _page(request, ctx, owner)


def _save(ctx: RequestCtx, owner: str, data: dict[str, Any]) -> None:
    spec = service.definition(ctx, owner)
    if not service.can_manage(ctx, spec):  # a refusal before reading what was sent
        raise Forbidden(f"you may not change the settings {owner!r}")
    entries = form.inputs(ctx, spec, spec.schema())
    value = service.convert(spec, form.submitted(entries, data), strict=False)
    version = form.version_of(data)
    service.save_settings(ctx, owner, value, version)


@post(f"{URL}/{{owner:str}}", sync_to_thread=True, include_in_schema=False)
def save_settings_page(
    request: Request, ctx: RequestCtx, owner: FromPath[str], data: URLEncodedBody[dict]
) -> Template | Redirect:
    """Save the form; a refusal shows the page again with the message at its field."""
    try:
        _save(ctx, owner, data)
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        service.forget(ctx, owner)
        top = re.split(r"[.\[]", exc.field or "")[0]
        return _page(
            request,
            ctx,
            owner,
            status_code=exc.status,
            error=exc.message,
            field=top,
            submitted=data,
            **({"version": form.version_of(data)} if exc.status != 409 else {}),
        )
    return Redirect(f"{page_url(owner)}?done=saved", status_code=303)


ROUTES = [settings_page, save_settings_page]

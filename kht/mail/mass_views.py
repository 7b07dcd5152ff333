"""The mass mail page (/mail/mass): compose from a template, pick the records (a segment or
saved view), see how many it reaches, send, and each send's figures. Thin over
kht.mail.mass."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from kht.contacts.ui import text, to_struct, values
from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.lists.segments import segment_choices
from kht.mail import accounts, mass, templating
from kht.mail.archive import LINKED
from kht.mail.mass_api import send_outs
from kht.mail.schemas import MassSendIn
from kht.mail.views import kind_choices
from kht.web.pages import render

FIELDS = (
    "template_id",
    "kind",
    "view_id",
    "group_id",
    "campaign_id",
    "account_id",
    "name",
    "rate_per_minute",
)


def _groups(ctx: Ctx) -> list[Any]:
    from kht.customers.groups import list_groups

    if not ctx.user.can("customers", "view"):
        return []
    return [group for group, _ in list_groups(ctx)]


def _campaigns(ctx: Ctx) -> list[Any]:
    """The latest campaigns the sender may see (their members are a choice of recipients)."""
    from kht import record_service as records
    from kht.records import record_kinds

    spec = record_kinds(ctx).get("campaign")
    if spec is None or not ctx.user.can(spec.module, "view"):
        return []
    query = records.visible(ctx, spec).order_by(spec.model.id.desc()).limit(100)
    return list(ctx.session.scalars(query))


def _page(request: Request, ctx: Ctx, status_code: int = 200, **more: Any) -> Template:
    return render(
        request,
        ctx,
        "mail/mass.html",
        status_code=status_code,
        templates=templating.list_templates(ctx),
        kinds=kind_choices(ctx),
        views=segment_choices(ctx, LINKED),
        groups=_groups(ctx),
        campaigns=_campaigns(ctx),
        accounts=accounts.list_accounts(ctx),
        instance_server=bool(ctx.settings.smtp_host),
        sends=send_outs(ctx, mass.list_sends(ctx)),
        form=more.pop("form", {"kind": "customer", "rate_per_minute": "600"}),
        **more,
    )


@get("/mail/mass", sync_to_thread=True, include_in_schema=False)
def mass_page(request: Request, ctx: RequestCtx) -> Template:
    """The form and the sends with their figures."""
    return _page(request, ctx)


def _data(form: dict[str, Any]) -> MassSendIn:
    raw: dict[str, Any] = {k: v for k, v in form.items() if v != "" and k != "filters"}
    raw["filters"] = form.get("filters", [])
    return to_struct(raw, MassSendIn, strict=False)


@post("/mail/mass", sync_to_thread=True, include_in_schema=False)
def mass_submit(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """`action=count`: show how many it reaches; `action=send`: start the send."""
    form: dict[str, Any] = {key: text(data, key) for key in FIELDS}
    form["filters"] = values(data, "filters")
    try:
        request_data = _data(form)
        if text(data, "action") == "count":
            return _page(request, ctx, form=form, counted=mass.count(ctx, request_data))
        mass.send_mass(ctx, request_data)
    except ValidationError as exc:
        ctx.session.rollback()
        return _page(request, ctx, 422, form=form, error=exc.message, error_field=exc.field)
    return Redirect("/mail/mass")


ROUTES = [mass_page, mass_submit]

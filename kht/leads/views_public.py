"""The public lead form (`/forms/lead`): no login; spam checks in kht.leads.webform."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Template

from kht.auth.views import client_ip
from kht.contacts.ui import text, to_struct
from kht.context import RequestCtx
from kht.errors import KhtError, ValidationError
from kht.leads import webform
from kht.leads.schemas import WebLead
from kht.web.pages import render

FIELDS = ("name", "company", "title", "phone", "email", "message", "campaign")


def _form(
    request: Request,
    ctx: RequestCtx,
    *,
    values: dict[str, str],
    error: KhtError | None = None,
) -> Template:
    # A fresh token each time the form is shown, so a refused post can simply be resent.
    return render(
        request,
        ctx,
        "leads/webform.html",
        status_code=error.status if error else 200,
        token=webform.issue_token(ctx.settings.secret_key, ctx.now()),
        values=values,
        error=error.message if error else "",
        error_field=error.field if error else "",
        honeypot=webform.HONEYPOT,
    )


@get("/forms/lead", sync_to_thread=True, include_in_schema=False)
def lead_form(request: Request, ctx: RequestCtx) -> Template:
    """The form a website links to or embeds; it carries a signed, timed token and, from
    `?campaign=CODE`, the campaign whose lead it captures."""
    return _form(
        request, ctx, values={"campaign": str(request.query_params.get("campaign", ""))[:40]}
    )


@post("/forms/lead", sync_to_thread=True, include_in_schema=False)
def submit_lead_form(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template:
    """Capture a lead for the pool, or show the form again with why it was refused."""
    values = {key: text(data, key) for key in FIELDS}
    try:
        lead_data = to_struct(values, WebLead)
        lead = webform.submit(
            ctx,
            lead_data,
            token=text(data, "token"),
            honeypot=text(data, webform.HONEYPOT),
            ip=client_ip(request),
        )
    except (ValidationError, webform.FormRefused, webform.TooManySubmissions) as exc:
        ctx.session.rollback()
        return _form(request, ctx, values=values, error=exc)
    # An event's registration confirmation carries the check-in code as a QR code.
    from kht.marketing.checkin import confirmation_for_lead

    return render(
        request, ctx, "leads/webform_thanks.html", confirmation=confirmation_for_lead(ctx, lead.id)
    )


ROUTES = [lead_form, submit_lead_form]

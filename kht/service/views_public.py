"""Pages without a login (public like every `/forms/` page): the service request form
(`/forms/ticket`) and the satisfaction survey behind its signed link
(`/forms/survey/{ticket}/{token}`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template

from kht.auth.views import client_ip
from kht.contacts.ui import text, to_struct
from kht.context import RequestCtx
from kht.errors import Conflict, KhtError, NotFound, ValidationError
from kht.leads import webform as spam
from kht.service import survey, webform
from kht.service.schemas import SurveyIn, WebTicket
from kht.web.pages import render

FIELDS = ("name", "email", "subject", "message")


def _form(
    request: Request, ctx: RequestCtx, values: dict[str, str], error: KhtError | None = None
) -> Template:
    return render(
        request,
        ctx,
        "service/webform.html",
        status_code=error.status if error else 200,
        token=spam.issue_token(ctx.settings.secret_key, ctx.now()),
        values=values,
        error=error.message if error else "",
        error_field=error.field if error else "",
        honeypot=spam.HONEYPOT,
    )


@get("/forms/ticket", sync_to_thread=True, include_in_schema=False)
def ticket_form(request: Request, ctx: RequestCtx) -> Template:
    """The service request form a website links to; it carries a signed, timed token."""
    return _form(request, ctx, {})


@post("/forms/ticket", sync_to_thread=True, include_in_schema=False)
def submit_ticket_form(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template:
    """Open a ticket and show its number, or the form again with why it was refused."""
    values = {key: text(data, key) for key in FIELDS}
    try:
        ticket = webform.submit(
            ctx,
            to_struct(values, WebTicket),
            token=text(data, "token"),
            honeypot=text(data, spam.HONEYPOT),
            ip=client_ip(request),
        )
    except (ValidationError, spam.FormRefused, spam.TooManySubmissions) as exc:
        ctx.session.rollback()
        return _form(request, ctx, values, exc)
    return render(request, ctx, "service/webform_thanks.html", number=ticket.number)


def _survey_page(request: Request, ctx: RequestCtx, **values: Any) -> Template:
    status = values.pop("status_code", 200)
    return render(request, ctx, "service/survey.html", status_code=status, **values)


@get("/forms/survey/{ticket_id:int}/{token:str}", sync_to_thread=True, include_in_schema=False)
def survey_page(
    request: Request, ctx: RequestCtx, ticket_id: FromPath[int], token: FromPath[str]
) -> Template:
    """The one question; a used link says so (409), a bad one is a 404."""
    try:
        ticket = survey.open_survey(ctx, ticket_id, token)
    except Conflict:
        return _survey_page(request, ctx, state="used", status_code=409)
    return _survey_page(request, ctx, state="ask", ticket=ticket, token=token, error="")


@post("/forms/survey/{ticket_id:int}/{token:str}", sync_to_thread=True, include_in_schema=False)
def answer_survey(
    request: Request,
    ctx: RequestCtx,
    ticket_id: FromPath[int],
    token: FromPath[str],
    data: URLEncodedBody[dict[str, Any]],
) -> Template:
    """Keep the answer (once); a used link answers 409, a bad score 422 naming it."""
    try:
        answer = to_struct(
            {"score": text(data, "score"), "comment": text(data, "comment")}, SurveyIn, strict=False
        )
        survey.answer(ctx, ticket_id, token, answer)
    except Conflict:
        ctx.session.rollback()
        return _survey_page(request, ctx, state="used", status_code=409)
    except ValidationError as exc:
        ctx.session.rollback()
        ticket = survey.open_survey(ctx, ticket_id, token)
        return _survey_page(
            request,
            ctx,
            state="ask",
            ticket=ticket,
            token=token,
            error=exc.field or "score",
            status_code=422,
        )
    except NotFound:
        raise
    return _survey_page(request, ctx, state="thanks")


ROUTES = [ticket_form, submit_ticket_form, survey_page, answer_survey]

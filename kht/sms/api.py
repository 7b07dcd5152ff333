"""SMS JSON API under /api/v1/sms: the gateway (administrators; never its secret),
templates, sending, messages, opt-outs, and the carrier's callbacks. Thin over
kht.sms.service."""

from __future__ import annotations

import json
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.records.schemas import out_of
from kht.sms import service
from kht.sms.models import SmsGateway, SmsMessage, SmsOptOut, SmsTemplate
from kht.sms.schemas import (
    CallbackAnswer,
    GatewayIn,
    GatewayOut,
    MessageList,
    MessageOut,
    OptOutIn,
    OptOutList,
    OptOutOut,
    Preview,
    SendIn,
    TemplateIn,
    TemplateList,
    TemplateOut,
    TemplatePatch,
)

CALLBACKS = "/api/v1/sms/callbacks"


def gateway_out(ctx: Ctx, row: SmsGateway) -> GatewayOut:
    return out_of(
        GatewayOut,
        row,
        gateways=sorted(service.gateways(ctx.plugins)),
        config=dict(row.config or {}),
        has_secret=service.has_secret(ctx.session, row),
        receipts_path=f"{CALLBACKS}/{row.callback_token}/receipts",
        replies_path=f"{CALLBACKS}/{row.callback_token}/replies",
    )


def template_out(row: SmsTemplate) -> TemplateOut:
    return out_of(TemplateOut, row, params=dict(row.params or {}))


def message_out(row: SmsMessage) -> MessageOut:
    return out_of(MessageOut, row, params=dict(row.params or {}))


def opt_out_out(row: SmsOptOut) -> OptOutOut:
    return OptOutOut(number=row.number, source=row.source, created_at=row.created_at)


class SmsController(Controller):
    path = "/api/v1/sms"
    tags = ["sms"]

    @get("/gateway", sync_to_thread=True)
    def get_gateway(self, ctx: RequestCtx) -> GatewayOut:
        """The gateway settings (SMS administrators); whether a secret is set, never it."""
        return gateway_out(ctx, service.get_gateway(ctx))

    @post("/gateway", sync_to_thread=True, status_code=200)
    def set_gateway(self, ctx: RequestCtx, data: JSONBody[GatewayIn]) -> GatewayOut:
        """Choose and configure the gateway; a `secret` left out keeps the stored one."""
        return gateway_out(ctx, service.configure_gateway(ctx, data))

    @get("/templates", sync_to_thread=True)
    def list_templates(self, ctx: RequestCtx) -> TemplateList:
        return TemplateList(items=[template_out(t) for t in service.list_templates(ctx)])

    @post("/templates", sync_to_thread=True)
    def create_template(self, ctx: RequestCtx, data: JSONBody[TemplateIn]) -> TemplateOut:
        return template_out(service.create_template(ctx, data))

    @patch("/templates/{template_id:int}", sync_to_thread=True)
    def update_template(
        self, ctx: RequestCtx, template_id: FromPath[int], data: JSONBody[TemplatePatch]
    ) -> TemplateOut:
        return template_out(service.update_template(ctx, template_id, data))

    @delete("/templates/{template_id:int}", sync_to_thread=True)
    def delete_template(self, ctx: RequestCtx, template_id: FromPath[int]) -> None:
        service.delete_template(ctx, template_id)

    @get("/templates/{template_id:int}/preview", sync_to_thread=True)
    def preview(
        self,
        ctx: RequestCtx,
        template_id: FromPath[int],
        kind: FromQuery[str],
        record_id: FromQuery[int],
    ) -> Preview:
        """The template's parameters filled in for one record the caller can see."""
        template = service.get_template(ctx, template_id)
        return Preview(params=service.render_params(ctx, template, kind, record_id))

    @post("/send", sync_to_thread=True, status_code=202)
    def send(self, ctx: RequestCtx, data: JSONBody[SendIn]) -> MessageOut:
        """Queue a template SMS to a record; it leaves after the commit (202)."""
        message = service.send_template(
            ctx, data.template_id, data.kind, data.record_id, number=data.number
        )
        return message_out(message)

    @get("/messages", sync_to_thread=True)
    def list_messages(
        self,
        ctx: RequestCtx,
        kind: FromQuery[str | None] = None,
        record_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
    ) -> MessageList:
        """Messages (newest first, at most 500) with counts by status and total cost."""
        rows = service.list_messages(ctx, kind=kind, record_id=record_id, status=status)
        counts, cost = service.totals(rows)
        return MessageList(items=[message_out(m) for m in rows], counts=counts, cost=cost)

    @get("/messages/{sms_id:int}", sync_to_thread=True)
    def get_message(self, ctx: RequestCtx, sms_id: FromPath[int]) -> MessageOut:
        return message_out(service.get_message(ctx, sms_id))

    @get("/opt-outs", sync_to_thread=True)
    def list_opt_outs(self, ctx: RequestCtx) -> OptOutList:
        return OptOutList(items=[opt_out_out(o) for o in service.list_opt_outs(ctx)])

    @post("/opt-outs", sync_to_thread=True)
    def add_opt_out(self, ctx: RequestCtx, data: JSONBody[OptOutIn]) -> OptOutOut:
        """Stop every later SMS to a number."""
        number = service.opt_out(ctx, data.number)
        row = next(o for o in service.list_opt_outs(ctx) if o.number == number)
        return opt_out_out(row)

    @delete("/opt-outs/{number:str}", sync_to_thread=True)
    def remove_opt_out(
        self,
        ctx: RequestCtx,
        number: Annotated[str, Parameter(min_length=1, max_length=40)],
    ) -> None:
        """Allow SMS to a number again (SMS administrators)."""
        service.opt_in(ctx, number)


async def _payload(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise ValidationError("the body is not JSON", "body") from None


def _parsed(call: Any, ctx: Ctx, token: str, payload: Any) -> int:
    try:
        return call(ctx, token, payload)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(f"the body cannot be read: {exc}", "body") from None


class SmsCallbackController(Controller):
    """The carrier's callbacks: no login; the unguessable token in the path authenticates
    (a wrong token is a 404)."""

    path = CALLBACKS
    tags = ["sms"]
    # For the carrier, not for API users: outside the OpenAPI document.
    include_in_schema = False

    @post("/{token:str}/receipts", status_code=200)
    async def receipt_callback(
        self, request: Request, ctx: RequestCtx, token: FromPath[str]
    ) -> CallbackAnswer:
        """Delivery receipts: each sets its message's status and cost."""
        payload = await _payload(request)
        return CallbackAnswer(count=_parsed(service.receipts, ctx, token, payload))

    @post("/{token:str}/replies", status_code=200)
    async def reply_callback(
        self, request: Request, ctx: RequestCtx, token: FromPath[str]
    ) -> CallbackAnswer:
        """Replies: TD, T or 退订 opts the number out."""
        payload = await _payload(request)
        return CallbackAnswer(count=_parsed(service.replies, ctx, token, payload))

"""Mass mail JSON API: /api/v1/mail/mass (count, send, list, one send with its figures)
and /api/v1/mail/suppressions. Thin over kht.mail.mass and kht.mail.suppression."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.mail import mass, suppression
from kht.mail.models import MassSend
from kht.mail.schemas import (
    MassCount,
    MassSendIn,
    MassSendList,
    MassSendOut,
    SuppressionList,
    SuppressionOut,
)
from kht.mass_sends import filter_text
from kht.records.schemas import out_of


def send_outs(ctx: Ctx, sends: list[MassSend]) -> list[MassSendOut]:
    """Sends as the API shows them, with their figures."""
    figures = mass.stats(ctx, [s.id for s in sends])
    return [
        out_of(
            MassSendOut,
            s,
            filters=[filter_text(f) for f in s.filters or []],
            stats=figures[s.id],
        )
        for s in sends
    ]


class MassController(Controller):
    path = "/api/v1/mail/mass"
    tags = ["mail"]

    @post("/count", sync_to_thread=True, status_code=200)
    def count(self, ctx: RequestCtx, data: JSONBody[MassSendIn]) -> MassCount:
        """How many records and addresses a send would reach, and how many are suppressed."""
        return mass.count(ctx, data)

    @post("/", sync_to_thread=True, status_code=202)
    def send(self, ctx: RequestCtx, data: JSONBody[MassSendIn]) -> MassSendOut:
        """Send a template to a segment's addresses: accepted now, sent by the worker at
        `rate_per_minute`."""
        return send_outs(ctx, [mass.send_mass(ctx, data)])[0]

    @get("/", sync_to_thread=True)
    def list_sends(self, ctx: RequestCtx) -> MassSendList:
        """Sends of senders in the caller's `mail` scope, newest first, with their figures."""
        return MassSendList(items=send_outs(ctx, mass.list_sends(ctx)))

    @get("/{send_id:int}", sync_to_thread=True)
    def get_send(self, ctx: RequestCtx, send_id: FromPath[int]) -> MassSendOut:
        """One send (sent, delivered, opened, clicked, bounced, unsubscribed...)."""
        return send_outs(ctx, [mass.get_send(ctx, send_id)])[0]


class SuppressionController(Controller):
    path = "/api/v1/mail/suppressions"
    tags = ["mail"]

    @get("/", sync_to_thread=True)
    def list_suppressions(
        self, ctx: RequestCtx, q: FromQuery[str] = "", page: FromQuery[int] = 1
    ) -> SuppressionList:
        """Addresses no mass mail goes to, and why (mail administrators)."""
        rows, total = suppression.list_suppressions(ctx, q=q, page=max(page, 1))
        items = [
            SuppressionOut(
                email=r.email, reason=r.reason, send_id=r.send_id, created_at=r.created_at
            )
            for r in rows
        ]
        return SuppressionList(items=items, total=total)

    @delete("/{email:str}", sync_to_thread=True)
    def lift(
        self, ctx: RequestCtx, email: Annotated[str, Parameter(min_length=3, max_length=320)]
    ) -> None:
        """Take an address off the list."""
        suppression.lift(ctx, email)


ROUTES = [MassController, SuppressionController]

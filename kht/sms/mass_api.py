"""Mass SMS JSON API: /api/v1/sms/mass (start a send, list the sends, one send with its
figures). Thin over kht.sms.mass."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from kht.context import Ctx, RequestCtx
from kht.mass_sends import filter_text
from kht.records.schemas import out_of
from kht.sms import mass
from kht.sms.models import SmsMassSend
from kht.sms.schemas import MassIn, MassList, MassOut


def send_outs(ctx: Ctx, sends: list[SmsMassSend]) -> list[MassOut]:
    """Sends as the API shows them, with their figures."""
    figures = mass.stats(ctx, sends)
    return [
        out_of(
            MassOut,
            s,
            filters=[filter_text(f) for f in s.filters or []],
            stats=figures[s.id],
        )
        for s in sends
    ]


class SmsMassController(Controller):
    path = "/api/v1/sms/mass"
    tags = ["sms"]

    @post("", sync_to_thread=True, status_code=202)
    def send(self, ctx: RequestCtx, data: JSONBody[MassIn]) -> MassOut:
        """Start a template SMS to every number of a segment's records the caller may see;
        the worker sends it in batches at its rate, outside the quiet hours, skipping
        opted-out numbers and those at their daily limit (202)."""
        return send_outs(ctx, [mass.send_mass(ctx, data)])[0]

    @get("", sync_to_thread=True)
    def list_sends(self, ctx: RequestCtx) -> MassList:
        """Mass SMS of senders in the caller's `sms` scope (newest 100) with figures."""
        return MassList(items=send_outs(ctx, mass.list_sends(ctx)))

    @get("/{send_id:int}", sync_to_thread=True)
    def get_send(self, ctx: RequestCtx, send_id: FromPath[int]) -> MassOut:
        """One mass SMS and its figures (another's outside one's scope: 404)."""
        return send_outs(ctx, [mass.get_send(ctx, send_id)])[0]

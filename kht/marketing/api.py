"""Campaign JSON API beyond what the declaration gives (kht.records.api): stage moves,
launch, costs, members and results — thin controllers over the marketing services."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.mail.mass_api import send_outs
from kht.mail.schemas import MassSendOut
from kht.marketing import checkin, costs, members, sends, service
from kht.marketing.models import CampaignCost, CampaignMember
from kht.marketing.results import results
from kht.marketing.schemas import (
    CampaignMailIn,
    CampaignOut,
    CampaignSmsIn,
    CheckIn,
    CostIn,
    CostOut,
    Launch,
    MemberIn,
    MemberOut,
    MemberPage,
    ResultsOut,
    StageMove,
)
from kht.records.schemas import out_of
from kht.sms.mass_api import send_outs as sms_send_outs
from kht.sms.schemas import MassOut as SmsMassOut


def _cost(row: CampaignCost) -> CostOut:
    return out_of(CostOut, row)


def _member(row: CampaignMember) -> MemberOut:
    return out_of(MemberOut, row)


class CampaignController(Controller):
    path = "/api/v1/campaigns/{campaign_id:int}"
    tags = ["campaigns"]

    @post("/stage", sync_to_thread=True, status_code=200)
    def move_stage(
        self, ctx: RequestCtx, campaign_id: FromPath[int], data: JSONBody[StageMove]
    ) -> CampaignOut:
        """Move to another stage; a closed gate (a field, an action, a missing approval) is
        a 422 naming what is missing, a stale version a 409."""
        moved = service.move_stage(ctx, campaign_id, data.stage_id, version=data.version)
        return service.to_out(ctx, moved)

    @post("/launch", sync_to_thread=True, status_code=200)
    def launch(
        self, ctx: RequestCtx, campaign_id: FromPath[int], data: JSONBody[Launch]
    ) -> CampaignOut:
        """Freeze the target segment into the member list (once; again is a 409)."""
        members.launch(ctx, campaign_id, version=data.version)
        return service.to_out(ctx, service.get_campaign(ctx, campaign_id))

    @post("/mail", sync_to_thread=True, status_code=202)
    def send_mail(
        self, ctx: RequestCtx, campaign_id: FromPath[int], data: JSONBody[CampaignMailIn]
    ) -> MassSendOut:
        """Mail the launched campaign's segment through mass mail; its sends, opens, clicks,
        bounces and unsubscribes move the members (202: the worker sends in batches)."""
        send = sends.send_mail(ctx, campaign_id, data.template_id, data.account_id)
        return send_outs(ctx, [send])[0]

    @post("/sms", sync_to_thread=True, status_code=202)
    def send_sms(
        self, ctx: RequestCtx, campaign_id: FromPath[int], data: JSONBody[CampaignSmsIn]
    ) -> SmsMassOut:
        """Text the launched campaign's members through mass SMS; its sends, receipts,
        opt-outs and replies move the members (202: the worker sends in batches)."""
        send = sends.send_sms(
            ctx,
            campaign_id,
            data.template_id,
            kind=data.kind,
            rate_per_minute=data.rate_per_minute,
        )
        return sms_send_outs(ctx, [send])[0]

    @get("/costs", sync_to_thread=True)
    def list_costs(self, ctx: RequestCtx, campaign_id: FromPath[int]) -> list[CostOut]:
        return [_cost(row) for row in costs.costs_of(ctx, campaign_id)]

    @post("/costs", sync_to_thread=True)
    def add_cost(
        self, ctx: RequestCtx, campaign_id: FromPath[int], data: JSONBody[CostIn]
    ) -> CostOut:
        """Book a cost line (a negative amount is a 422 naming `amount`)."""
        return _cost(costs.add_cost(ctx, campaign_id, data))

    @delete("/costs/{cost_id:int}", sync_to_thread=True)
    def delete_cost(
        self, ctx: RequestCtx, campaign_id: FromPath[int], cost_id: FromPath[int]
    ) -> None:
        costs.delete_cost(ctx, campaign_id, cost_id)

    @get("/members", sync_to_thread=True)
    def list_members(
        self,
        ctx: RequestCtx,
        campaign_id: FromPath[int],
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
        q: FromQuery[str] = "",
    ) -> MemberPage:
        """The members (`q`: name or address contains), with the campaign's member count."""
        rows, total = members.members_of(
            ctx, campaign_id, page=max(page, 1), page_size=min(max(page_size, 1), 500), q=q
        )
        return MemberPage(items=[_member(row) for row in rows], total=total)

    @post("/members", sync_to_thread=True)
    def set_member(
        self, ctx: RequestCtx, campaign_id: FromPath[int], data: JSONBody[MemberIn]
    ) -> MemberOut:
        """Add a member or set their status by hand (offline channels)."""
        row = members.set_member(ctx, campaign_id, data.kind, data.record_id, data.status)
        return _member(row)

    @post("/checkin", sync_to_thread=True, status_code=200)
    def check_in(
        self, ctx: RequestCtx, campaign_id: FromPath[int], data: JSONBody[CheckIn]
    ) -> MemberOut:
        """Check a registered member in with the code of their confirmation (QR or typed);
        a forged code or another event's is a 422 naming `code`."""
        return _member(checkin.check_in(ctx, campaign_id, data.code))

    @get("/results", sync_to_thread=True)
    def results(self, ctx: RequestCtx, campaign_id: FromPath[int]) -> ResultsOut:
        """Cost against budget, the funnel, leads, opportunities, revenue and ROI."""
        return results(ctx, campaign_id)


ROUTES = [CampaignController]

"""Campaign pages: the shared record pages (kht.recordpages) with the campaign's own blocks —
the stage path and approval, launch, costs against budget, the funnel and the money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht.auth.permissions import require
from kht.contacts.ui import text
from kht.context import Ctx, RequestCtx
from kht.errors import KhtError, ValidationError
from kht.lists.service import visible_views
from kht.marketing import checkin, costs, members, sends, service
from kht.marketing.calendar import calendar_events
from kht.marketing.models import Campaign
from kht.marketing.results import results
from kht.marketing.schemas import CostIn
from kht.org.models import Department
from kht.plugin_types import RecordAction, RecordPages
from kht.processes import approvals
from kht.processes.api import decide
from kht.recordpages.views import detail_page
from kht.records import completed
from kht.sales.processes import service as processes
from kht.sales.processes.models import Process, ProcessStage
from kht.web.i18n import N_, translations
from kht.web.pages import render

COST_CATEGORIES = {
    "venue": N_("Venue"),
    "media": N_("Media"),
    "printing": N_("Printing"),
    "gifts": N_("Gifts"),
    "agency": N_("Agency"),
    "travel": N_("Travel"),
    "other": N_("Other"),
}
MEMBER_STATUS_LABELS = {
    "targeted": N_("Targeted"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "opened": N_("Opened"),
    "clicked": N_("Clicked"),
    "responded": N_("Responded"),
    "registered": N_("Registered"),
    "attended": N_("Attended"),
    "converted": N_("Converted"),
    "unsubscribed": N_("Unsubscribed"),
    "bounced": N_("Bounced"),
}


def _labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """Stage, parent campaign and team names, member statuses and cost categories for
    cells, pages and history."""
    zh = ctx.language.startswith("zh")
    gettext = translations(ctx.language).gettext
    stages = ctx.session.execute(
        select(ProcessStage.id, ProcessStage.name_zh, ProcessStage.name_en)
        .join(Process, Process.id == ProcessStage.process_id)
        .where(Process.kind == service.KIND)
    )
    # Only campaigns the reader may see: a label must not reveal one out of scope.
    in_scope = completed(service.SPEC).query(ctx).with_only_columns(Campaign.id, Campaign.name)
    parents = ctx.session.execute(in_scope)
    teams = ctx.session.execute(select(Department.id, Department.name))
    return {
        "stage_id": {row.id: row.name_zh if zh else row.name_en for row in stages},
        "parent_id": {row.id: row.name for row in parents},
        "department_id": {row.id: row.name for row in teams},
        "member_status": {k: gettext(v) for k, v in MEMBER_STATUS_LABELS.items()},
        "cost_category": {k: gettext(v) for k, v in COST_CATEGORIES.items()},
    }


def _segments(ctx: Ctx) -> dict[int, str]:
    """The saved views of leads, contacts and customers the user may target."""
    choices: dict[int, str] = {}
    for kind in ("customer", "contact", "lead"):
        if ctx.user is not None and ctx.user.can(service._module_of(ctx, kind), "view"):
            choices.update({v.id: v.name for v in visible_views(ctx, kind)})
    return choices


def _form(ctx: Ctx, form: dict[str, Any], campaign: Any) -> dict[str, Any]:
    return {"refs": {"segment_view_id": _segments(ctx)}}


def _sending(ctx: Ctx, campaign: Any) -> dict[str, Any]:
    """What the send form offers once a mail or SMS campaign is launched: the templates of
    its channel and, for mail, the accounts the user sends from (none without the right)."""
    if campaign.launched_at is None or campaign.channel not in ("email", "sms"):
        return {}
    from kht.mail import accounts, templating
    from kht.sms import service as sms

    try:
        if campaign.channel == "email":
            return {
                "templates": templating.list_templates(ctx),
                "accounts": accounts.list_accounts(ctx),
            }
        return {"templates": sms.list_templates(ctx), "accounts": []}
    except KhtError:  # no mail or SMS right: the page offers no send form
        return {}


def _detail(ctx: Ctx, campaign: Any) -> dict[str, Any]:
    """The stage path, the pending approval, costs, the funnel, the money and the send
    form."""
    if campaign is None:
        return {}
    process = processes.get_process(ctx, campaign.process_id)
    current = processes.stage_of(ctx, campaign.stage_id)
    user = ctx.user
    may_approve = (
        bool(current.approval_role)
        and user is not None
        and (user.is_admin or user.role_key == current.approval_role)
    )
    return {
        "refs": {"segment_view_id": _segments(ctx)},
        "process": process,
        "current": current,
        "may_approve": may_approve,
        "decisions": approvals.decisions_of(ctx, service.KIND, campaign.id)[:5],
        "costs": costs.costs_of(ctx, campaign.id),
        "members": members.members_of(ctx, campaign.id, page_size=100)[0],
        "results": results(ctx, campaign.id),
        "categories": COST_CATEGORIES,
        "status_labels": MEMBER_STATUS_LABELS,
        "today": ctx.today().isoformat(),
        "sending": _sending(ctx, campaign),
    }


PAGES = RecordPages(
    badge="status",
    list_actions=(
        RecordAction(
            key="calendar", label_zh="活动日历", label_en="Calendar", url="/campaigns/calendar"
        ),
    ),
    subtitle="code",
    form_fields=(
        "name",
        "code",
        "channel",
        "start_date",
        "end_date",
        "budget",
        "expected_response",
        "expected_revenue",
        "segment_view_id",
        "parent_id",
        "department_id",
        "description",
    ),
    labels=_labels,
    detail_context=_detail,
    form_context=_form,
    detail_template="campaigns/detail.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


def _version(data: dict[str, Any]) -> int:
    raw = text(data, "version")
    return int(raw) if raw.isdigit() else 0


def _refused(request: Request, ctx: Ctx, campaign_id: int, exc: KhtError) -> Template:
    ctx.session.rollback()
    errors = {exc.field or "form": exc.message}
    return detail_page(request, ctx, SPEC, campaign_id, errors=errors, status_code=exc.status)


def _done(campaign_id: int) -> Redirect:
    return Redirect(f"/campaigns/{campaign_id}", status_code=303)


@post("/campaigns/{campaign_id:int}/stage", sync_to_thread=True, include_in_schema=False)
def move_stage(
    request: Request,
    ctx: RequestCtx,
    campaign_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    try:
        stage = text(data, "stage_id")
        service.move_stage(
            ctx, campaign_id, int(stage) if stage.isdigit() else 0, version=_version(data)
        )
    except KhtError as exc:
        return _refused(request, ctx, campaign_id, exc)
    return _done(campaign_id)


@post("/campaigns/{campaign_id:int}/approval", sync_to_thread=True, include_in_schema=False)
def approve(
    request: Request,
    ctx: RequestCtx,
    campaign_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    try:
        decide(ctx, service.KIND, campaign_id, text(data, "decision"), text(data, "comment"))
    except KhtError as exc:
        return _refused(request, ctx, campaign_id, exc)
    return _done(campaign_id)


@post("/campaigns/{campaign_id:int}/launch", sync_to_thread=True, include_in_schema=False)
def launch(
    request: Request,
    ctx: RequestCtx,
    campaign_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    try:
        members.launch(ctx, campaign_id, version=_version(data))
    except KhtError as exc:
        return _refused(request, ctx, campaign_id, exc)
    return _done(campaign_id)


def _cost_in(data: dict[str, Any]) -> CostIn:
    try:
        amount = Decimal(text(data, "amount") or "x")
    except InvalidOperation:
        raise ValidationError("the amount must be a number", "amount") from None
    try:
        spent_on = date.fromisoformat(text(data, "spent_on"))
    except ValueError:
        raise ValidationError("the date must be YYYY-MM-DD", "spent_on") from None
    category = text(data, "category")
    if not category:
        raise ValidationError("choose a category", "category")
    return CostIn(
        category=category[:60],
        amount=amount,
        spent_on=spent_on,
        supplier=text(data, "supplier")[:200],
    )


@post("/campaigns/{campaign_id:int}/costs", sync_to_thread=True, include_in_schema=False)
def add_cost(
    request: Request,
    ctx: RequestCtx,
    campaign_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    try:
        costs.add_cost(ctx, campaign_id, _cost_in(data))
    except KhtError as exc:
        return _refused(request, ctx, campaign_id, exc)
    return _done(campaign_id)


@get("/campaigns/calendar", sync_to_thread=True, include_in_schema=False)
def calendar_page(request: Request, ctx: RequestCtx) -> Template:
    """Campaigns over their periods (FullCalendar)."""
    require(ctx.user, service.MODULE, "view")
    wall_now = ctx.local().replace(tzinfo=None)
    return render(request, ctx, "campaigns/calendar.html", now=wall_now.isoformat("T", "seconds"))


def _day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise ValidationError(f"{field} must be a date (YYYY-MM-DD)", field) from None


@get("/campaigns/calendar/events", sync_to_thread=True, include_in_schema=False)
def calendar_feed(
    ctx: RequestCtx, start: FromQuery[str] = "", end: FromQuery[str] = ""
) -> Response[Any]:
    """The calendar's feed: campaigns in scope meeting [start, end) (FullCalendar's range)."""
    require(ctx.user, service.MODULE, "view")
    try:
        events = calendar_events(ctx, _day(start, "start"), _day(end, "end"))
    except KhtError as exc:
        body = {"status": exc.status, "message": exc.message, "field": exc.field}
        return Response(body, status_code=exc.status)
    return Response(events)


@post("/campaigns/{campaign_id:int}/members", sync_to_thread=True, include_in_schema=False)
def set_member(
    request: Request,
    ctx: RequestCtx,
    campaign_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Set a member's status by hand (check-in at an event, a call's answer)."""
    record = text(data, "record_id")
    try:
        record_id = int(record) if record.isdigit() else 0
        members.set_member(ctx, campaign_id, text(data, "kind"), record_id, text(data, "status"))
    except KhtError as exc:
        return _refused(request, ctx, campaign_id, exc)
    return _done(campaign_id)


@post("/campaigns/{campaign_id:int}/checkin", sync_to_thread=True, include_in_schema=False)
def check_in(
    request: Request,
    ctx: RequestCtx,
    campaign_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """The check-in desk: a scanned or typed code marks its member attended."""
    try:
        member = checkin.check_in(ctx, campaign_id, text(data, "code"))
    except KhtError as exc:
        return _refused(request, ctx, campaign_id, exc)
    return Redirect(
        f"/campaigns/{campaign_id}?checked_in={member.id}#campaign-checkin", status_code=303
    )


@post("/campaigns/{campaign_id:int}/send", sync_to_thread=True, include_in_schema=False)
def send_to_members(
    request: Request,
    ctx: RequestCtx,
    campaign_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Mail or text the launched campaign's members with a template of its channel; the
    worker sends in batches and the members' statuses follow."""
    template, account = text(data, "template_id"), text(data, "account_id")
    try:
        if not template.isdigit():
            raise ValidationError("choose a template", "template_id")
        campaign = service.get_campaign(ctx, campaign_id)
        if campaign.channel == "sms":
            sends.send_sms(ctx, campaign_id, int(template))
        elif campaign.channel == "email":
            chosen = int(account) if account.isdigit() else None
            sends.send_mail(ctx, campaign_id, int(template), chosen)
        else:
            raise ValidationError("only mail and SMS campaigns send to their members", "channel")
    except KhtError as exc:
        return _refused(request, ctx, campaign_id, exc)
    return Redirect(f"/campaigns/{campaign_id}?sent=1#campaign-send", status_code=303)


ROUTES = [
    calendar_page,
    calendar_feed,
    move_stage,
    approve,
    launch,
    add_cost,
    set_member,
    check_in,
    send_to_members,
]

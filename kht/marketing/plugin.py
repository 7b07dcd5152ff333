"""The marketing module's hook implementations: the campaign kind, its process, routes, and
the attribution of new opportunities."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import ProcessDef, RecordKind


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.marketing.views import SPEC  # the service's, with its pages

    return [SPEC]


@hookimpl
def kht_register_processes() -> list[ProcessDef]:
    from kht.marketing.service import CAMPAIGN_PROCESS

    return [CAMPAIGN_PROCESS]


@hookimpl(trylast=True)
def kht_demo_data(ctx: Any) -> None:
    """Campaigns across channels with costs, members, leads and revenue (after the
    customers, leads and opportunities; skipped when campaigns exist)."""
    from kht.marketing.demo import load

    load(ctx)


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.marketing.reports)."""
    from kht.marketing.reports import REPORTS

    return REPORTS


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.marketing import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """A new opportunity is attributed to the campaigns that touched its customer."""
    from kht.events import RecordCreated

    if isinstance(event, RecordCreated) and event.kind == "lead":
        from kht.marketing.attribution import lead_from_form

        lead_from_form(ctx, event.record_id)
    if isinstance(event, RecordCreated) and event.kind == "opportunity":
        from kht.marketing.attribution import attribute
        from kht.sales.opportunities.models import Opportunity

        opportunity = ctx.session.get(Opportunity, event.record_id)
        if opportunity is not None:
            attribute(ctx, opportunity)


@hookimpl
def kht_on_mail_status(ctx: Any, change: Any) -> None:
    """A campaign's mass mail moves its members: sent, opened, clicked, bounced,
    unsubscribed (kht.marketing.sends.on_mail_status)."""
    from kht.marketing.sends import on_mail_status

    on_mail_status(ctx, change)


@hookimpl
def kht_on_sms_status(ctx: Any, change: Any) -> None:
    """A campaign's mass SMS moves its members: sent, delivered, undelivered, opted out,
    replied (kht.marketing.sends.on_sms_status)."""
    from kht.marketing.sends import on_sms_status

    on_sms_status(ctx, change)

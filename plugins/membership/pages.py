"""What the member page and the customer 360 panel show: the card's QR code, tier, points,
birthday, latest transactions, the ledger and the tier history (read only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import segno
from markupsafe import Markup

from kht.plugin_api import Ctx, NotFound, translations
from plugins.membership import cross_sell, points, rules, service
from plugins.membership.models import Member


def qr_svg(code: str) -> Markup:
    """The card code as an inline SVG QR code (scanned at the till)."""
    # segno writes the SVG itself and escapes the title: no user markup reaches the page.
    return Markup(segno.make(code, error="m").svg_inline(scale=4, title=code))  # noqa: S704


def _can(ctx: Ctx, module: str, operation: str) -> bool:
    return ctx.user is not None and ctx.user.can(module, operation)


def next_birthday(member: Member, today: Any) -> Any:
    if member.birthday is None:
        return None
    this_year = rules.birthday_in(member.birthday, member.birthday_calendar, today.year)
    if this_year >= today:
        return this_year
    return rules.birthday_in(member.birthday, member.birthday_calendar, today.year + 1)


def labels(ctx: Ctx) -> dict[str, dict[str, str]]:
    gettext = translations(ctx.language).gettext
    return {
        "status": {k: gettext(v) for k, v in service.STATUS_LABELS.items()},
        "segment": {k: gettext(v) for k, v in service.SEGMENT_LABELS.items()},
        "entry": {k: gettext(v) for k, v in service.ENTRY_LABELS.items()},
        "cause": {k: gettext(v) for k, v in service.CAUSE_LABELS.items()},
        "tier": service.tier_names(ctx),
    }


def member_context(ctx: Ctx, member: Member) -> dict[str, Any]:
    """The member page's own sections (extends the shared record page)."""
    today = ctx.today()
    tier = next((t for t in service.tiers(ctx) if t.key == member.tier), None)
    return {
        "qr": qr_svg(member.card_code),
        "m_labels": labels(ctx),
        "tier_row": tier,
        "birthday_next": next_birthday(member, today),
        "birthday_lunar": rules.lunar_label(member.birthday)
        if member.birthday and member.birthday_calendar == "lunar"
        else "",
        "expiring_soon": points.expiring(ctx, member.id, today + timedelta(days=30)),
        "can_serve": _can(ctx, service.MODULE, "edit"),
        "can_adjust": _can(ctx, service.POINTS_MODULE, "edit"),
        "payment_choices": service.PAYMENT_CHOICES,
        "channel_choices": service.CHANNEL_CHOICES,
    }


def panel_context(ctx: Ctx, customer: Any) -> dict[str, Any] | None:
    """The member profile on a customer's 360 page: basic, business, interaction and value
    sections; None when the customer is no member and the user may not enrol one."""
    if not _can(ctx, service.MODULE, "view"):
        return None
    member = service.member_of_customer(ctx, customer.id)
    if member is None:
        if not _can(ctx, service.MODULE, "create"):
            return None
        return {"member": None, "customer_id": customer.id}
    from kht.value.service import scores_of

    try:
        scores = scores_of(ctx, service.MEMBER_KIND, member.id)
    except NotFound:  # a member outside the user's scope: the customer page shows no profile
        return None
    return {
        "member": member,
        "m_labels": labels(ctx),
        "birthday_next": next_birthday(member, ctx.today()),
        "score": scores[0] if scores else None,
        "customer_id": customer.id,
    }


def member_panels(ctx: Ctx, member: Member) -> list[Any]:
    """The member page's panels: cross-sell suggestions, points ledger, latest transactions,
    tier history."""
    from kht.plugin_api import Panel

    shown = labels(ctx)
    return [
        Panel(
            key="membership_points",
            title_zh="积分明细",
            title_en="Points ledger",
            template="membership/panel_points.html",
            order=20,
            context={"ledger": points.ledger(ctx, member.id, 30), "labels": shown},
        ),
        Panel(
            key="membership_transactions",
            title_zh="消费记录",
            title_en="Purchases",
            template="membership/panel_transactions.html",
            order=21,
            phone_first=True,
            context={"transactions": service.transactions_of(ctx, member.id, 20)},
        ),
        Panel(
            key="membership_cross_sell",
            title_zh="推荐品类（交叉销售）",
            title_en="Cross-sell suggestions",
            template="membership/panel_cross_sell.html",
            order=19,
            context={"suggestions": cross_sell.suggestions(ctx, member.id)},
        ),
        Panel(
            key="membership_tiers",
            title_zh="等级变更",
            title_en="Tier history",
            template="membership/panel_tiers.html",
            order=22,
            context={"history": service.tier_history(ctx, member.id), "labels": shown},
        ),
    ]

"""Care through the automation engine (`kht_register_automation`): the pack's moments as
triggers of rules on members — a birthday (solar or lunar), a tier upgrade, points about to
expire, N days since the last purchase — and one action, awarding bonus points. A care
rule is one of these triggers plus the core's actions (notify, plan a call, tag) and, for
a birthday greeting with a gift, `membership.award_points`. A welcome series is the core's
"record created" trigger on members, then `membership.days_since_join`.

Mail and SMS (the core's `send_mail` / `send_sms`) reach a member through its customer
(`message_to`, declared on the member kind), only with the member's consent to the channel;
plugins/membership/care_ready.py sets up the ready strategies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import select

from kht.automation.service import runs_on_record
from kht.plugin_api import (
    N_,
    ActionFailed,
    AutomationAction,
    AutomationTrigger,
    Ctx,
    RecordKind,
    RecordUpdated,
    translations,
)
from plugins.membership import figures, rules
from plugins.membership.models import Member, PointsEntry
from plugins.membership.service import MEMBER_KIND, RANKS

Gettext = Callable[[str], str]
KINDS = (MEMBER_KIND,)


class BirthdayParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # Days relative to the birthday: -3 fires three days before it.
    offset_days: Annotated[int, msgspec.Meta(ge=-30, le=30)] = 0


class TierParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    direction: Literal["up", "down", "any"] = "up"
    to_tier: Annotated[str, msgspec.Meta(max_length=40)] = ""


class ExpiringParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 30


class QuietParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)]
    tiers: list[Annotated[str, msgspec.Meta(min_length=1, max_length=40)]] = []


class JoinedParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)] = 7


class AwardParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    points: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = "care"


def _today(zone: ZoneInfo, now: datetime) -> Any:
    return now.astimezone(zone).date()


def _birthday_due(
    ctx: Ctx,
    spec: RecordKind,
    params: BirthdayParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    """Active members celebrating (solar or lunar) `offset_days` from today; once a year."""
    birthday = _today(zone, now) - timedelta(days=params.offset_days)
    keys = rules.keys_celebrating(birthday)
    condition = Member.birthday_key.in_(keys) & (Member.status == "active")
    return condition, lambda record: f"{birthday.year}"


def _expiring_due(
    ctx: Ctx,
    spec: RecordKind,
    params: ExpiringParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    """Members with points of a lot whose last valid day is `days` from today."""
    last_day = _today(zone, now) + timedelta(days=params.days)
    lots = select(PointsEntry.member_id).where(
        PointsEntry.remaining > 0, PointsEntry.expires_on == last_day
    )
    return Member.id.in_(lots), lambda record: f"expires:{last_day.isoformat()}"


def _quiet_due(
    ctx: Ctx,
    spec: RecordKind,
    params: QuietParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    """Members (of the given tiers) whose last purchase was exactly `days` ago."""
    condition = Member.last_purchase_on == _today(zone, now) - timedelta(days=params.days)
    if params.tiers:
        condition = condition & Member.tier.in_(params.tiers)
    return condition, lambda record: f"last:{record.last_purchase_on}"


def _joined_due(
    ctx: Ctx,
    spec: RecordKind,
    params: JoinedParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    """Members who joined exactly `days` ago (the later steps of a welcome series)."""
    joined = _today(zone, now) - timedelta(days=params.days)
    return Member.join_date == joined, lambda record: f"joined:{record.join_date}"


def _tier_matches(event: Any, params: TierParams) -> bool:
    if not isinstance(event, RecordUpdated) or event.kind != MEMBER_KIND:
        return False
    change = event.changes.get("tier")
    if not change or change[0] == change[1]:
        return False
    old, new = change
    if params.to_tier and new != params.to_tier:
        return False
    if params.direction == "any":
        return True
    up = RANKS.get(new, 0) > RANKS.get(old, -1)
    return up if params.direction == "up" else not up


def _award(ctx: Ctx, spec: RecordKind, record: Any, params: AwardParams, run: Any) -> str:
    """Bonus points for the member, once per run (key `care:<run id>`)."""
    from plugins.membership import points

    points.add_lot(ctx, record, params.points, "care", params.reason, key=f"care:{run.id}")
    figures.cared(ctx, record, rule_name(ctx, record, run))
    return f"+{params.points} points"


def rule_name(ctx: Ctx, member: Member, run: Any) -> str:
    """The name of the care rule whose run this is (what care effectiveness groups by)."""
    for found, name in runs_on_record(ctx, MEMBER_KIND, member.id, 10):
        if found.id == run.id:
            return name
    return ""


CONSENT = {"email": "consent_email", "sms": "consent_sms"}
REFUSALS = {
    "email": N_("The member did not consent to email"),
    "sms": N_("The member did not consent to SMS"),
}


def message_to(ctx: Ctx, member: Member, channel: str, run: Any) -> tuple[str, int]:
    """Mail and SMS about a member go to its customer, only with the member's consent to
    the channel (else the run fails at once, with the reason in the reader's language); a
    message sent counts as the member's latest care."""
    if not getattr(member, CONSENT.get(channel, ""), False):
        gettext = translations(ctx.language or "en").gettext
        raise ActionFailed(gettext(REFUSALS.get(channel, REFUSALS["sms"])))
    figures.cared(ctx, member, rule_name(ctx, member, run))
    return "customer", member.customer_id


DIRECTIONS = {
    "up": N_("When the member moves up a tier"),
    "down": N_("When the member moves down a tier"),
    "any": N_("When the member's tier changes"),
}


def _describe_tier(params: TierParams, gettext: Gettext) -> str:
    text = gettext(DIRECTIONS[params.direction])
    return f"{text} → {params.to_tier}" if params.to_tier else text


def _words(text: str, **values: Any) -> Callable[[Any, Gettext], str]:
    def describe(params: Any, gettext: Gettext) -> str:
        found = {k: getattr(params, v) for k, v in values.items()}
        return gettext(text) % found if found else gettext(text)

    return describe


TRIGGERS = [
    AutomationTrigger(
        key="membership.birthday",
        label_zh="会员生日（公历或农历）",
        label_en="Member's birthday (solar or lunar)",
        params=BirthdayParams,
        kinds=KINDS,
        due=_birthday_due,
        describe=_words(N_("%(days)s days from the member's birthday"), days="offset_days"),
    ),
    AutomationTrigger(
        key="membership.tier_changed",
        label_zh="会员等级变化",
        label_en="Member's tier changes",
        params=TierParams,
        kinds=KINDS,
        matches=_tier_matches,
        describe=_describe_tier,
    ),
    AutomationTrigger(
        key="membership.points_expiring",
        label_zh="积分即将过期",
        label_en="Points about to expire",
        params=ExpiringParams,
        kinds=KINDS,
        due=_expiring_due,
        describe=_words(N_("%(days)s days before points expire"), days="days"),
    ),
    AutomationTrigger(
        key="membership.days_since_join",
        label_zh="入会 N 天后",
        label_en="N days after joining",
        params=JoinedParams,
        kinds=KINDS,
        due=_joined_due,
        describe=_words(N_("%(days)s days after joining"), days="days"),
    ),
    AutomationTrigger(
        key="membership.days_since_purchase",
        label_zh="距上次购买 N 天",
        label_en="N days since the last purchase",
        params=QuietParams,
        kinds=KINDS,
        due=_quiet_due,
        describe=_words(N_("%(days)s days after the last purchase"), days="days"),
    ),
]
ACTIONS = [
    AutomationAction(
        key="membership.award_points",
        label_zh="赠送积分",
        label_en="Award bonus points",
        params=AwardParams,
        kinds=KINDS,
        run=_award,
        describe=_words(N_("Award %(points)s points"), points="points"),
    ),
]

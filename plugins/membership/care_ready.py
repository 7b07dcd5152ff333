"""Ready care strategies (客户关怀) for members: a birthday greeting (solar or lunar, with
bonus points), a tier upgrade congratulation, points about to expire, N days since the last
purchase (for chosen tiers), and a welcome series (on joining, then N days later).

Each is stored as an ordinary automation rule with purpose `care` (listed, switched on and
off and audited on the core's care page), sending a mail or SMS template through the core's
`send_mail` / `send_sms` actions to the member's customer. Consent is kept twice: the rule's
condition selects members who consented to the channel, and the member kind's `message_to`
refuses a message to one who did not (for rules written by hand). Without a template given,
the pack's own default text is used (made once, found by name afterwards).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from kht.automation.schemas import RuleCreate
from kht.automation.service import saved_new
from kht.mail.schemas import TemplateIn as MailTemplateIn
from kht.mail.service import create_template as create_mail_template
from kht.mail.service import list_templates as mail_templates
from kht.plugin_api import N_, Ctx, ValidationError, require
from kht.sms.schemas import TemplateIn as SmsTemplateIn
from kht.sms.service import create_template as create_sms_template
from kht.sms.service import list_templates as sms_templates
from plugins.membership.service import MEMBER_KIND, MODULE, said, tiers

Strategy = Literal[
    "birthday", "tier_upgrade", "points_expiring", "win_back", "welcome", "welcome_followup"
]


class CareSetupIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One ready strategy to set up: its moment, channel and (optionally) template."""

    strategy: Strategy
    channel: Literal["email", "sms"] = "sms"
    # A mail or SMS template of the core; none: the pack's default text for the strategy.
    template_id: int | None = None
    # points_expiring: days before; win_back: days since the purchase; welcome_followup:
    # days after joining (0: the strategy's default 30 / 90 / 7).
    days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 0
    # win_back: only members of these tiers (none: every tier).
    tiers: list[Annotated[str, msgspec.Meta(min_length=1, max_length=40)]] = []
    # birthday: points given with the greeting (0: none; the nightly birthday bonus of the
    # settings is given either way).
    bonus_points: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""


# strategy: (rule name, default days, mail subject, text). The text is the SMS content and
# the mail body; {{ customer.name }} is the customer's merge field.
DEFAULTS: dict[str, tuple[str, int, str, str]] = {
    "birthday": (
        "会员生日祝福",
        0,
        "生日快乐",
        "{{ customer.name }}，祝您生日快乐！生日礼积分已存入您的会员账户。",
    ),
    "tier_upgrade": (
        "会员升级祝贺",
        0,
        "恭喜升级",
        "{{ customer.name }}，恭喜您的会员等级升级！更多权益已为您开通。",
    ),
    "points_expiring": (
        "积分即将过期提醒",
        30,
        "您的积分即将过期",
        "{{ customer.name }}，您有积分即将过期，欢迎到店或线上兑换。",
    ),
    "win_back": (
        "久未购买关怀",
        90,
        "好久不见",
        "{{ customer.name }}，好久不见！新品已到店，期待您的光临。",
    ),
    "welcome": (
        "新会员欢迎",
        0,
        "欢迎加入会员",
        "{{ customer.name }}，欢迎成为我们的会员！消费即可累积积分。",
    ),
    "welcome_followup": (
        "新会员回访",
        7,
        "会员权益介绍",
        "{{ customer.name }}，入会一周了，别忘了您的会员权益：积分、生日礼和等级优惠。",
    ),
}


def _trigger(data: CareSetupIn, days: int) -> dict[str, Any]:
    if data.strategy == "birthday":
        return {"type": "membership.birthday", "params": {"offset_days": 0}}
    if data.strategy == "tier_upgrade":
        return {"type": "membership.tier_changed", "params": {"direction": "up"}}
    if data.strategy == "points_expiring":
        return {"type": "membership.points_expiring", "params": {"days": days}}
    if data.strategy == "win_back":
        return {
            "type": "membership.days_since_purchase",
            "params": {"days": days, "tiers": data.tiers},
        }
    if data.strategy == "welcome":
        return {"type": "record_created", "params": {}}
    return {"type": "membership.days_since_join", "params": {"days": days}}


def _template(ctx: Ctx, data: CareSetupIn) -> int:
    """The template to send: the one given, else the pack's default (made once)."""
    if data.template_id is not None:
        return data.template_id
    name, _, subject, text = DEFAULTS[data.strategy]
    if data.channel == "email":
        found = next((t for t in mail_templates(ctx) if t.name == name), None)
        if found is None:
            found = create_mail_template(ctx, MailTemplateIn(name=name, subject=subject, body=text))
        return found.id
    found = next((t for t in sms_templates(ctx) if t.name == name), None)
    if found is None:
        code = f"MEMBER_{data.strategy.upper()}"
        params = {"name": "{{ customer.name }}"}
        found = create_sms_template(
            ctx, SmsTemplateIn(name=name, code=code, content=text, params=params)
        )
    return found.id


def setup_care(ctx: Ctx, data: CareSetupIn) -> Any:
    """Save one ready strategy as a care rule on members (needs `assign` on membership, and
    the mail or SMS `admin` right when the pack's default template is to be made); a bad
    setting is a 422 naming it. Returns the rule."""
    require(ctx.user, MODULE, "assign")
    known = {tier.key for tier in tiers(ctx)}
    unknown = [key for key in data.tiers if key not in known]
    if unknown:
        raise ValidationError(said(ctx, N_("unknown tier %(tier)s"), tier=unknown[0]), "tiers")
    name, default_days, _, _ = DEFAULTS[data.strategy]
    days = data.days or default_days
    action = "send_mail" if data.channel == "email" else "send_sms"
    actions = [{"type": action, "params": {"template_id": _template(ctx, data)}}]
    if data.strategy == "birthday" and data.bonus_points:
        award = {"points": data.bonus_points, "reason": name}
        actions.append({"type": "membership.award_points", "params": award})
    body = {
        "name": data.name.strip() or f"{name}（{'邮件' if data.channel == 'email' else '短信'}）",
        "kind": MEMBER_KIND,
        "trigger": _trigger(data, days),
        "conditions": [f"consent_{data.channel}:eq:true"],
        "actions": actions,
    }
    try:
        return saved_new(ctx, msgspec.convert(body, RuleCreate), purpose="care")
    except ValidationError as exc:
        field = "template_id" if "template_id" in (exc.field or "") else exc.field
        raise ValidationError(exc.message, field) from None

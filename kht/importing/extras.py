"""Owner, category and tags in an import: found by name, and written after the service's create.

A file names people and categories the way a person reads them (the login or the name of
a user, a category's name or id) and lists tags as text. The owner and the tags are not
part of a kind's create input (a service stamps the owner, tags are links of their own), so
the engine takes them out of a row (`split_extras`) and applies them once the record exists
(`apply_extras`): an assignment and a tag change, audited like the same edit by hand.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from kht import record_service as records
from kht.auth.models import User
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.importing.kinds import Target
from kht.plugin_types import RecordKind
from kht.tags.service import change_tags

EXTRAS = ("owner_id", "tags", "campaign_member", "campaign_status")
# A campaign member status as a file may give it: the key, or its English or Chinese label.
MEMBER_STATUS_KEYS = (
    "targeted",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "responded",
    "registered",
    "attended",
    "converted",
    "unsubscribed",
    "bounced",
)
LIST_SPLIT = re.compile(r"\s*[,;，；、|]\s*")


def owner_target() -> Target:
    """The owner column: a user's login or name."""
    return Target(
        key="owner_id",
        label_zh="负责人",
        label_en="Owner",
        type="owner",
        aliases=("所有者", "业务员", "销售", "销售代表", "跟进人", "owner", "sales rep"),
    )


def tags_target() -> Target:
    """The tags column: names separated by commas (，、; | also work)."""
    return Target(key="tags", label_zh="标签", label_en="Tags", type="tags", aliases=("tag",))


def campaign_member_target() -> Target:
    """The campaign a contact or customer row joins as a member (its code, name or id)."""
    return Target(
        key="campaign_member",
        label_zh="营销活动",
        label_en="Campaign",
        type="ref",
        aliases=("活动", "活动代码", "campaign"),
    )


def campaign_status_target() -> Target:
    """The row's member status in its campaign (default: targeted)."""
    from kht.marketing.views import MEMBER_STATUS_LABELS
    from kht.web.i18n import translations

    zh = translations("zh_CN").gettext
    labels: dict[str, str] = {}
    for key in MEMBER_STATUS_KEYS:
        english = MEMBER_STATUS_LABELS[key]
        labels.update({key: key, english: key, zh(english): key})
    # What an event's sign-in sheet says.
    labels.update({"已参加": "attended", "已签到": "attended", "签到": "attended"})
    return Target(
        key="campaign_status",
        label_zh="活动状态",
        label_en="Campaign status",
        type="choice",
        choices=MEMBER_STATUS_KEYS,
        choice_labels=labels,
        aliases=("成员状态", "参与状态", "member status"),
    )


def join_campaign(ctx: Ctx, spec: RecordKind, record_id: int, extras: dict[str, Any]) -> None:
    """Make an imported record a member of the row's campaign with the row's status, as the
    campaign page does by hand (the campaigns' edit right, the campaign in scope; audited on
    the campaign). A lead joins the campaign of its own Campaign column when the row gives a
    status; a status without a campaign is refused, naming the status column."""
    from kht.marketing.members import set_member

    status = extras.get("campaign_status") or ""
    campaign = extras.get("campaign_member")
    if campaign is None and spec.kind == "lead" and status:
        campaign = records.get_record(ctx, spec, record_id).campaign_id
    if campaign is None:
        if status:
            raise ValidationError("a campaign status needs a campaign", "campaign_status")
        return
    set_member(ctx, campaign, spec.kind, record_id, status or "targeted")


def split_tags(text: str) -> list[str]:
    """Tag names of a cell, in order, without repeats."""
    return list(dict.fromkeys(name for name in LIST_SPLIT.split(text.strip()) if name))


def user_by_login_or_name(ctx: Ctx, text: str) -> int:
    """The active user whose login is `text`, else the one active user with that name.

    A name two users share is refused (the file must then give the login).
    """
    text = text.strip()
    found = ctx.session.scalar(select(User.id).where(User.login == text, User.active))
    if found is not None:
        return found
    query = select(User.id).where(User.name == text, User.active).limit(2)
    ids = list(ctx.session.scalars(query))
    if not ids:
        raise NotFound(f"no active user has the login or name {text!r}")
    if len(ids) > 1:
        raise ValidationError(f"several users are named {text!r}: give the login instead")
    return ids[0]


def campaign_by_code(ctx: Ctx, text: str) -> int:
    """A campaign the importing user can see, by its code, its name (any case) or its id."""
    from kht.marketing.models import Campaign
    from kht.records import record_kind

    text = text.strip()
    spec = record_kind(ctx, "campaign")
    if ctx.user is None or not ctx.user.can(spec.module, "view"):
        raise NotFound(f"no campaign with the code or name {text!r}")
    visible = spec.query(ctx).with_only_columns(Campaign.id)
    found = ctx.session.scalar(visible.where(Campaign.code == text))
    if found is None:
        by_name = visible.where(func.lower(Campaign.name) == text.lower())
        found = ctx.session.scalar(by_name.order_by(Campaign.id))
    if found is None and text.isdigit():
        found = ctx.session.scalar(visible.where(Campaign.id == int(text)))
    if found is None:
        raise NotFound(f"no campaign with the code or name {text!r}")
    return found


def category_by_name(ctx: Ctx, text: str) -> int:
    """A customer category by its name (any case) or its id."""
    from kht.customers.models import CustomerCategory

    text = text.strip()
    query = select(CustomerCategory.id).where(func.lower(CustomerCategory.name) == text.lower())
    found = ctx.session.scalar(query)
    if found is None and text.isdigit():
        found = ctx.session.scalar(
            select(CustomerCategory.id).where(CustomerCategory.id == int(text))
        )
    if found is None:
        raise NotFound(f"no customer category named {text!r}")
    return found


def split_extras(values: dict[str, Any]) -> dict[str, Any]:
    """Take the owner and tags out of a row's values (they are applied after the create)."""
    return {key: values.pop(key) for key in EXTRAS if key in values}


def apply_extras(ctx: Ctx, spec: RecordKind, record_id: int, extras: dict[str, Any]) -> None:
    """Give an imported record its owner and add its tags (audited as assignment and tagging)."""
    owner = extras.get("owner_id")
    if owner is not None:
        record = records.get_record(ctx, spec, record_id)
        if record.owner_id != owner:
            changes = {"owner_id": owner}
            records.update_record(ctx, spec, record, None, changes, operation="assign")
    if extras.get("tags"):
        change_tags(ctx, spec, [record_id], add=extras["tags"])
    join_campaign(ctx, spec, record_id, extras)


def tag_new_records(ctx: Ctx, spec: RecordKind, tagged: list[tuple[int, list[str]]]) -> None:
    """Tag freshly inserted records, one tag change per distinct set of tags."""
    by_tags: dict[tuple[str, ...], list[int]] = {}
    for record_id, names in tagged:
        by_tags.setdefault(tuple(names), []).append(record_id)
    for names, ids in by_tags.items():
        change_tags(ctx, spec, ids, add=list(names))


__all__ = [
    "EXTRAS",
    "apply_extras",
    "campaign_member_target",
    "campaign_status_target",
    "join_campaign",
    "category_by_name",
    "owner_target",
    "split_extras",
    "split_tags",
    "tag_new_records",
    "tags_target",
    "user_by_login_or_name",
]

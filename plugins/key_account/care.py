"""Care through the automation engine (`kht_register_automation`): the pack's moments as
time triggers of rules.

- `key_account.renewal_notice` (agreements): an active agreement whose notice date is N
  days away; it fires once per notice date (a renewed agreement with a new end date has a
  new one). A reminder is this trigger plus the core's notify or plan-action actions.
- `key_account.contribution_drop` (customers): a key account whose revenue over the last
  quarter (91 days, from the nightly run) fell by at least N% against the quarter before;
  once per calendar quarter. On customers, so the core's "plan an action" gives the
  key-account manager (the owner) a task and a review meeting.

A change of ABC class is the core's "record updated" trigger on key accounts with the
field `abc_class` (the nightly run announces it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import select

from kht.plugin_api import N_, AutomationTrigger, Ctx, RecordKind
from plugins.key_account.models import Account, Agreement
from plugins.key_account.service import AGREEMENT_KIND

Gettext = Callable[[str], str]


class NoticeParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 30


class DropParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    percent: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


def _today(zone: ZoneInfo, now: datetime) -> Any:
    return now.astimezone(zone).date()


def _notice_due(
    ctx: Ctx,
    spec: RecordKind,
    params: NoticeParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    """Active agreements whose notice date is `days` from today; once per notice date."""
    day = _today(zone, now) + timedelta(days=params.days)
    condition = (Agreement.notice_date == day) & (Agreement.status == "active")
    return condition, lambda record: f"notice:{record.notice_date.isoformat()}"


def dropped(percent: int) -> Any:
    """Customers whose key account's last quarter fell `percent` % or more on the one before."""
    kept = (100 - percent) / 100
    a = Account
    return select(a.customer_id).where(
        a.deleted_at.is_(None),
        a.previous_quarter_revenue > 0,
        a.quarter_revenue <= a.previous_quarter_revenue * kept,
    )


def _drop_due(
    ctx: Ctx,
    spec: RecordKind,
    params: DropParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    today = _today(zone, now)
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    return spec.model.id.in_(dropped(params.percent)), lambda record: f"drop:{quarter}"


def _words(text: str, **values: str) -> Callable[[Any, Gettext], str]:
    def describe(params: Any, gettext: Gettext) -> str:
        return gettext(text) % {k: getattr(params, v) for k, v in values.items()}

    return describe


TRIGGERS = [
    AutomationTrigger(
        key="key_account.renewal_notice",
        label_zh="协议通知日前 N 天",
        label_en="N days before an agreement's notice date",
        params=NoticeParams,
        kinds=(AGREEMENT_KIND,),
        due=_notice_due,
        describe=_words(N_("%(days)s days before the agreement's notice date"), days="days"),
    ),
    AutomationTrigger(
        key="key_account.contribution_drop",
        label_zh="大客户季度贡献下降",
        label_en="Key account's quarterly contribution drops",
        params=DropParams,
        kinds=("customer",),
        due=_drop_due,
        describe=_words(
            N_("The account's contribution fell %(percent)s%% quarter on quarter"),
            percent="percent",
        ),
    ),
]

"""Demo agenda: planned calls, visits and meetings (with reminders, participants and, for
online meetings, their links) for the demo customers, spread over yesterday (overdue), today
and the coming week."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from kht.actions.models import Action
from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.auth.service import find_user
from kht.context import Ctx
from kht.customers.models import Customer

# customer, owner, type, subject, day (0 = today), hour, reminder minutes before, participants
DEMO_PLANS = (
    ("上海华东电器集团有限公司", "qian.rep", "call", "回访：确认报价反馈", -1, 10, 30, ()),
    (
        "杭州西湖医疗器械有限公司",
        "qian.rep",
        "visit",
        "上门演示监护仪",
        0,
        15,
        60,
        ("zhao.manager",),
    ),
    (
        "上海华东电器集团有限公司",
        "qian.rep",
        "meeting",
        "年度采购计划沟通会",
        2,
        10,
        60,
        ("zhao.manager", "wu.service"),
    ),
    (
        "清华同方威视技术股份有限公司",
        "sun.rep",
        "visit",
        "拜访采购部李经理",
        1,
        9,
        60,
        ("li.director",),
    ),
    ("北京中关村科技发展有限公司", "sun.rep", "task", "发送复印机方案与报价", 0, 17, 30, ()),
    ("Northwind Traders Ltd.", "zhao.manager", "call", "Follow up on the tender", 3, 16, 15, ()),
    (
        "清华同方威视技术股份有限公司",
        "sun.rep",
        "meeting",
        "线上方案评审会",
        1,
        14,
        15,
        ("li.director",),
    ),
    ("Northwind Traders Ltd.", "zhao.manager", "meeting", "Online demo", 4, 9, 15, ()),
)
# Online meetings: their links (the join button on the agenda and the action's page).
DEMO_LINKS = {
    "年度采购计划沟通会": "https://meeting.tencent.com/dm/demo2026",
    "线上方案评审会": "https://meeting.dingtalk.com/j/demo-review",
    "Online demo": "https://zoom.us/j/1234567890",
}


def load(ctx: Ctx) -> None:
    """Create the demo plans once (skipped when their subjects exist)."""
    from kht.demo import act_as

    existing = set(ctx.session.scalars(select(Action.subject).where(Action.status == "planned")))
    for name, owner, kind, subject, day, hour, before, guests in DEMO_PLANS:
        customer_id = ctx.session.scalar(select(Customer.id).where(Customer.name == name))
        if subject in existing or customer_id is None or find_user(ctx.session, owner) is None:
            continue
        acting = act_as(ctx, owner)
        local_day = acting.today() + timedelta(days=day)
        due = datetime.combine(local_day, time(hour), acting.zone)
        participants = [user.id for g in guests if (user := find_user(ctx.session, g))]
        log_action(
            acting,
            ActionCreate(
                kind="customer",
                record_id=customer_id,
                type=kind,
                subject=subject,
                status="planned",
                due_at=due,
                remind_at=due - timedelta(minutes=before),
                participant_ids=participants,
                meeting_url=DEMO_LINKS.get(subject, ""),
            ),
        )

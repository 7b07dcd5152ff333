"""The contacts module's hook implementations: routes, menu, record kind, panel, demo data."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import Panel, RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.contacts import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.contacts.views import SPEC  # the service's, with its pages

    return [SPEC]


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The contacts of a customer, with an "add contact" link, on the customer page."""
    if kind != "customer" or ctx.user is None or not ctx.user.can("contacts", "view"):
        return None
    from kht.contacts.service import contacts_of_customer

    contacts = [
        {
            "id": c.id,
            "name": c.name,
            "title": c.title,
            "role": c.role,
            "phone": c.phone,
            "mobile": c.mobile,
            "email": c.email,
        }
        for c in contacts_of_customer(ctx, record.id)
    ]
    return [
        Panel(
            key="contacts",
            title_zh="联系人",
            title_en="Contacts",
            template="contacts/panel.html",
            order=10,
            phone_first=True,
            context={
                "contacts": contacts,
                "customer_id": record.id,
                "can_add": ctx.user.can("contacts", "create"),
            },
        )
    ]


# customer name -> contacts (name, title, role, influence, attitude, mobile, email, wechat).
# Each is created by the customer's owner, who thereby owns it.
DEMO_CONTACTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "清华同方威视技术股份有限公司": (
        (
            "王建国",
            "采购总监",
            "decision_maker",
            "high",
            "supportive",
            "13901012345",
            "wangjg@nuctech.example.cn",
            "wang_jianguo",
        ),
        (
            "刘芳",
            "设备科工程师",
            "user",
            "medium",
            "neutral",
            "13611098765",
            "liufang@nuctech.example.cn",
            "",
        ),
    ),
    "上海华东电器集团有限公司": (
        (
            "陈志强",
            "总经理",
            "decision_maker",
            "high",
            "neutral",
            "13817654321",
            "chenzq@hdelec.example.cn",
            "czq_sh",
        ),
        (
            "黄丽",
            "总经理助理",
            "gatekeeper",
            "low",
            "supportive",
            "13916543210",
            "huangli@hdelec.example.cn",
            "",
        ),
    ),
    "杭州西湖医疗器械有限公司": (
        (
            "周敏",
            "技术副总",
            "influencer",
            "high",
            "opposed",
            "13757112233",
            "zhoumin@xihu-med.example.cn",
            "zm_hz",
        ),
    ),
    "Northwind Traders Ltd.": (
        (
            "Margaret Peacock",
            "Purchasing Manager",
            "decision_maker",
            "high",
            "supportive",
            "+44 7700 900123",
            "margaret.peacock@northwind.example.com",
            "",
        ),
        (
            "Steven Buchanan",
            "IT Lead",
            "influencer",
            "medium",
            "unknown",
            "+44 7700 900456",
            "steven.buchanan@northwind.example.com",
            "",
        ),
    ),
    "北京中关村科技发展有限公司": (
        (
            "赵磊",
            "行政主管",
            "user",
            "medium",
            "supportive",
            "18601234567",
            "zhaolei@zgc-tech.example.cn",
            "zhaolei1988",
        ),
    ),
}


@hookimpl
def kht_demo_data(ctx: Any) -> None:
    """Contacts at the demo customers, created by each customer's owner (skipped if present)."""
    from sqlalchemy import select

    from kht.auth.models import User
    from kht.contacts.models import Contact
    from kht.contacts.service import add_contact
    from kht.customers.models import Customer
    from kht.demo import act_as

    existing = set(ctx.session.execute(select(Contact.customer_id, Contact.name)).all())
    for customer_name, people in DEMO_CONTACTS.items():
        row = ctx.session.execute(
            select(Customer.id, User.login)
            .outerjoin(User, User.id == Customer.owner_id)
            .where(Customer.name == customer_name, Customer.deleted_at.is_(None))
        ).first()
        if row is None:
            continue
        acting = act_as(ctx, row.login) if row.login else ctx
        for name, title, role, influence, attitude, mobile, email, wechat in people:
            if (row.id, name) in existing:
                continue
            add_contact(
                acting,
                {
                    "customer_id": row.id,
                    "name": name,
                    "title": title,
                    "role": role,
                    "influence": influence,
                    "attitude": attitude,
                    "mobile": mobile,
                    "email": email,
                    "wechat": wechat,
                },
            )


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.contacts.reports)."""
    from kht.contacts.reports import REPORTS

    return REPORTS

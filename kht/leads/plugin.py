"""The leads module's hook implementations: routes, menu, record kind, demo data."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.leads import api, views, views_public

    return [*api.ROUTES, *views.ROUTES, *views_public.ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.leads.views import SPEC  # the service's, with its pages

    return [SPEC]


# (name, company, title, phone, email, source, notes, owner login or None for the pool).
# Some repeat demo customers and contacts on purpose, so duplicate detection has work.
DEMO_LEADS = (
    (
        "王建国",
        "清华同方威视技术股份有限公司",
        "采购总监",
        "+86 139 0101 2345",
        "wangjg@nuctech.example.cn",
        "展会",
        "2025 医疗器械博览会上留下名片，询问安检设备更新方案。",
        "sun.rep",
    ),
    (
        "马晓东",
        "上海华东电器 有限公司",
        "设备部经理",
        "021-5888 1234",
        "",
        "电话",
        "来电咨询批量采购折扣。",
        "qian.rep",
    ),
    (
        "Laura Callahan",
        "Northwind Traders, Ltd.",
        "Buyer",
        "+44 20 7946 0000",
        "laura.callahan@northwind.example.com",
        "referral",
        "Referred by Margaret Peacock.",
        "zhao.manager",
    ),
    (
        "林晓梅",
        "苏州工业园区精密制造有限公司",
        "行政总监",
        "13962101234",
        "linxm@sipmfg.example.cn",
        "官网",
        "官网下载了产品白皮书。",
        None,
    ),
    (
        "郭强",
        "深圳前海创新科技股份有限公司",
        "CTO",
        "13510987654",
        "guoq@qhtech.example.cn",
        "展会",
        "深圳高交会展位交流，对远程运维感兴趣。",
        None,
    ),
    (
        "Anna Schmidt",
        "Berliner Medizintechnik GmbH",
        "Procurement",
        "+49 30 1234567",
        "anna.schmidt@bmt.example.de",
        "官网",
        "Asked for an English brochure and CE documents.",
        "zhao.manager",
    ),
    (
        "陈志强",
        "",
        "",
        "138 1765 4321",
        "ChenZQ@hdelec.example.cn",
        "referral",
        "老客户陈总介绍的朋友，需确认是否同一人。",
        "qian.rep",
    ),
    (
        "何静",
        "成都天府医疗器械有限公司",
        "采购专员",
        "028-8765 4321",
        "hejing@tfmed.example.cn",
        "电话",
        "",
        "sun.rep",
    ),
)


@hookimpl
def kht_demo_data(ctx: Any) -> None:
    """Leads from fairs, the website, calls and referrals (skipped when already present)."""
    from sqlalchemy import select

    from kht.auth.service import find_user
    from kht.demo import act_as
    from kht.leads.models import Lead
    from kht.leads.schemas import LeadCreate
    from kht.leads.service import create_lead

    existing = set(ctx.session.execute(select(Lead.name, Lead.company)).all())
    for name, company, title, phone, email, source, notes, owner in DEMO_LEADS:
        if (name, company) in existing:
            continue
        data = LeadCreate(
            name=name,
            company=company,
            title=title,
            phone=phone,
            email=email,
            source=source,
            notes=notes,
        )
        if owner is None:
            create_lead(ctx, data, owner_id=None)  # in the pool, for any rep to pick up
        else:
            create_lead(act_as(ctx, owner) if find_user(ctx.session, owner) else ctx, data)


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.leads.reports)."""
    from kht.leads.reports import REPORTS

    return REPORTS

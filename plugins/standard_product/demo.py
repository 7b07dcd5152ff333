"""Demo data of the pack (`kht demo`): a target profile, routing, and leads that get scored."""

from __future__ import annotations

from typing import Any

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead, list_leads
from kht.plugin_api import Ctx
from kht.value.service import active_users
from plugins.standard_product.models import SETTINGS_ID, PackSettings
from plugins.standard_product.schemas import Settings
from plugins.standard_product.service import NAME, save_settings

# (name, company, source, pack field values, done actions (type, subject))
DEMO_LEADS: tuple[tuple[str, str, str, dict[str, Any], tuple[tuple[str, str], ...]], ...] = (
    (
        "王建国",
        "上海精工机械有限公司",
        "展会",
        {
            "industry": "machinery",
            "company_size": "staff_200_999",
            "purchase_timeframe": "within_1_month",
            "budget_range": "from_500k_to_2m",
            "product_interest": ["equipment", "maintenance"],
            "province": "上海",
        },
        (("meeting", "展会后到访公司，演示整机"), ("call", "确认采购预算与时间")),
    ),
    (
        "李晓梅",
        "北京华远汽车零部件公司",
        "官网表单",
        {
            "industry": "automotive",
            "company_size": "staff_1000_plus",
            "purchase_timeframe": "months_1_3",
            "budget_range": "over_2m",
            "product_interest": ["equipment"],
            "province": "北京",
        },
        (("call", "初次电话沟通需求"),),
    ),
    (
        "陈小平",
        "广州小平家具店",
        "百度推广",
        {
            "industry": "furniture",
            "company_size": "staff_1_49",
            "purchase_timeframe": "no_plan",
            "budget_range": "under_100k",
            "product_interest": ["parts"],
            "province": "广东",
        },
        (("email", "发送产品资料"),),
    ),
    (
        "赵敏",
        "杭州明达仪器有限公司",
        "转介绍",
        {
            "industry": "instruments",
            "company_size": "staff_50_199",
            "purchase_timeframe": "months_3_6",
            "budget_range": "from_100k_to_500k",
            "product_interest": ["consumables"],
            "province": "浙江",
        },
        (),
    ),
)
DEMO_REPS = ("钱销售", "孙销售")


def _demo_settings(ctx: Ctx) -> None:
    if ctx.session.get(PackSettings, SETTINGS_ID) is not None:
        return  # the company's own settings win over the demo's
    by_name = {name: user_id for user_id, name in active_users(ctx)}
    reps = [by_name[name] for name in DEMO_REPS if name in by_name]
    territories = dict(zip(("上海", "北京"), reps, strict=False))
    save_settings(
        ctx,
        Settings(
            target_industries=["automotive", "machinery", "medical_devices"],
            target_sizes=["staff_200_999", "staff_1000_plus"],
            target_timeframes=["within_1_month", "months_1_3"],
            target_budgets=["from_500k_to_2m", "over_2m"],
            target_products=["equipment", "maintenance"],
            threshold=60,
            routing="territory" if reps else "none",
            reps=reps,
            territories=territories,
        ),
    )


def load_demo(ctx: Ctx) -> None:
    """Save demo settings (once) and add the demo leads (skipped when present) unowned, so
    scoring routes the hot ones and tags the cold ones for nurturing."""
    _demo_settings(ctx)
    for name, company, source, values, actions in DEMO_LEADS:
        if list_leads(ctx, q=company)[1]:
            continue
        lead = create_lead(
            ctx,
            LeadCreate(name=name, company=company, source=source, ext={NAME: values}),
            owner_id=None,
        )
        for type_, subject in actions:
            log_action(
                ctx, ActionCreate(kind="lead", record_id=lead.id, type=type_, subject=subject)
            )

"""Demo data of the pack (`kht demo`): a target profile, routing, and leads that get scored."""

from __future__ import annotations

from typing import Any

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead, list_leads
from kht.plugin_api import Ctx
from kht.value.service import active_users
from plugins.standard_product import fields as f
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
            "industry": f.INDUSTRIES[2],
            "company_size": f.SIZES[2],
            "purchase_timeframe": f.TIMEFRAMES[0],
            "budget_range": f.BUDGETS[2],
            "product_interest": [f.PRODUCTS[0], f.PRODUCTS[3]],
            "province": "上海",
        },
        (("meeting", "展会后到访公司，演示整机"), ("call", "确认采购预算与时间")),
    ),
    (
        "李晓梅",
        "北京华远汽车零部件公司",
        "官网表单",
        {
            "industry": f.INDUSTRIES[0],
            "company_size": f.SIZES[3],
            "purchase_timeframe": f.TIMEFRAMES[1],
            "budget_range": f.BUDGETS[3],
            "product_interest": [f.PRODUCTS[0]],
            "province": "北京",
        },
        (("call", "初次电话沟通需求"),),
    ),
    (
        "陈小平",
        "广州小平家具店",
        "百度推广",
        {
            "industry": f.INDUSTRIES[6],
            "company_size": f.SIZES[0],
            "purchase_timeframe": f.TIMEFRAMES[4],
            "budget_range": f.BUDGETS[0],
            "product_interest": [f.PRODUCTS[1]],
            "province": "广东",
        },
        (("email", "发送产品资料"),),
    ),
    (
        "赵敏",
        "杭州明达仪器有限公司",
        "转介绍",
        {
            "industry": f.INDUSTRIES[4],
            "company_size": f.SIZES[1],
            "purchase_timeframe": f.TIMEFRAMES[2],
            "budget_range": f.BUDGETS[1],
            "product_interest": [f.PRODUCTS[2]],
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
            target_industries=[f.INDUSTRIES[0], f.INDUSTRIES[2], f.INDUSTRIES[3]],
            target_sizes=[f.SIZES[2], f.SIZES[3]],
            target_timeframes=[f.TIMEFRAMES[0], f.TIMEFRAMES[1]],
            target_budgets=[f.BUDGETS[2], f.BUDGETS[3]],
            target_products=[f.PRODUCTS[0], f.PRODUCTS[3]],
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

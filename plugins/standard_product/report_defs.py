"""The pack's entries in the report catalogue: its own report pages (source quality, win
rate by product line, rep performance) and reports grouping leads and customers by the
pack's fields, declared through the public API like any pack's."""

from __future__ import annotations

from functools import partial

from kht.plugin_api import ReportMeasure, report, report_page

INDUSTRY = "ext.standard_product.industry"
SIZE = "ext.standard_product.company_size"
PROVINCE = "ext.standard_product.province"
BUDGET = "ext.standard_product.budget_range"
TIMEFRAME = "ext.standard_product.purchase_timeframe"
customers = partial(report, "customer", "customers")
leads = partial(report, "lead", "leads")
CONVERSION = (
    ReportMeasure(key="leads", label_zh="线索数", label_en="Leads"),
    ReportMeasure(
        key="converted", label_zh="已转化", label_en="Converted", filters=("status:eq:converted",)
    ),
    ReportMeasure(
        key="rate",
        label_zh="转化率%",
        label_en="Conversion %",
        agg="ratio",
        numerator="converted",
        denominator="leads",
    ),
)


REPORTS = [
    report_page(
        "standard_product.reports",
        "leads",
        "leads",
        "/standard_product/reports",
        "线索来源质量与报价赢率（标准产品）",
        "Lead source quality and quote win rate (standard product)",
        "线索评分、热线索占比、各产品线报价赢率、销售活动与结果",
        "Lead scores, hot share, quote win rate per product line, activity against results",
    ),
    report_page(
        "standard_product.performance",
        "opportunities",
        "opportunities",
        "/standard_product/performance",
        "销售业绩",
        "Rep performance",
        "各销售的行动、机会、赢单与目标完成",
        "Per rep: actions, opportunities, won and quota",
    ),
    customers(
        "standard_product.customers_by_industry",
        "各行业客户",
        "Customers by industry",
        INDUSTRY,
        chart="pie",
    ),
    customers(
        "standard_product.customers_by_size", "各规模客户", "Customers by company size", SIZE
    ),
    customers(
        "standard_product.customers_by_province", "各省份客户", "Customers by province", PROVINCE
    ),
    customers(
        "standard_product.industry_by_stage",
        "行业 × 客户阶段",
        "Industry by customer stage",
        INDUSTRY,
        "stage",
        chart="stacked",
    ),
    leads(
        "standard_product.leads_by_industry",
        "各行业线索转化",
        "Lead conversion per industry",
        INDUSTRY,
        measures=CONVERSION,
    ),
    leads(
        "standard_product.leads_by_budget",
        "各预算线索转化",
        "Lead conversion per budget",
        BUDGET,
        measures=CONVERSION,
    ),
    leads(
        "standard_product.leads_by_timeframe",
        "采购时间分布",
        "Leads by purchase timeframe",
        TIMEFRAME,
        chart="pie",
    ),
    leads("standard_product.leads_by_province", "各省份线索", "Leads by province", PROVINCE),
]

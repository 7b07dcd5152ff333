"""The marketing module's reports (into the library): campaigns' reach, responses, leads,
opportunities, revenue, cost per lead / opportunity and ROI per channel, type and period."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportMeasure, report

campaigns = partial(report, "campaign", "marketing")


def _sum(key: str, zh: str, en: str) -> ReportMeasure:
    return ReportMeasure(key=key, label_zh=zh, label_en=en, agg="sum", field=key)


def _per(key: str, zh: str, en: str, numerator: str, denominator: str) -> ReportMeasure:
    return ReportMeasure(
        key=key, label_zh=zh, label_en=en, agg="per", numerator=numerator, denominator=denominator
    )


def _ratio(key: str, zh: str, en: str, numerator: str, denominator: str) -> ReportMeasure:
    return ReportMeasure(
        key=key, label_zh=zh, label_en=en, agg="ratio", numerator=numerator, denominator=denominator
    )


EFFECT = (
    ReportMeasure(key="count", label_zh="活动数", label_en="Campaigns"),
    _sum("reached", "触达数", "Reached"),
    _sum("responded", "响应数", "Responded"),
    _ratio("response_rate", "响应率%", "Response rate %", "responded", "reached"),
    _sum("leads", "线索数", "Leads"),
    _sum("opportunities", "销售机会数", "Opportunities"),
    _sum("won_deals", "赢单数", "Won deals"),
    _sum("cost", "实际成本", "Cost"),
    _per("cost_per_lead", "单条线索成本", "Cost per lead", "cost", "leads"),
    _per("cost_per_opportunity", "单个机会成本", "Cost per opportunity", "cost", "opportunities"),
    _per("cost_per_won_deal", "单笔赢单成本", "Cost per won deal", "cost", "won_deals"),
    _sum("won_revenue", "赢单收入", "Won revenue"),
    _sum("profit", "收益", "Return"),
    _ratio("roi", "投资回报率%", "ROI %", "profit", "cost"),
)
CONVERSION = (
    _sum("members", "成员数", "Members"),
    _sum("reached", "触达数", "Reached"),
    _sum("responded", "响应数", "Responded"),
    _sum("leads", "线索数", "Leads"),
    _sum("opportunities", "销售机会数", "Opportunities"),
    _ratio("to_lead", "响应→线索%", "Response → lead %", "leads", "responded"),
    _ratio("to_opportunity", "线索→机会%", "Lead → opportunity %", "opportunities", "leads"),
)
TOUCH = (
    _sum("won_revenue", "首次触达收入", "Won revenue, first touch"),
    _sum("won_revenue_last", "末次触达收入", "Won revenue, last touch"),
)

REPORTS = [
    campaigns(
        "marketing.effect_by_channel",
        "各渠道营销效果与投资回报",
        "Campaign effect and ROI by channel",
        "channel",
        measures=EFFECT,
        chart="table",
    ),
    campaigns(
        "marketing.effect_by_campaign",
        "各活动营销效果与投资回报",
        "Effect and ROI per campaign",
        "name",
        measures=EFFECT,
        chart="table",
    ),
    campaigns(
        "marketing.effect_by_month",
        "每月营销效果（按开始月份）",
        "Campaign effect by start month",
        "start_date:month",
        measures=EFFECT,
        chart="line",
    ),
    campaigns(
        "marketing.conversion_by_channel",
        "各渠道各环节转化",
        "Conversion at every step by channel",
        "channel",
        measures=CONVERSION,
        chart="table",
    ),
    campaigns(
        "marketing.revenue_by_touch",
        "首次与末次触达收入",
        "Revenue by first and last touch",
        "name",
        measures=TOUCH,
    ),
    campaigns(
        "marketing.cost_by_channel",
        "各渠道营销费用",
        "Campaign cost by channel",
        "channel",
        measures=(_sum("cost", "实际成本", "Cost"),),
        chart="pie",
    ),
]

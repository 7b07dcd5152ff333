"""The pack's entries in the report catalogue (category `membership`), declared as data
over the list columns of members and their transactions: tiers, repeat purchase, frequency,
the RFM matrix and segments, churn risk, points outstanding, spend by month, store and
category, payment methods."""

from __future__ import annotations

from functools import partial

from kht.plugin_api import ReportDimension, ReportMeasure, report

members = partial(report, "membership_member", "membership")
purchases = partial(report, "membership_transaction", "membership")

MEMBERS = ReportMeasure(key="members", label_zh="会员数", label_en="Members")
POINTS = ReportMeasure(
    key="points",
    label_zh="未用积分",
    label_en="Points outstanding",
    agg="sum",
    field="points_balance",
)
SPEND = ReportMeasure(key="spend", label_zh="金额", label_en="Amount", agg="sum", field="amount")
REPEAT = (
    MEMBERS,
    ReportMeasure(
        key="buyers", label_zh="有购买", label_en="Buyers", filters=("purchase_count:gte:1",)
    ),
    ReportMeasure(
        key="repeat", label_zh="复购", label_en="Repeat buyers", filters=("purchase_count:gte:2",)
    ),
    ReportMeasure(
        key="rate",
        label_zh="复购率%",
        label_en="Repeat rate %",
        agg="ratio",
        numerator="repeat",
        denominator="buyers",
    ),
)

REPORTS = [
    members(
        "membership.by_tier",
        "会员等级分布",
        "Members by tier",
        "tier",
        measures=(MEMBERS, POINTS),
        chart="pie",
        description_zh="各等级会员数与未用积分（积分负债）",
        description_en="Members and outstanding points (the points liability) per tier",
    ),
    members(
        "membership.tier_by_store",
        "门店 × 等级",
        "Tiers per store",
        "home_store",
        "tier",
        chart="stacked",
    ),
    members(
        "membership.repeat_rate",
        "各门店复购率",
        "Repeat-purchase rate per store",
        "home_store",
        measures=REPEAT,
    ),
    members(
        "membership.frequency",
        "购买频次分布",
        "Purchase frequency",
        ReportDimension(field="purchase_count", bucket="range", ranges=(1, 2, 5, 10, 20)),
    ),
    members(
        "membership.rfm_matrix",
        "RFM 矩阵（R × F）",
        "RFM matrix (R by F)",
        "r_score",
        "f_score",
        chart="table",
        filters=("purchase_count:gte:1",),
    ),
    members(
        "membership.segments",
        "RFM 分群",
        "RFM segments",
        "rfm_segment",
        measures=(MEMBERS, POINTS),
        filters=("purchase_count:gte:1",),
        chart="pie",
    ),
    members(
        "membership.churn_risk",
        "流失风险会员（按门店）",
        "Members at risk of churn per store",
        "home_store",
        filters=("rfm_segment:in:at_risk,cant_lose,hibernating",),
        description_zh="分群为流失风险、不能失去、休眠的会员；点开即名单",
        description_en="At risk, can't lose and hibernating members; a cell opens the list",
    ),
    members(
        "membership.joined_by_month",
        "入会趋势",
        "Members joined per month",
        "join_date:month",
        chart="line",
    ),
    purchases(
        "membership.spend_by_month",
        "会员消费趋势",
        "Member spend per month",
        "occurred_on:month",
        measures=(SPEND,),
        chart="line",
    ),
    purchases(
        "membership.store_by_category",
        "门店 × 品类消费",
        "Spend per store and category",
        "store",
        "category",
        measures=(SPEND,),
        chart="stacked",
        filters=("kind:eq:purchase",),
    ),
    purchases(
        "membership.payment_methods",
        "支付方式",
        "Payment methods",
        "payment_method",
        measures=(SPEND,),
        chart="pie",
        filters=("kind:eq:purchase",),
    ),
]

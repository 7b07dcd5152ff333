"""The pack's entries in the report catalogue (category `membership`), declared as data
over the list columns of members and their transactions: tiers and tier movement, repeat
purchase, frequency, the RFM matrix and segments, churn risk, the points liability, care
effectiveness, the referral leaderboard, spend by month, store and category, payment
methods. The figures they group by are kept on each member (plugins/membership/figures.py)."""

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

LIABILITY = (
    ReportMeasure(
        key="issued", label_zh="已发放", label_en="Issued", agg="sum", field="points_issued"
    ),
    ReportMeasure(
        key="redeemed",
        label_zh="已兑换",
        label_en="Redeemed",
        agg="sum",
        field="points_redeemed",
    ),
    ReportMeasure(
        key="expired", label_zh="已过期", label_en="Expired", agg="sum", field="points_expired"
    ),
    POINTS,
)
CARE = (
    ReportMeasure(key="cared", label_zh="关怀会员", label_en="Members cared for"),
    ReportMeasure(
        key="bought",
        label_zh="30 天内购买",
        label_en="Bought within 30 days",
        filters=("care_converted_on:not_empty",),
    ),
    ReportMeasure(
        key="rate",
        label_zh="转化率%",
        label_en="Conversion %",
        agg="ratio",
        numerator="bought",
        denominator="cared",
    ),
    ReportMeasure(
        key="spend",
        label_zh="关怀后消费",
        label_en="Spend after care",
        agg="sum",
        field="care_spend",
    ),
)
REFERRALS = (
    ReportMeasure(
        key="referred",
        label_zh="推荐会员数",
        label_en="Members referred",
        agg="sum",
        field="referrals",
    ),
    ReportMeasure(
        key="referred_spend",
        label_zh="被推荐会员消费",
        label_en="Their spend",
        agg="sum",
        field="referred_spend",
    ),
)

REPORTS = [
    members(
        "membership.tier_movement",
        "等级变动（原等级 → 现等级）",
        "Tier movement (previous to current tier)",
        "previous_tier",
        "tier",
        chart="table",
        filters=("previous_tier:not_empty",),
        description_zh="每位会员最近一次等级变动：从哪个等级到哪个等级；按变动日期筛选可看某段时间",
        description_en="Each member's latest move, from which tier to which; filter by the "
        "tier date for a period",
    ),
    members(
        "membership.tier_moves_by_month",
        "等级变动趋势",
        "Tier moves per month",
        "tier_since:month",
        "tier",
        chart="stacked",
        filters=("previous_tier:not_empty",),
    ),
    members(
        "membership.points_liability",
        "积分负债（发放、兑换、过期、未用）",
        "Points liability (issued, redeemed, expired, outstanding)",
        "tier",
        measures=LIABILITY,
        chart="table",
        description_zh="发放、兑换、过期截至最近一次夜间运行；未用积分为实时余额",
        description_en="Issued, redeemed and expired as of the last nightly run; outstanding "
        "is the live balance",
    ),
    members(
        "membership.care_effectiveness",
        "关怀效果",
        "Care effectiveness",
        "care_rule",
        measures=CARE,
        chart="table",
        filters=("care_rule:not_empty",),
        description_zh="每条关怀规则最近关怀的会员，及其中 30 天内再次购买的比例和金额",
        description_en="Members each care rule reached last, and how many bought within 30 "
        "days, for how much",
    ),
    members(
        "membership.referral_leaderboard",
        "推荐排行榜",
        "Referral leaderboard",
        "number",
        measures=REFERRALS,
        filters=("referrals:gte:1",),
        description_zh="推荐会员最多的会员（截至最近一次夜间运行）",
        description_en="The members who referred the most members (as of the last nightly run)",
    ),
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

"""The quotes module's reports: quotes by status and rep, win rate, discounts, expiry."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportDimension, ReportMeasure, report

quotes = partial(report, "quote", "quotes")
COUNT = ReportMeasure(key="count", label_zh="报价数", label_en="Quotes")
TOTAL = ReportMeasure(key="total", label_zh="金额", label_en="Total", agg="sum", field="total")
DISCOUNT = ReportMeasure(
    key="discount", label_zh="折扣", label_en="Discount", agg="sum", field="discount_total"
)
LIVE = "status:ne:superseded"
WIN_RATE = (
    ReportMeasure(
        key="accepted", label_zh="已接受", label_en="Accepted", filters=("status:eq:accepted",)
    ),
    ReportMeasure(
        key="decided",
        label_zh="已答复",
        label_en="Answered",
        filters=("status:in:accepted,rejected,expired",),
    ),
    ReportMeasure(
        key="rate",
        label_zh="报价赢率%",
        label_en="Quote win rate %",
        agg="ratio",
        numerator="accepted",
        denominator="decided",
    ),
)

REPORTS = [
    quotes(
        "quotes.by_status",
        "报价状态",
        "Quotes by status",
        "status",
        measures=(COUNT, TOTAL),
        chart="pie",
    ),
    quotes(
        "quotes.by_owner",
        "各负责人报价",
        "Quotes per owner",
        "owner_id",
        filters=(LIVE,),
        measures=(COUNT, TOTAL),
    ),
    quotes(
        "quotes.by_department",
        "各部门报价",
        "Quotes per department",
        "owner_id:department",
        filters=(LIVE,),
        measures=(COUNT, TOTAL),
    ),
    quotes(
        "quotes.per_month",
        "每月报价",
        "Quotes per month",
        "quote_date:month",
        filters=(LIVE,),
        measures=(COUNT, TOTAL),
        chart="line",
    ),
    quotes(
        "quotes.win_rate_by_owner",
        "各负责人报价赢率",
        "Quote win rate per owner",
        "owner_id",
        measures=WIN_RATE,
    ),
    quotes(
        "quotes.win_rate_by_month",
        "每月报价赢率",
        "Quote win rate per month",
        "quote_date:month",
        measures=WIN_RATE,
        chart="line",
    ),
    quotes(
        "quotes.by_customer",
        "各客户报价金额",
        "Quoted per customer",
        "customer_id",
        filters=(LIVE,),
        measures=(COUNT, TOTAL),
    ),
    quotes(
        "quotes.discount_by_owner",
        "各负责人折扣",
        "Discounts per owner",
        "owner_id",
        filters=(LIVE,),
        measures=(
            TOTAL,
            DISCOUNT,
            ReportMeasure(
                key="avg_discount",
                label_zh="平均折扣",
                label_en="Average discount",
                agg="avg",
                field="discount_total",
            ),
        ),
    ),
    quotes(
        "quotes.discount_by_month",
        "每月折扣",
        "Discounts per month",
        "quote_date:month",
        filters=(LIVE,),
        measures=(TOTAL, DISCOUNT),
        chart="line",
    ),
    quotes(
        "quotes.by_size",
        "报价金额分布",
        "Quotes by size",
        ReportDimension(field="total", bucket="range", ranges=(10000, 50000, 100000, 500000)),
        filters=(LIVE,),
        measures=(COUNT, TOTAL),
    ),
    quotes("quotes.revisions", "报价修订次数", "Quotes by revision", "revision", measures=(COUNT,)),
    quotes(
        "quotes.expiring",
        "30天内到期的已发报价",
        "Sent quotes expiring within 30 days",
        "owner_id",
        filters=("status:eq:sent", "valid_until:gte:today", "valid_until:lt:today+30"),
        measures=(COUNT, TOTAL),
    ),
    quotes(
        "quotes.waiting",
        "等待答复的报价",
        "Quotes waiting for an answer",
        "owner_id",
        filters=("status:eq:sent",),
        measures=(COUNT, TOTAL),
    ),
    quotes(
        "quotes.status_by_month",
        "每月报价状态",
        "Quote status per month",
        "quote_date:month",
        "status",
        measures=(COUNT,),
        chart="stacked",
    ),
]

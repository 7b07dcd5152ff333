"""The pack's entries in the report catalogue (category `key_accounts`), declared as data
over the list columns of its kinds (the core's report engine scopes and groups them), plus
the Pareto chart, which has a page of its own (a cumulative curve is no GROUP BY)."""

from __future__ import annotations

from functools import partial

from kht.plugin_api import ReportDimension, ReportMeasure, report, report_page

CATEGORY = "key_accounts"
accounts = partial(report, "key_account", CATEGORY)
agreements = partial(report, "key_account_agreement", CATEGORY)
consumption = partial(report, "key_account_consumption", CATEGORY)
plans = partial(report, "key_account_plan", CATEGORY)

ACCOUNTS = ReportMeasure(key="accounts", label_zh="大客户数", label_en="Accounts")
REVENUE = ReportMeasure(
    key="revenue", label_zh="贡献", label_en="Contribution", agg="sum", field="revenue"
)
BUDGET = ReportMeasure(
    key="budget",
    label_zh="预估预算",
    label_en="Estimated budget",
    agg="sum",
    field="estimated_budget",
)
WALLET = ReportMeasure(
    key="wallet",
    label_zh="钱包份额%",
    label_en="Share of wallet %",
    agg="ratio",
    numerator="revenue",
    denominator="budget",
)
AMOUNT = ReportMeasure(key="amount", label_zh="金额", label_en="Amount", agg="sum", field="amount")
VALUE = ReportMeasure(key="value", label_zh="协议金额", label_en="Value", agg="sum", field="value")
AGREEMENTS = ReportMeasure(key="agreements", label_zh="协议数", label_en="Agreements")

REPORTS = [
    report_page(
        "key_account.pareto",
        CATEGORY,
        "key_account",
        "/key-accounts/pareto",
        "贡献帕累托（二八）",
        "Contribution Pareto (20/80)",
        "按贡献排序的客户（集团）及累计占比",
        "Accounts (groups) by contribution with the cumulative share",
        chart="line",
    ),
    accounts(
        "key_account.by_class",
        "大客户 ABC 分布",
        "Key accounts by class",
        "abc_class",
        measures=(ACCOUNTS, REVENUE),
        chart="pie",
    ),
    accounts(
        "key_account.health_distribution",
        "大客户健康度分布",
        "Account health distribution",
        ReportDimension(field="health", bucket="range", ranges=(40, 60, 80)),
        measures=(ACCOUNTS, REVENUE),
    ),
    accounts(
        "key_account.share_of_wallet",
        "钱包份额",
        "Share of wallet",
        "abc_class",
        measures=(REVENUE, BUDGET, WALLET),
        chart="table",
    ),
    agreements(
        "key_account.renewals_by_month",
        "按月待续签协议",
        "Renewals due by month",
        "notice_date:month",
        measures=(AGREEMENTS, VALUE),
        filters=("status:eq:active",),
    ),
    consumption(
        "key_account.value_trend",
        "客户价值趋势（消费）",
        "Value trend (consumption)",
        "month:month",
        measures=(AMOUNT,),
        chart="line",
    ),
    consumption(
        "key_account.value_by_group",
        "集团消费",
        "Consumption by group",
        "customer_group_id",
        measures=(AMOUNT,),
    ),
    report_page(
        "key_account.plan_attainment",
        CATEGORY,
        "key_account",
        "/key-accounts/plan-attainment",
        "客户计划达成",
        "Plan attainment",
        "各客户计划目标的达成率",
        "How far each account plan's objectives are reached",
        chart="bar",
    ),
    report_page(
        "key_account.team_activity",
        CATEGORY,
        "key_account",
        "/key-accounts/team-activity",
        "客户团队活动",
        "Team activity by account",
        "客户团队成员在客户及其下属公司的活动",
        "Account team members' activity on the account and its subsidiaries",
        chart="table",
    ),
    report_page(
        "key_account.health_movers",
        CATEGORY,
        "key_account",
        "/key-accounts/health-movers",
        "健康度变动",
        "Health movers",
        "近 30 天健康度升降最多的大客户",
        "Accounts whose health moved most in 30 days",
        chart="table",
    ),
]

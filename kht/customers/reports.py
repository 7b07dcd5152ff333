"""The customers module's reports: customers by category, stage, source, owner, growth,
dormancy; the lifecycle and the shared pool (its records are customers too)."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportDimension, ReportMeasure, report

POOL = "owner_id:empty"
customers = partial(report, "customer", "customers")
# A segment's three values (kht.value.customer): the sums, and the average model value.
VALUE_MEASURES = (
    ReportMeasure(key="count", label_zh="客户", label_en="Customers"),
    ReportMeasure(
        key="established",
        agg="sum",
        field="value_established",
        label_zh="既成价值",
        label_en="Established value",
    ),
    ReportMeasure(
        key="potential",
        agg="sum",
        field="value_potential",
        label_zh="潜在价值",
        label_en="Potential value",
    ),
    ReportMeasure(
        key="model",
        agg="avg",
        field="value_model",
        label_zh="平均模型价值",
        label_en="Average model value",
    ),
)
lifecycle = partial(report, "customer", "lifecycle")
pool = partial(report, "customer", "pool")

REPORTS = [
    customers(
        "customers.by_category", "客户类别分布", "Customers by category", "category_id", chart="pie"
    ),
    customers("customers.by_stage", "客户阶段分布", "Customers by stage", "stage"),
    customers("customers.by_group", "各集团客户数", "Customers per group company", "group_id"),
    customers("customers.by_source", "客户来源分布", "Customers by source", "source", chart="pie"),
    customers("customers.by_kind", "企业与个人客户", "Companies and people", "kind", chart="pie"),
    customers("customers.by_owner", "各负责人客户数", "Customers per owner", "owner_id"),
    customers(
        "customers.by_department", "各部门客户数", "Customers per department", "owner_id:department"
    ),
    customers(
        "customers.by_department_tree",
        "各事业部客户数",
        "Customers per division",
        "owner_id:department_tree",
        chart="pie",
    ),
    customers(
        "customers.growth_month",
        "每月新增客户",
        "New customers per month",
        "created_at:month",
        chart="line",
    ),
    customers(
        "customers.growth_week",
        "每周新增客户",
        "New customers per week",
        "created_at:week",
        chart="line",
        filters=("created_at:gte:today-182",),
    ),
    customers(
        "customers.growth_quarter",
        "每季度新增客户",
        "New customers per quarter",
        "created_at:quarter",
    ),
    customers("customers.growth_year", "每年新增客户", "New customers per year", "created_at:year"),
    customers(
        "customers.dormant_by_owner",
        "沉睡客户（90天未联系）",
        "Dormant customers (no contact in 90 days)",
        "owner_id",
        filters=("last_contact_at:lt:today-90",),
    ),
    customers(
        "customers.never_contacted",
        "从未联系的客户",
        "Customers never contacted",
        "owner_id",
        filters=("last_contact_at:empty",),
    ),
    customers(
        "customers.contacted_month",
        "每月有联系的客户",
        "Customers by month of last contact",
        "last_contact_at:month",
        chart="line",
        filters=("last_contact_at:gte:today-365",),
    ),
    customers(
        "customers.stage_by_department",
        "各部门客户阶段",
        "Customer stages per department",
        "owner_id:department",
        "stage",
        chart="stacked",
    ),
    customers(
        "customers.category_by_stage",
        "客户类别 × 阶段",
        "Categories by stage",
        "category_id",
        "stage",
        chart="stacked",
    ),
    customers(
        "customers.source_by_month",
        "各来源每月新增客户",
        "New customers per month by source",
        "created_at:month",
        "source",
        chart="stacked",
    ),
    customers(
        "customers.owner_by_category",
        "各负责人客户类别",
        "Customer categories per owner",
        "owner_id",
        "category_id",
        chart="stacked",
    ),
    # ---- customer value (kht.value.customer): established, potential, model
    *(
        customers(
            key,
            zh,
            en,
            dimension,
            chart="bar",
            measures=VALUE_MEASURES,
        )
        for key, zh, en, dimension in (
            (
                "customers.value_by_category",
                "各类别客户价值",
                "Customer value by category",
                "category_id",
            ),
            (
                "customers.value_by_owner",
                "各负责人客户价值",
                "Customer value per owner",
                "owner_id",
            ),
            (
                "customers.value_by_department",
                "各部门客户价值",
                "Customer value per department",
                "owner_id:department",
            ),
            ("customers.value_by_stage", "各阶段客户价值", "Customer value by stage", "stage"),
            ("customers.value_by_source", "各来源客户价值", "Customer value by source", "source"),
        )
    ),
    customers(
        "customers.hidden_potential",
        "隐藏潜力客户（模型价值高于既成价值）",
        "Hidden potential (model value above established)",
        "category_id",
        filters=("value_hidden:gt:0",),
        measures=(
            ReportMeasure(key="count", label_zh="客户", label_en="Customers"),
            ReportMeasure(
                key="hidden",
                agg="sum",
                field="value_hidden",
                label_zh="隐藏潜力",
                label_en="Hidden potential",
            ),
        ),
    ),
    customers(
        "customers.by_established_value",
        "既成价值分布",
        "Customers by established value",
        ReportDimension(
            field="value_established", bucket="range", ranges=(1, 10000, 100000, 1000000)
        ),
    ),
    # ---- lifecycle
    lifecycle(
        "lifecycle.funnel", "客户生命周期漏斗", "Customer lifecycle funnel", "stage", chart="funnel"
    ),
    lifecycle(
        "lifecycle.stage_by_source",
        "各来源客户所处阶段",
        "Lifecycle stage by source",
        "source",
        "stage",
        chart="stacked",
    ),
    lifecycle(
        "lifecycle.stage_by_owner",
        "各负责人客户所处阶段",
        "Lifecycle stage per owner",
        "owner_id",
        "stage",
        chart="stacked",
    ),
    lifecycle(
        "lifecycle.moves_month",
        "每月阶段变化",
        "Stage changes per month",
        "stage_changed_at:month",
        "stage",
        chart="stacked",
    ),
    lifecycle(
        "lifecycle.stuck",
        "停留超过90天的阶段",
        "Customers in their stage for over 90 days",
        "stage",
        filters=("stage_changed_at:lt:today-90",),
    ),
    lifecycle(
        "lifecycle.stage_by_department",
        "各部门客户生命周期",
        "Lifecycle stage per department",
        "owner_id:department",
        "stage",
        chart="stacked",
    ),
    # ---- the shared pool: customers without an owner
    pool(
        "pool.by_category",
        "公海客户类别",
        "Pool customers by category",
        "category_id",
        filters=(POOL,),
        chart="pie",
    ),
    pool("pool.by_stage", "公海客户阶段", "Pool customers by stage", "stage", filters=(POOL,)),
    pool(
        "pool.by_source",
        "公海客户来源",
        "Pool customers by source",
        "source",
        filters=(POOL,),
        chart="pie",
    ),
    pool(
        "pool.by_month",
        "每月进入公海的客户（按创建月）",
        "Pool customers by month created",
        "created_at:month",
        filters=(POOL,),
        chart="line",
    ),
    pool(
        "pool.last_contact",
        "公海客户最近联系",
        "Pool customers by quarter of last contact",
        "last_contact_at:quarter",
        filters=(POOL,),
    ),
    pool(
        "pool.claims_month",
        "每月领取",
        "Claims per month",
        "claimed_at:month",
        filters=("claimed_at:not_empty", "owner_id:not_empty"),
        chart="line",
    ),
    pool(
        "pool.claims_by_owner",
        "各负责人领取",
        "Claims per owner",
        "owner_id",
        filters=("claimed_at:gte:today-90",),
    ),
    pool(
        "pool.claims_by_department",
        "各部门领取",
        "Claims per department",
        "owner_id:department",
        filters=("claimed_at:gte:today-90",),
    ),
    customers(
        "pool.share_by_category",
        "各类别公海占比",
        "Share in the pool per category",
        "category_id",
        measures=(
            ReportMeasure(key="all", label_zh="客户数", label_en="Customers"),
            ReportMeasure(key="pool", label_zh="公海", label_en="In the pool", filters=(POOL,)),
            ReportMeasure(
                key="share",
                label_zh="公海占比%",
                label_en="Pool share %",
                agg="ratio",
                numerator="pool",
                denominator="all",
            ),
        ),
    ),
]

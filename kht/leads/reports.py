"""The leads module's reports: where leads come from, how they convert, how old they are."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportMeasure, report

leads = partial(report, "lead", "leads")
OPEN = "status:in:new,working,qualified"
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
    leads("leads.by_source", "线索来源", "Leads by source", "source", chart="pie"),
    leads("leads.by_status", "线索状态", "Leads by status", "status", chart="pie"),
    leads("leads.by_owner", "各负责人线索", "Leads per owner", "owner_id"),
    leads("leads.by_department", "各部门线索", "Leads per department", "owner_id:department"),
    leads("leads.open_by_owner", "待跟进线索", "Open leads per owner", "owner_id", filters=(OPEN,)),
    leads(
        "leads.per_month", "每月新增线索", "New leads per month", "created_at:month", chart="line"
    ),
    leads("leads.per_week", "每周新增线索", "New leads per week", "created_at:week", chart="line"),
    leads(
        "leads.source_quality",
        "来源质量（转化率）",
        "Source quality (conversion)",
        "source",
        measures=CONVERSION,
    ),
    leads(
        "leads.conversion_by_owner",
        "各负责人线索转化率",
        "Lead conversion per owner",
        "owner_id",
        measures=CONVERSION,
    ),
    leads(
        "leads.conversion_by_month",
        "每月线索转化率",
        "Lead conversion by month created",
        "created_at:month",
        measures=CONVERSION,
        chart="line",
    ),
    leads(
        "leads.converted_per_month",
        "每月转化线索",
        "Leads converted per month",
        "converted_at:month",
        filters=("converted_at:not_empty",),
        chart="line",
    ),
    leads(
        "leads.aging",
        "未处理线索账龄",
        "Open leads by age (month created)",
        "created_at:month",
        filters=(OPEN,),
    ),
    leads(
        "leads.stale",
        "超过30天未转化的线索",
        "Open leads older than 30 days",
        "owner_id",
        filters=(OPEN, "created_at:lt:today-30"),
    ),
    leads(
        "leads.discard_reasons",
        "线索无效原因",
        "Why leads were discarded",
        "discard_reason",
        filters=("status:eq:discarded",),
        chart="pie",
    ),
    leads(
        "leads.source_by_status",
        "各来源线索状态",
        "Lead status by source",
        "source",
        "status",
        chart="stacked",
    ),
    leads(
        "leads.source_by_month",
        "各来源每月线索",
        "Leads per month by source",
        "created_at:month",
        "source",
        chart="stacked",
    ),
]

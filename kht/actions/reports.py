"""The actions module's reports: calls, visits and tasks by type, rep, outcome; overdue work."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportMeasure, report

actions = partial(report, "action", "actions")
OVERDUE = ("status:eq:planned", "due_at:lt:today")
DONE = "status:eq:done"

REPORTS = [
    actions("actions.by_type", "行动类型", "Actions by type", "type", chart="pie"),
    actions(
        "actions.by_group", "各集团客户行动量", "Actions per group company", "customer_group_id"
    ),
    actions("actions.by_owner", "各销售行动量", "Actions per rep", "owner_id"),
    actions(
        "actions.by_department", "各部门行动量", "Actions per department", "owner_id:department"
    ),
    actions("actions.by_status", "行动状态", "Actions by status", "status", chart="pie"),
    actions(
        "actions.type_by_owner",
        "各销售行动类型（近30天）",
        "Actions by type per rep (30 days)",
        "owner_id",
        "type",
        filters=("created_at:gte:today-30",),
        chart="stacked",
    ),
    actions(
        "actions.by_outcome",
        "行动结果",
        "Actions by outcome",
        "outcome",
        filters=(DONE, "outcome:not_empty"),
    ),
    actions(
        "actions.overdue_by_owner",
        "各销售逾期任务",
        "Overdue actions per rep",
        "owner_id",
        filters=OVERDUE,
    ),
    actions(
        "actions.overdue_by_type",
        "逾期任务类型",
        "Overdue actions by type",
        "type",
        filters=OVERDUE,
    ),
    actions(
        "actions.done_per_month",
        "每月完成的行动",
        "Actions done per month",
        "done_at:month",
        filters=(DONE,),
        chart="line",
    ),
    actions(
        "actions.done_per_week",
        "每周完成的行动",
        "Actions done per week",
        "done_at:week",
        filters=(DONE, "done_at:gte:today-91"),
        chart="line",
    ),
    actions(
        "actions.type_by_month",
        "每月行动类型",
        "Action types per month",
        "created_at:month",
        "type",
        chart="stacked",
    ),
    actions(
        "actions.next_week",
        "未来7天计划",
        "Planned for the next 7 days",
        "owner_id",
        filters=("status:eq:planned", "due_at:gte:today", "due_at:lt:today+7"),
    ),
    actions("actions.by_record_kind", "行动针对的记录", "Actions by what they are about", "kind"),
    actions(
        "actions.customers_touched",
        "各销售跟进的客户数",
        "Customers touched per rep",
        "owner_id",
        measures=(
            ReportMeasure(key="count", label_zh="行动", label_en="Actions"),
            ReportMeasure(
                key="customers",
                label_zh="客户数",
                label_en="Customers",
                agg="distinct",
                field="customer_id",
            ),
        ),
    ),
    actions(
        "actions.completion_by_owner",
        "各销售任务完成率",
        "Completion rate per rep",
        "owner_id",
        measures=(
            ReportMeasure(key="count", label_zh="行动", label_en="Actions"),
            ReportMeasure(key="done", label_zh="已完成", label_en="Done", filters=(DONE,)),
            ReportMeasure(
                key="rate",
                label_zh="完成率%",
                label_en="Done %",
                agg="ratio",
                numerator="done",
                denominator="count",
            ),
        ),
    ),
]

"""Service reports for the library (kht.reports): backlog, SLA attainment, response and
resolution times, tickets per customer / product / category, satisfaction by agent and
period. Each is one GROUP BY over the tickets in the reader's scope.

The time and attainment figures are columns the ticket kind adds to its list
(`more_columns`): hours of working time to the first reply and to the resolution (waiting
for the customer left out), and whether each deadline was met.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import case

from kht.context import Ctx
from kht.lists.engine import Column
from kht.plugin_types import ReportMeasure, report
from kht.service.models import Ticket

tickets = partial(report, "ticket", "service")
OPEN = "status:in:new,assigned,in_progress,waiting"


def _one_or_zero(flag: Any) -> Any:
    # 1 met, 0 missed, NULL not measured (no policy, or not there yet): countable both ways.
    return case((flag.is_(True), 1), (flag.is_(False), 0), else_=None)


def report_columns(ctx: Ctx) -> list[Column]:
    """Columns beside the declared fields: working hours taken and deadlines met."""
    return [
        Column(
            key="response_hours",
            label_zh="首次响应用时（工作小时）",
            label_en="First response (working hours)",
            type="number",
            expr=Ticket.response_seconds / 3600.0,
        ),
        Column(
            key="resolution_hours",
            label_zh="解决用时（工作小时）",
            label_en="Resolution (working hours)",
            type="number",
            expr=Ticket.resolution_seconds / 3600.0,
        ),
        Column(
            key="response_met",
            label_zh="首次响应达标（1 达标 / 0 超时）",
            label_en="First response on time (1 yes / 0 no)",
            type="number",
            expr=_one_or_zero(Ticket.response_met),
        ),
        Column(
            key="resolution_met",
            label_zh="解决达标（1 达标 / 0 超时）",
            label_en="Resolved on time (1 yes / 0 no)",
            type="number",
            expr=_one_or_zero(Ticket.resolution_met),
        ),
    ]


def _attainment(prefix: str, zh: str, en: str) -> tuple[ReportMeasure, ...]:
    return (
        ReportMeasure(
            key=f"{prefix}_measured",
            label_zh=f"{zh}考核数",
            label_en=f"{en} measured",
            filters=(f"{prefix}_met:not_empty",),
        ),
        ReportMeasure(
            key=f"{prefix}_on_time",
            label_zh=f"{zh}达标数",
            label_en=f"{en} on time",
            filters=(f"{prefix}_met:eq:1",),
        ),
        ReportMeasure(
            key=f"{prefix}_rate",
            label_zh=f"{zh}达标率%",
            label_en=f"{en} on time %",
            agg="ratio",
            numerator=f"{prefix}_on_time",
            denominator=f"{prefix}_measured",
        ),
    )


ATTAINMENT = (
    *_attainment("response", "首次响应", "First response"),
    *_attainment("resolution", "解决", "Resolution"),
)
TIMES = (
    ReportMeasure(key="count", label_zh="工单数", label_en="Tickets"),
    ReportMeasure(
        key="avg_response",
        label_zh="平均首次响应（工作小时）",
        label_en="Average first response (working hours)",
        agg="avg",
        field="response_hours",
    ),
    ReportMeasure(
        key="avg_resolution",
        label_zh="平均解决（工作小时）",
        label_en="Average resolution (working hours)",
        agg="avg",
        field="resolution_hours",
    ),
)
SATISFACTION = (
    ReportMeasure(
        key="answers",
        label_zh="评价数",
        label_en="Answers",
        filters=("satisfaction:not_empty",),
    ),
    ReportMeasure(
        key="avg_satisfaction",
        label_zh="平均满意度（1–5）",
        label_en="Average satisfaction (1–5)",
        agg="avg",
        field="satisfaction",
    ),
)

REPORTS = [
    tickets(
        "service.backlog_by_status",
        "各状态工单",
        "Backlog by status",
        "status",
        chart="pie",
        filters=(OPEN,),
    ),
    tickets(
        "service.backlog_by_queue",
        "各队列积压工单",
        "Backlog by queue",
        "queue_id",
        "priority",
        filters=(OPEN,),
        chart="stacked",
    ),
    tickets(
        "service.backlog_by_priority",
        "各优先级积压工单",
        "Backlog by priority",
        "priority",
        filters=(OPEN,),
        chart="pie",
    ),
    tickets(
        "service.sla_by_month",
        "每月服务时限达成率",
        "SLA attainment per month",
        "created_at:month",
        measures=ATTAINMENT,
    ),
    tickets(
        "service.sla_by_queue",
        "各队列服务时限达成率",
        "SLA attainment per queue",
        "queue_id",
        measures=ATTAINMENT,
    ),
    tickets(
        "service.sla_by_priority",
        "各优先级服务时限达成率",
        "SLA attainment per priority",
        "priority",
        measures=ATTAINMENT,
    ),
    tickets(
        "service.times_by_month",
        "每月平均响应与解决用时",
        "Average first response and resolution per month",
        "created_at:month",
        measures=TIMES,
        chart="line",
    ),
    tickets(
        "service.times_by_agent",
        "各处理人平均响应与解决用时",
        "Average first response and resolution per agent",
        "owner_id",
        measures=TIMES,
    ),
    tickets("service.per_customer", "各客户工单", "Tickets per customer", "customer_id"),
    tickets("service.per_product", "各产品工单", "Tickets per product", "product_id"),
    tickets("service.per_category", "各分类工单", "Tickets per category", "category", chart="pie"),
    tickets("service.per_channel", "各渠道工单", "Tickets per channel", "channel", chart="pie"),
    tickets(
        "service.satisfaction_by_agent",
        "各处理人满意度",
        "Satisfaction per agent",
        "owner_id",
        measures=SATISFACTION,
    ),
    tickets(
        "service.satisfaction_by_month",
        "每月满意度",
        "Satisfaction per month",
        "resolved_at:month",
        measures=SATISFACTION,
        chart="line",
    ),
]

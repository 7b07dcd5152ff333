"""The pack's entries in the report catalogue (category `projects`), declared as data over
the opportunity list's columns; a project is an opportunity with a project type (the pack's
field), so these count projects whatever process they run in."""

from __future__ import annotations

from functools import partial

from kht.plugin_api import ReportMeasure, report

projects = partial(report, "opportunity", "projects")
PROJECT = "ext.project_sales.project_type:not_empty"
OPEN = "status:eq:open"
COUNT = ReportMeasure(key="count", label_zh="项目数", label_en="Projects")
AMOUNT = ReportMeasure(key="amount", label_zh="金额", label_en="Amount", agg="sum", field="amount")
WIN_RATE = (
    ReportMeasure(key="won", label_zh="赢单", label_en="Won", filters=("status:eq:won",)),
    ReportMeasure(
        key="closed", label_zh="已关闭", label_en="Closed", filters=("status:in:won,lost",)
    ),
    ReportMeasure(
        key="rate",
        label_zh="赢率%",
        label_en="Win rate %",
        agg="ratio",
        numerator="won",
        denominator="closed",
    ),
)

REPORTS = [
    projects(
        "project_sales.pipeline_by_stage_and_age",
        "项目管道：阶段 × 立项季度",
        "Project pipeline by stage and quarter opened",
        "stage_id",
        "created_at:quarter",
        filters=(PROJECT, OPEN),
        measures=(COUNT, AMOUNT),
        chart="stacked",
        description_zh="在途项目按阶段和立项季度（账龄）",
        description_en="Open projects per stage and the quarter they were opened (their age)",
    ),
    projects(
        "project_sales.win_loss_reasons",
        "项目赢单/输单原因",
        "Why projects were won or lost",
        "close_reason",
        "status",
        filters=(PROJECT, "status:in:won,lost"),
        measures=(COUNT, AMOUNT),
        chart="stacked",
    ),
    projects(
        "project_sales.competitors",
        "项目竞争对手与赢率",
        "Competitors met on projects, and our win rate",
        "competitors",
        filters=(PROJECT, "competitors:not_empty"),
        measures=WIN_RATE,
    ),
    projects(
        "project_sales.by_type",
        "各项目类型赢率与金额",
        "Win rate and amount per project type",
        "ext.project_sales.project_type",
        filters=(PROJECT,),
        measures=(COUNT, AMOUNT, *WIN_RATE),
    ),
    projects(
        "project_sales.workload",
        "负责人在途项目",
        "Open projects per owner",
        "owner_id",
        "stage_id",
        filters=(PROJECT, OPEN),
        measures=(COUNT, AMOUNT),
        chart="stacked",
        description_zh="各负责人手上的在途项目（团队成员的参与不计入）",
        description_en="Open projects each owner carries (team members' share not counted)",
    ),
]

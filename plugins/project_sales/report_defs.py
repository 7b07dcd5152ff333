"""The pack's entries in the report catalogue (category `projects`), declared as data over
the opportunity list's columns; a project is an opportunity with a project type (the pack's
field), so these count projects whatever process they run in."""

from __future__ import annotations

from functools import partial

from kht.plugin_api import ReportDimension, ReportMeasure, report

projects = partial(report, "opportunity", "projects")
PROJECT = "ext.project_sales.project_type:not_empty"
OPEN = "status:eq:open"
CLOSED = "status:in:won,lost"
STALLED_DAYS = 30  # no stage move and no done action for this long: stalled
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
    projects(
        "project_sales.stalled",
        f"停滞项目（{STALLED_DAYS}天无阶段变化或行动）",
        f"Stalled projects (no stage move or activity in {STALLED_DAYS} days)",
        "stage_id",
        "owner_id",
        filters=(PROJECT, OPEN, f"project_sales.last_move:lt:today-{STALLED_DAYS}"),
        measures=(COUNT, AMOUNT),
        chart="stacked",
        description_zh="在途项目中最近一次阶段推进和最近一次完成的行动都早于"
        f"{STALLED_DAYS}天前的，按阶段和负责人",
        description_en=f"Open projects whose last stage move and last done action are both "
        f"over {STALLED_DAYS} days old, per stage and owner",
    ),
    projects(
        "project_sales.decision_maker_coverage",
        "决策人覆盖",
        "Decision-maker coverage",
        "project_sales.dm_coverage",
        "stage_id",
        filters=(PROJECT, OPEN),
        measures=(COUNT, AMOUNT),
        chart="stacked",
        description_zh="在途项目按采购决策链中决策人的接触情况：无决策人、未接触、部分接触、全部接触",
        description_en="Open projects by how many of the committee's decision makers have been "
        "met (an action logged on them): none named, none met, some, all",
    ),
    projects(
        "project_sales.score_vs_outcome",
        "关闭时评分与赢率",
        "Scorecard at close and win rate",
        ReportDimension(field="project_sales.score_at_close", bucket="range", ranges=(40, 60, 80)),
        filters=(PROJECT, CLOSED),
        measures=WIN_RATE,
        description_zh="已关闭项目按关闭时的评分卡总分分段，看评分能否预测输赢",
        description_en="Closed projects by their scorecard total when they closed: does the "
        "scorecard predict the outcome?",
    ),
    projects(
        "project_sales.cycle_by_type",
        "各项目类型平均成交周期",
        "Average sales cycle per project type",
        "ext.project_sales.project_type",
        filters=(PROJECT, CLOSED),
        measures=(
            ReportMeasure(key="closed", label_zh="已关闭", label_en="Closed"),
            ReportMeasure(
                key="days",
                label_zh="平均周期（天）",
                label_en="Average days to close",
                agg="avg",
                field="days_to_close",
            ),
            ReportMeasure(
                key="won_days",
                label_zh="赢单平均周期（天）",
                label_en="Average days to win",
                agg="avg",
                field="days_to_close",
                filters=("status:eq:won",),
            ),
            ReportMeasure(
                key="longest",
                label_zh="最长（天）",
                label_en="Longest (days)",
                agg="max",
                field="days_to_close",
            ),
        ),
        description_zh="从创建到关闭（赢单或输单）的天数，按项目类型",
        description_en="Days from creation to close (won or lost), per project type",
    ),
]

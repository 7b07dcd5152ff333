"""The pack's computed columns on opportunities (`kht_register_columns`): what its reports
group and filter by besides the opportunity's own columns.

- `project_sales.last_move`: the later of the last stage move and the last done action on
  the project (a project with neither since a date has stalled);
- `project_sales.decision_makers` / `project_sales.decision_makers_met`: decision makers on
  the committee, and those contacted at least once (an action logged on the contact);
  `project_sales.dm_coverage` says the same as a choice (none, not met, partly, all met);
- `project_sales.score_at_close`: the scorecard total of the last score given before the
  project closed (while open: the latest), as the history kept it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, or_, select, type_coerce

from kht.plugin_api import Choice, ListColumn
from plugins.project_sales.models import CommitteeMember, Score

DECISION_MAKER = "decision_maker"
COVERAGE = (
    Choice(key="none", label_zh="无决策人", label_en="No decision maker"),
    Choice(key="not_met", label_zh="决策人未接触", label_en="Decision maker not met"),
    Choice(key="partly", label_zh="部分决策人已接触", label_en="Some decision makers met"),
    Choice(key="all", label_zh="决策人均已接触", label_en="Every decision maker met"),
)


def _later(first: Any, second: Any) -> Any:
    """The later of two times; `second` may be NULL (then `first`)."""
    later = case((and_(second.is_not(None), second > first), second), else_=first)
    return type_coerce(later, first.type)


def _decision_makers(record_id: Any, *, met: bool) -> Any:
    query = select(func.count(CommitteeMember.id)).where(
        CommitteeMember.opportunity_id == record_id, CommitteeMember.role == DECISION_MAKER
    )
    if met:
        query = query.where(CommitteeMember.last_contacted_at.is_not(None))
    return query.scalar_subquery()


def _coverage(record_id: Any) -> Any:
    named = func.count(CommitteeMember.id)
    met = func.count(CommitteeMember.last_contacted_at)
    verdict = case(
        (named == 0, "none"), (met == 0, "not_met"), (met < named, "partly"), else_="all"
    )
    return (
        select(verdict)
        .where(CommitteeMember.opportunity_id == record_id, CommitteeMember.role == DECISION_MAKER)
        .scalar_subquery()
    )


def _score_at_close(record_id: Any, closed_at: Any) -> Any:
    return (
        select(Score.total_after)
        .where(
            Score.opportunity_id == record_id,
            or_(closed_at.is_(None), Score.scored_at <= closed_at),
        )
        .order_by(Score.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def column(key: str, zh: str, en: str, type_: str, expr: Any, **more: Any) -> ListColumn:
    return ListColumn(
        key=f"project_sales.{key}", label_zh=zh, label_en=en, type=type_, expr=expr, **more
    )


def project_columns(columns: dict[str, ListColumn]) -> list[ListColumn]:
    """The pack's columns, built on the opportunity's own (its id, stage entry, last
    action, close)."""
    record_id = columns["id"].expr
    return [
        column(
            "last_move",
            "最近推进（阶段变化或行动）",
            "Last stage move or activity",
            "date",
            _later(columns["stage_entered_at"].expr, columns["last_action_at"].expr),
        ),
        column(
            "decision_makers",
            "决策人数",
            "Decision makers",
            "number",
            _decision_makers(record_id, met=False),
        ),
        column(
            "decision_makers_met",
            "已接触决策人数",
            "Decision makers met",
            "number",
            _decision_makers(record_id, met=True),
        ),
        column(
            "dm_coverage",
            "决策人覆盖",
            "Decision-maker coverage",
            "choice",
            _coverage(record_id),
            choices=COVERAGE,
        ),
        column(
            "score_at_close",
            "关闭时评分",
            "Scorecard at close",
            "number",
            _score_at_close(record_id, columns["closed_at"].expr),
        ),
    ]

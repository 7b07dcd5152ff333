"""The knowledge module's reports: how articles are used (views, helpful votes)."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportMeasure, report

articles = partial(report, "article", "service")
USAGE = (
    ReportMeasure(
        key="views", label_zh="浏览次数", label_en="Views", agg="sum", field="view_count"
    ),
    ReportMeasure(
        key="helpful", label_zh="有帮助", label_en="Helpful", agg="sum", field="helpful_yes"
    ),
    ReportMeasure(
        key="not_helpful", label_zh="没帮助", label_en="Not helpful", agg="sum", field="helpful_no"
    ),
    ReportMeasure(key="count", label_zh="文章数", label_en="Articles"),
)
PUBLISHED = ("status:eq:published",)

REPORTS = [
    articles(
        "knowledge.usage_by_article",
        "知识库使用（按文章）",
        "Knowledge usage by article",
        "title",
        measures=USAGE,
        filters=PUBLISHED,
    ),
    articles(
        "knowledge.usage_by_category",
        "知识库使用（按分类）",
        "Knowledge usage by category",
        "article_category_id",
        measures=USAGE,
        filters=PUBLISHED,
    ),
]

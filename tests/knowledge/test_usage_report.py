"""The knowledge-usage reports (in the report library) and the demo knowledge base."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.demo import load_demo
from kht.knowledge.models import Article, ArticleVersion
from kht.reports import service
from kht.testing import acting_as


def test_usage_is_reported_by_article_and_by_category(library):
    faq = library.category("常见问题")
    scripts = library.category("销售话术")
    one = library.article(title="安装", article_category_id=faq, status="published")
    two = library.article(title="保修", article_category_id=faq, status="published")
    three = library.article(title="异议处理", article_category_id=scripts, status="published")
    library.article(title="草稿", article_category_id=scripts, status="draft")
    with library.client("reader") as reader:
        for article, helpful in ((one, True), (one, True), (two, False), (three, True)):
            reader.post(f"/api/v1/knowledge/{article['id']}/helpful", json={"helpful": helpful})
    with library.runtime.ctx() as ctx:
        ctx.session.execute(
            Article.__table__.update().where(Article.id == one["id"]).values(view_count=7)
        )
    with acting_as(library.runtime, "boss") as ctx:
        by_article = service.run_report(ctx, "knowledge.usage_by_article")
        by_category = service.run_report(ctx, "knowledge.usage_by_category")
    articles = {row.labels[0]: row.values for row in by_article.rows}
    categories = {row.labels[0]: row.values for row in by_category.rows}
    assert articles["安装"][:3] == [7, 2, 0] and articles["保修"][1:3] == [0, 1]
    assert "草稿" not in articles
    assert categories["常见问题"][1:] == [2, 1, 2]  # helpful, not helpful, articles
    assert categories["销售话术"][1:] == [1, 0, 1]


def test_the_demo_knowledge_base_loads_once(kht_app):
    from kht.testing import runtime_of

    runtime = runtime_of(kht_app())
    load_demo(runtime, size=0)
    load_demo(runtime, size=0)
    with runtime.ctx() as ctx:
        articles = list(ctx.session.scalars(select(Article)))
        versions = ctx.session.scalar(select(func.count()).select_from(ArticleVersion))
    assert len(articles) == 5
    assert {a.audience for a in articles} == {"internal", "public"}
    assert any(a.title.isascii() for a in articles) and any(not a.title.isascii() for a in articles)
    assert versions == 5  # four published once, one published twice

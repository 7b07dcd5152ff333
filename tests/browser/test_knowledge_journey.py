"""A service rep searches the knowledge base in Chinese, opens an article and finds it helpful;
a visitor finds the public article by pinyin without logging in, and never the internal one."""

from __future__ import annotations

import pytest

from kht.knowledge.schemas import ArticleCreate
from kht.knowledge.service import create_article
from kht.testing import TEST_PASSWORD, acting_as, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def test_search_the_knowledge_base_and_open_an_article(live_server, live_runtime, page):
    add_user(live_runtime, "agent", "service")
    with acting_as(live_runtime, "agent") as ctx:
        public = create_article(
            ctx,
            ArticleCreate(
                title="打印机无法连接网络",
                body="<p>先检查<strong>路由器</strong>，再重启打印机。</p>",
                audience="public",
                status="published",
            ),
        )
        create_article(
            ctx, ArticleCreate(title="内部连接排查话术", audience="internal", status="published")
        )
        article_id = public.id

    log_in_as(page, live_server, "agent", TEST_PASSWORD)
    page.goto(live_server + "/knowledge")
    page.fill("#list-search", "无法连接")
    page.press("#list-search", "Enter")
    link = page.locator("table a", has_text="打印机无法连接网络")
    link.wait_for()
    assert page.locator("table a", has_text="内部连接排查话术").count() == 0
    with page.expect_response(lambda r: r.url.endswith(f"/knowledge/{article_id}/view")) as seen:
        link.click()
    assert seen.value.status == 204
    page.locator("#article-body strong", has_text="路由器").wait_for()
    page.click("#helpful-yes")
    page.locator("#helpful-yes", has_text="(1)").wait_for()
    assert page.locator("#article-view-count").inner_text().strip() in ("1", "2")

    # Edit the body, save, reload: the new text stays, a script never does (nh3).
    page.goto(f"{live_server}/knowledge/{article_id}/edit")
    page.fill("#body", "<p>先检查<em>网线</em>。</p><script>window.pwned = 1</script>")
    page.click("#save-article")
    page.wait_for_url(f"{live_server}/knowledge/{article_id}")
    page.reload()
    page.locator("#article-body em", has_text="网线").wait_for()
    assert page.locator("#article-body script").count() == 0
    assert page.evaluate("window.pwned") is None


def test_a_visitor_finds_the_public_article_by_pinyin(live_server, live_runtime, page):
    add_user(live_runtime, "agent", "service")
    with acting_as(live_runtime, "agent") as ctx:
        create_article(
            ctx,
            ArticleCreate(
                title="发票开具说明",
                body="<p>在线申请发票。</p>",
                audience="public",
                status="published",
            ),
        )
        create_article(
            ctx, ArticleCreate(title="发票内部审批流程", audience="internal", status="published")
        )

    page.goto(live_server + "/kb")
    page.fill("#kb-q", "fapiao")
    page.press("#kb-q", "Enter")
    link = page.locator("#kb-articles a", has_text="发票开具说明")
    link.wait_for()
    assert page.locator("#kb-articles", has_text="内部审批").count() == 0
    link.click()
    page.locator("#kb-body", has_text="在线申请发票").wait_for()
    page.click("#helpful-yes")
    page.locator("#helpful-thanks").wait_for()

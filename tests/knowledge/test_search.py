"""Knowledge search through the shared index: Chinese substrings, pinyin, suggestions."""

from __future__ import annotations

from kht.knowledge.usage import suggest_articles
from kht.testing import acting_as


def test_a_two_character_query_finds_its_substring_and_pinyin_finds_the_title(library):
    article = library.article(
        title="打印机无法连接网络", body="<p>检查路由器设置</p>", status="published"
    )
    library.article(title="退货流程", status="published")
    with library.client("reader") as reader:
        for q in ("连接", "路由", "dayinji", "dyj"):
            items = reader.get("/api/v1/knowledge", params={"q": q}).json()["items"]
            assert [a["id"] for a in items] == [article["id"]], q
        hits = reader.get("/api/v1/search", params={"q": "无法"}).json()["items"]
    assert [h["record_id"] for h in hits if h["kind"] == "article"] == [article["id"]]


def test_an_edit_reindexes_the_article(library):
    article = library.article(title="旧标题", status="published")
    with library.client("editor") as editor:
        change = {"version": article["version"], "title": "发票开具说明"}
        editor.patch(f"/api/v1/knowledge/{article['id']}", json=change)
        assert editor.get("/api/v1/knowledge", params={"q": "发票"}).json()["total"] == 1
        assert editor.get("/api/v1/knowledge", params={"q": "旧标"}).json()["total"] == 0


def test_suggestions_rank_articles_sharing_words_with_a_subject(library):
    best = library.article(title="打印机无法连接网络", status="published")
    other = library.article(title="网络设置", status="published")
    library.article(title="打印机连接草稿", status="draft")
    library.article(title="报价话术", status="published")
    with acting_as(library.runtime, "reader") as ctx:
        found = suggest_articles(ctx, "客户的打印机连不上网络", 5)
    assert [s.id for s in found] == [best["id"], other["id"]]
    with library.client("reader") as reader:
        answer = reader.get("/api/v1/knowledge/suggestions", params={"text": "打印机"}).json()
    assert [s["id"] for s in answer] == [best["id"]]

"""Knowledge articles through the JSON API: sanitised bodies, drafts for editors only,
versions kept on every publication and compared, helpful counts, bad input."""

from __future__ import annotations

import pytest


def test_a_body_is_sanitised_and_categories_form_a_tree(library):
    parent = library.category("产品")
    child = library.category("安装", parent)
    article = library.article(
        title="安装指南",
        body='<p onclick="x()">步骤<script>alert(1)</script></p><a href="javascript:x">y</a>',
        article_category_id=child,
    )
    assert "script" not in article["body"] and "onclick" not in article["body"]
    assert "javascript" not in article["body"] and "<p>步骤</p>" in article["body"]
    with library.client("reader") as client:
        paths = {c["id"]: c["path"] for c in client.get("/api/v1/knowledge/categories").json()}
    assert paths[child] == "产品 / 安装"


def test_drafts_are_seen_by_editors_only(library):
    draft = library.article(title="内部草稿", status="draft")
    published = library.article(title="已发布文章", status="published")
    with library.client("reader") as reader:
        assert reader.get(f"/api/v1/knowledge/{draft['id']}").status_code == 404
        assert reader.get(f"/api/v1/knowledge/{published['id']}").status_code == 200
        titles = [a["title"] for a in reader.get("/api/v1/knowledge").json()["items"]]
        found = reader.get("/api/v1/search", params={"q": "草稿"}).json()
        change = {"version": published["version"], "title": "改"}
        refused = reader.patch(f"/api/v1/knowledge/{published['id']}", json=change)
    assert titles == ["已发布文章"]
    assert all(hit["kind"] != "article" for hit in found["items"])
    assert refused.status_code == 403
    with library.client("editor") as editor:
        titles = {a["title"] for a in editor.get("/api/v1/knowledge").json()["items"]}
        hits = editor.get("/api/v1/search", params={"q": "草稿"}).json()["items"]
    assert titles == {"内部草稿", "已发布文章"}
    assert [h["url"] for h in hits if h["kind"] == "article"] == [f"/knowledge/{draft['id']}"]


def test_every_publication_keeps_a_version_and_two_compare(library):
    article = library.article(title="退货流程", body="<p>第一步：登记</p>", status="draft")
    with library.client("editor") as editor:
        url = f"/api/v1/knowledge/{article['id']}"
        assert editor.get(f"{url}/versions").json() == []
        v = editor.patch(url, json={"version": article["version"], "status": "published"}).json()
        body = "<p>第一步：登记</p><p>第二步：寄回</p>"
        v = editor.patch(url, json={"version": v["version"], "body": body}).json()
        # An edit of neither title nor body (the audience) keeps no new version.
        v = editor.patch(url, json={"version": v["version"], "audience": "public"}).json()
        versions = editor.get(f"{url}/versions").json()
        diff = editor.get(f"{url}/diff", params={"old": 1, "new": 2}).json()
        missing = editor.get(f"{url}/diff", params={"old": 1, "new": 9})
    assert [x["number"] for x in versions] == [2, 1] and v["published_version"] == 2
    assert versions[1]["body"] == "<p>第一步：登记</p>"
    assert "+第二步：寄回" in diff["unified"]
    assert 'class="diff_add"' in diff["html"] and "第二步：寄回" in diff["html"]
    assert missing.status_code == 422 and missing.json()["field"] == "new"


def test_helpful_votes_are_counted(library):
    article = library.article(title="常见问题", status="published")
    with library.client("reader") as reader:
        url = f"/api/v1/knowledge/{article['id']}/helpful"
        reader.post(url, json={"helpful": True})
        reader.post(url, json={"helpful": True})
        counts = reader.post(url, json={"helpful": False}).json()
        bad = reader.post(url, json={"helpful": "maybe"})
    assert counts == {"helpful_yes": 2, "helpful_no": 1}
    assert bad.status_code == 400 or bad.status_code == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "status": "live"}, "status"),
        ({"title": "x", "audience": "everyone"}, "audience"),
        ({"title": "x", "article_category_id": 999}, "article_category_id"),
    ],
)
def test_bad_input_is_refused_naming_the_field(library, body, field):
    with library.client("editor") as editor:
        answer = editor.post("/api/v1/knowledge", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_a_reader_cannot_write(library):
    with library.client("reader") as reader:
        answer = reader.post("/api/v1/knowledge", json={"title": "x"})
    assert answer.status_code == 403


def test_articles_take_core_tags_and_attachments(library):
    article = library.article(title="安装手册", status="published")
    with library.client("editor") as editor:
        tagged = editor.post(
            "/api/v1/knowledge/bulk",
            json={"action": "tag", "ids": [article["id"]], "add_tags": ["安装", "FAQ"]},
        )
        assert tagged.status_code == 201, tagged.text
        seen = editor.get(f"/api/v1/knowledge/{article['id']}").json()
        by_tag = editor.get("/api/v1/knowledge", params={"f": "tag:eq:FAQ"}).json()
        uploaded = editor.post(
            "/api/v1/files",
            data={"kind": "article", "record_id": str(article["id"])},
            files={"file": ("手册.pdf", b"%PDF-1.4 test", "application/pdf")},
        )
    assert sorted(seen["tags"]) == ["FAQ", "安装"]
    assert [a["id"] for a in by_tag["items"]] == [article["id"]]
    assert uploaded.status_code == 201, uploaded.text
    with library.client("reader") as reader:
        files = reader.get(
            "/api/v1/files", params={"kind": "article", "record_id": article["id"]}
        ).json()
    assert [f["filename"] for f in files["items"]] == ["手册.pdf"]

"""The list page people use all day: quick-filter chips, relative dates, density, pinyin search."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import unquote

import pytest
import time_machine

from kht.auth.service import find_user
from kht.testing import add_user, api_client, csrf_token, page_client, runtime_of

# 10:00 in Beijing; the list's "recently updated" means since 7 days before the local date.
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def app(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "mgr", "sales_manager", department="Sales")
    add_user(runtime, "rep", "sales_rep", department="Sales")
    add_user(runtime, "other", "sales_rep", department="Sales")
    return app


def add_customer(app, login, name, **values) -> dict:
    with api_client(app, login) as api:
        answer = api.post("/api/v1/customers", json={"name": name, **values})
        assert answer.status_code == 201, answer.text
        return answer.json()


def names_in(html: str) -> list[str]:
    return [
        unescape(n)
        for n in re.findall(r'<td [^>]*class="kht-title[^"]*">\s*<a [^>]*>([^<]*)</a>', html)
    ]


def chip(html: str, key: str) -> tuple[str, bool]:
    """The URL of chip `key` and whether it is switched on."""
    found = re.search(rf'<a class="([^"]*)" href="([^"]*)"\s+data-chip="{re.escape(key)}"', html)
    assert found, f"no chip {key}"
    return unquote(unescape(found.group(2))), "btn-primary" in found.group(1).split()


def test_the_mine_chip_narrows_a_managers_list_to_their_own_records(app):
    add_customer(app, "mgr", "经理的客户")
    add_customer(app, "rep", "代表的客户")
    with page_client(app, "mgr") as page:
        everything = page.get("/customers").text
        assert sorted(names_in(everything)) == ["代表的客户", "经理的客户"]
        url, active = chip(everything, "mine")
        assert not active
        mine = page.get(url).text
        assert names_in(mine) == ["经理的客户"]
        url_off, active = chip(mine, "mine")
        assert active, "the chip shows that it is on"
        assert sorted(names_in(page.get(url_off).text)) == ["代表的客户", "经理的客户"]


def test_the_recently_updated_chip_keeps_the_last_week_in_the_users_days(app):
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        add_customer(app, "rep", "十天前的客户")
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        add_customer(app, "rep", "前天的客户")
    with time_machine.travel(NOW, tick=False), page_client(app, "rep") as page:
        url, _ = chip(page.get("/customers").text, "recent")
        assert "updated_at:gte:2026-11-30" in url
        assert names_in(page.get(url).text) == ["前天的客户"]


def test_stage_chips_show_labels_and_one_stage_replaces_another(app):
    with page_client(app, "rep") as page:
        add_customer(app, "rep", "潜在客户A")
        html = page.get("/customers").text
        keys = re.findall(r'data-chip="stage-([a-z_]+)"', html)
        assert len(keys) >= 2, "one chip per lifecycle stage"
        first_url, _ = chip(html, f"stage-{keys[0]}")
        assert f"stage:eq:{keys[0]}" in first_url
        second_url, _ = chip(page.get(first_url).text, f"stage-{keys[1]}")
        assert f"stage:eq:{keys[1]}" in second_url and f"stage:eq:{keys[0]}" not in second_url
        assert not re.search(rf'data-chip="stage-{keys[0]}">[^<]*{keys[0]}<', html), (
            "a label, not a key"
        )


def test_lead_status_chips_filter_by_status(app):
    with api_client(app, "rep") as api:
        api.post("/api/v1/leads", json={"name": "新线索"})
    with page_client(app, "rep") as page:
        url, _ = chip(page.get("/leads").text, "status-new")
        assert "status:eq:new" in url
        assert names_in(page.get(url).text) == ["新线索"]
        url, _ = chip(page.get("/leads").text, "status-working")
        assert names_in(page.get(url).text) == []


def test_dates_read_relatively_in_the_users_language_with_the_exact_time_on_hover(app):
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        add_customer(app, "rep", "三天前的客户")
    with time_machine.travel(NOW, tick=False):
        with page_client(app, "rep") as page:
            html = page.get("/customers").text
        when = re.search(r'<time datetime="([^"]+)" title="([^"]+)"[^>]*>([^<]+)</time>', html)
        assert when, "the updated column shows a <time> element"
        assert when.group(3) == "3天前"
        assert when.group(2) == "2026-12-04 10:00 (Asia/Shanghai)"
        with runtime_of(app).ctx() as ctx:
            user = find_user(ctx.session, "rep")
            user.language, user.time_zone = "en", "Europe/Berlin"
        with page_client(app, "rep") as page:
            html = page.get("/customers").text
        assert ">3 days ago</time>" in html
        assert 'title="2026-12-04 03:00 (Europe/Berlin)"' in html


def test_density_is_remembered_and_a_bad_choice_names_the_field(app):
    with page_client(app, "rep") as page:
        assert 'data-density="comfortable"' in page.get("/customers").text
        answer = page.post(
            "/lists/density",
            data={"density": "compact", "back": "/customers", "_csrf_token": csrf_token(page)},
            follow_redirects=False,
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/customers"
        html = page.get("/customers").text
        assert 'data-density="compact"' in html and "kht-compact" in html
        assert 'name="density" value="comfortable"' in html, "the toggle offers the way back"
        refused = page.post(
            "/lists/density",
            data={"density": "tiny", "_csrf_token": csrf_token(page)},
            follow_redirects=False,
        )
        assert refused.status_code == 422 and "density" in refused.text


def test_phone_cards_label_every_cell_and_hide_empty_ones(app):
    add_customer(app, "rep", "卡片客户", phone="010-6278")
    with page_client(app, "rep") as page:
        html = page.get("/customers").text
    row = re.search(r'<tr data-id="\d+">(.*?)</tr>', html, re.S).group(1)
    assert 'class="kht-title"' in row
    assert re.search(r'data-label="电话" data-col="phone"\s+class="">', row)
    assert re.search(r'data-label="邮箱" data-col="email"\s+class=" kht-empty">', row)
    assert re.search(r'data-col="owner_id"\s+class=" kht-owner">', row)


@pytest.mark.parametrize(
    ("path", "q", "found"),
    [
        ("/customers", "qhtf", "清华同方威视"),
        ("/customers", "tongfang", "清华同方威视"),
        ("/contacts", "zhangwei", "张伟"),
        ("/leads", "lihua", "李华"),
    ],
)
def test_the_list_search_box_finds_pinyin_like_the_global_search(app, path, q, found):
    customer = add_customer(app, "rep", "清华同方威视")
    add_customer(app, "rep", "上海电器")
    with api_client(app, "rep") as api:
        api.post("/api/v1/contacts", json={"name": "张伟", "customer_id": customer["id"]})
        api.post("/api/v1/contacts", json={"name": "王芳", "customer_id": customer["id"]})
        api.post("/api/v1/leads", json={"name": "李华"})
        api.post("/api/v1/leads", json={"name": "赵敏"})
    with page_client(app, "rep") as page:
        assert names_in(page.get(path, params={"q": q}).text) == [found]
        # The ordinary substring search still works beside it.
        assert found in names_in(page.get(path, params={"q": found[1:]}).text)


def test_the_list_search_by_pinyin_stays_in_the_users_scope(app):
    add_customer(app, "other", "清华同方威视")
    with page_client(app, "rep") as page:
        assert names_in(page.get("/customers", params={"q": "qhtf"}).text) == []

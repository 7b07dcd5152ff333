"""A plugin's own record kind gets its web pages from its declaration alone.

`tests/kind_plugin/plugin.py` declares tickets with `pages=RecordPages(badge="status")` and
writes no page code or template: the core serves the list at `/helpdesk-tickets`, the form
at `/helpdesk-tickets/new` and `/helpdesk-tickets/{id}/edit` (409 when stale, 422 next to the
field) and the record page at `/helpdesk-tickets/{id}` with its history, in Chinese and
English, labels not keys.
"""

from __future__ import annotations

import re

import pytest

from kht.testing import csrf_token
from tests.team import build_team

PLUGIN = "tests.kind_plugin.plugin"


@pytest.fixture
def team(kht_app):
    return build_team(kht_app, plugins=["helpdesk"], extra=[PLUGIN])


def _post(client, url, data):
    return client.post(
        url, data={**data, "_csrf_token": csrf_token(client)}, follow_redirects=False
    )


def _english(client):
    _post(client, "/account/language", {"language": "en"})


def _ticket(client, **values) -> str:
    created = _post(client, "/helpdesk-tickets/new", {"subject": "打印机卡纸", **values})
    assert created.status_code == 303, created.text
    return created.headers["location"]


def test_the_form_creates_a_ticket_shown_on_its_page_and_in_the_list(team):
    with team.browser("rep1") as rep:
        form = rep.get("/helpdesk-tickets/new")
        assert form.status_code == 200
        assert 'name="subject"' in form.text and 'id="helpdesk_ticket-form"' in form.text
        assert '<option value="waiting">等待客户</option>' in form.text
        url = _ticket(rep, status="waiting", notes="三楼")
        page = rep.get(url).text
        listed = rep.get("/helpdesk-tickets").text
    assert re.fullmatch(r"/helpdesk-tickets/\d+", url)
    assert 'id="helpdesk_ticket-name">打印机卡纸' in page
    assert 'data-helpdesk_ticket-status="waiting">等待客户<' in page
    assert "三楼" in page and 'data-history-action="创建"' in page
    assert f'<a href="{url}">打印机卡纸</a>' in listed
    assert 'href="/helpdesk-tickets/new"' in listed and 'id="list-total">1<' in listed


def test_editing_saves_a_stale_form_says_reload_and_bad_input_is_named(team):
    with team.browser("rep1") as rep:
        url = _ticket(rep)
        edit = rep.get(f"{url}/edit")
        assert 'name="version" value="1"' in edit.text
        form = {"subject": "打印机卡纸", "status": "closed", "version": "1"}
        saved = _post(rep, f"{url}/edit", form)
        stale = _post(rep, f"{url}/edit", {**form, "subject": "旧的主题"})
        empty = _post(rep, f"{url}/edit", {**form, "subject": "", "version": "2"})
        page = rep.get(url).text
    assert saved.status_code == 303 and saved.headers["location"] == url
    assert stale.status_code == 409 and 'id="stale-warning"' in stale.text
    assert 'value="旧的主题"' in stale.text  # the input is kept for the retry
    assert empty.status_code == 422 and 'data-error-for="subject"' in empty.text
    assert "已关闭" in page and "旧的主题" not in page
    assert re.search(r"状态</th><td><del>处理中</del> → <ins>已关闭</ins>", page)


def test_a_new_ticket_with_bad_input_shows_the_form_again(team):
    with team.browser("rep1") as rep:
        refused = _post(rep, "/helpdesk-tickets/new", {"subject": "", "notes": "写了一半"})
        wrong = _post(rep, "/helpdesk-tickets", {"subject": "x", "status": "lost"})
        assert (
            rep.get("/helpdesk-tickets").text.count('href="/helpdesk-tickets/') == 1
        )  # only "new"
    assert refused.status_code == 422 and 'data-error-for="subject"' in refused.text
    assert "写了一半" in refused.text
    assert wrong.status_code == 422 and 'data-error-for="status"' in wrong.text


def test_the_pages_speak_english_without_raw_keys(team):
    with team.browser("rep1") as rep:
        _english(rep)
        url = _ticket(rep, status="waiting")
        _post(rep, url, {"subject": "打印机卡纸", "status": "open", "version": "1"})
        page = rep.get(url).text
        form = rep.get(f"{url}/edit").text
        listed = rep.get("/helpdesk-tickets").text
    assert "Tickets" in listed and "Subject" in form and "History" in page
    assert re.search(r"Status</th><td><del>Waiting</del> → <ins>Open</ins>", page)
    assert '<option value="waiting">Waiting</option>' in form
    for raw in (">waiting<", ">subject<", ">status<", ">notes<"):
        assert raw not in page and raw not in form


def test_another_departments_ticket_has_no_page_and_no_form(team):
    with team.browser("rep1") as rep:
        url = _ticket(rep)
    with team.browser("west_rep") as other:
        assert other.get(url).status_code == 404
        assert other.get(f"{url}/edit").status_code == 404
        assert _post(other, f"{url}/edit", {"subject": "x", "version": "1"}).status_code == 404
        assert "打印机卡纸" not in other.get("/helpdesk-tickets").text

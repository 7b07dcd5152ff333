"""A Chinese reader sees labels, never stored keys: the customer list, the customer's history
(field labels, stage labels, audited times in the reader's zone) and its timeline."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from litestar.testing import TestClient

from kht.lifecycle.service import change_stage
from kht.testing import log_in

MOVED = datetime(2026, 3, 31, 16, 1, tzinfo=UTC)  # 00:01 on 1 April in Beijing


def chinese_page(team, url: str) -> str:
    client = TestClient(team.app)
    log_in(client, "rep1")
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.text


def test_the_customer_list_shows_type_and_stage_labels(team):
    team.customer("王小明", "rep1", kind="person")
    page = chinese_page(team, "/customers?columns=name,kind,stage")
    row = page.split("王小明", 1)[1].split("</tr>", 1)[0]
    assert "个人" in row and "目标客户" in row
    assert not re.search(r">\s*(person|target)\s*<", row)


def test_history_and_timeline_show_labels_and_local_times(team):
    customer_id = team.customer("杭州西湖医疗器械有限公司", "rep1")
    with time_machine.travel(MOVED, tick=False), team.ctx("rep1") as ctx:
        change_stage(ctx, "customer", customer_id, "prospect", cause="有明确需求")
    page = chinese_page(team, f"/customers/{customer_id}")
    assert "阶段变更时间" in page and "stage_changed_at" not in page
    assert "目标客户 → 潜在客户" in page  # the timeline's move, by label
    assert "2026-04-01 00:01" in page  # the audited time, in Beijing
    shown = re.sub(r"<[^>]*>", " ", page.split("<body", 1)[1])  # the text, not attributes
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", shown)
    assert not re.search(r">\s*(prospect|target)\s*<", page)

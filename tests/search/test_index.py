"""The index follows every change: scope, recycle bin, hand-over, renames, merges, reindex."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, func, select, text, update

from kht.auth.handover import hand_over
from kht.contacts.models import Contact
from kht.errors import Forbidden, ValidationError
from kht.events import RecordsMerged
from kht.search import service
from kht.search.models import SearchDocument


def test_a_rep_finds_only_own_customers_and_the_manager_finds_the_team(team):
    team.create("customer", login="rep", name="东方明珠电视塔有限公司")
    team.create("customer", login="other_rep", name="东方航空物流有限公司")
    assert team.find("东方", login="rep") == ["东方明珠电视塔有限公司"]
    assert team.find("东方", login="other_rep") == ["东方航空物流有限公司"]
    assert set(team.find("东方", login="manager")) == {
        "东方明珠电视塔有限公司",
        "东方航空物流有限公司",
    }
    assert team.find("东", login="rep") == ["东方明珠电视塔有限公司"]


def test_a_role_without_a_module_finds_none_of_its_kind(team):
    team.create("customer", login="rep", name="同方客户")
    team.create("lead", login="rep", name="同方线索")
    # The service role views customers and contacts (all of them) but not leads.
    assert team.find("同方", login="service") == ["同方客户"]
    assert team.find("同方", login="service", kind="lead") == []


def test_customers_in_the_shared_pool_are_found_by_everyone_who_may_view_customers(team):
    with team.as_user("admin") as ctx:
        from kht import record_service as records
        from tests.search.conftest import KINDS

        records.create_record(ctx, KINDS["customer"], {"name": "公海客户甲"}, owner_id=None)
    assert team.find("公海", login="rep") == ["公海客户甲"]


def test_a_deleted_customer_is_not_found_and_is_found_again_when_restored(team):
    customer_id = team.create("customer", name="回收站测试有限公司")
    team.delete("customer", customer_id)
    assert team.find("回收站") == []
    assert team.find("回") == []
    team.restore("customer", customer_id)
    assert team.find("回收站") == ["回收站测试有限公司"]


def test_a_hand_over_moves_the_records_into_the_new_owners_scope(team):
    team.create("customer", login="rep", name="交接客户有限公司")
    team.create("customer", login="rep", name="交接客户二部")
    assert team.find("交接", login="other_rep") == []
    with team.as_user("admin") as ctx:
        hand_over(ctx, team.users["rep"], team.users["other_rep"])
    assert team.find("交接", login="rep") == []
    assert team.find("交接", login="other_rep") == ["交接客户二部", "交接客户有限公司"]


def test_changing_the_name_reindexes_the_record_and_its_contacts(team):
    customer_id = team.create("customer", name="旧名字有限公司")
    team.create("contact", name="王芳", customer_id=customer_id)
    team.update("customer", customer_id, name="新名字科技有限公司", phone="021-55556666")
    assert team.find("旧名字") == []
    assert set(team.find("新名字")) == {"新名字科技有限公司", "王芳"}
    assert team.find("55556666") == ["新名字科技有限公司"]
    assert team.find("xinmingzi") == ["新名字科技有限公司"]


def test_changes_to_unindexed_fields_leave_the_document_alone(team):
    customer_id = team.create("customer", name="稳定公司")
    team.update("customer", customer_id, notes="不参与搜索的备注", stage="customer")
    assert team.find("备注") == []
    assert team.find("稳定") == ["稳定公司"]


def test_a_merge_drops_the_merged_records_and_refreshes_the_survivor(team):
    keep = team.create("customer", name="合并保留有限公司")
    gone = team.create("customer", name="合并消失有限公司")
    contact_id = team.create("contact", name="赵敏", customer_id=gone)
    with team.as_user("admin") as ctx:  # what the merge service does, then announces
        ctx.session.execute(
            update(Contact).where(Contact.id == contact_id).values(customer_id=keep)
        )
        ctx.fire(RecordsMerged(kind="customer", record_id=keep, merged_ids=(gone,)))
    assert team.find("合并") == ["合并保留有限公司", "赵敏"]
    with team.as_user("admin") as ctx:
        hits, _ = service.search(ctx, "赵敏")
    assert hits[0].subtitle == "合并保留有限公司"


def _wipe(team) -> None:
    with team.as_user(None) as ctx:
        ctx.session.execute(delete(SearchDocument))


def test_reindex_rebuilds_every_document_after_the_table_was_wiped(team):
    team.create("customer", name="清华同方威视技术股份有限公司", phone="010-62780909")
    deleted = team.create("customer", name="已删除同方")
    team.create("contact", name="李雷")
    team.create("lead", name="韩梅梅", company="同方软件")
    team.delete("customer", deleted)
    _wipe(team)
    assert team.find("同方") == []
    with team.as_user(None) as ctx:
        assert service.reindex(ctx) == {"customer": 1, "contact": 1, "lead": 1, "article": 0}
    assert set(team.find("同方")) == {"清华同方威视技术股份有限公司", "韩梅梅"}
    assert team.find("0909") == ["清华同方威视技术股份有限公司"]
    with team.as_user("admin") as ctx:
        assert service.reindex(ctx, "lead") == {"lead": 1}
        total = ctx.session.scalar(select(func.count()).select_from(SearchDocument))
    assert total == 3


def test_a_full_reindex_repairs_a_drifted_sqlite_fts_index(team):
    with team.as_user(None) as ctx:
        if ctx.session.get_bind().dialect.name != "sqlite":
            pytest.skip("FTS5 is SQLite's")
    team.create("customer", name="索引修复有限公司")
    with team.as_user(None) as ctx:
        ctx.session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
    assert team.find("修复") == []
    with team.as_user(None) as ctx:
        service.reindex(ctx)
    assert team.find("修复") == ["索引修复有限公司"]


def test_reindex_is_for_administrators_and_known_kinds(team):
    with team.as_user("manager") as ctx, pytest.raises(Forbidden):
        service.reindex(ctx)
    with team.as_user(None) as ctx, pytest.raises(ValidationError) as error:
        service.reindex(ctx, "order")
    assert error.value.field == "kind"


def test_the_reindex_command_prints_the_counts(team, kht_db_url):
    team.create("customer", name="命令行重建有限公司")
    _wipe(team)
    environ = {**os.environ, "KHT_DATABASE_URL": kht_db_url, "KHT_EXTRA_PLUGINS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "kht", "search", "reindex"],
        env=environ,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "customer: 1 documents" in result.stdout
    assert "reindexing" not in result.stderr  # not a terminal: no progress
    assert team.find("命令行") == ["命令行重建有限公司"]
    shown = subprocess.run(
        [sys.executable, "-m", "kht", "--progress", "search", "reindex", "--kind", "customer"],
        env=environ,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "reindexing customer: 1/1 (" in shown.stderr


def test_reindex_reports_its_progress_per_kind(team):
    team.create("customer", name="进度客户一")
    team.create("customer", name="进度客户二")
    reports = []

    @contextmanager
    def recording(label, total=None):
        seen = []
        yield lambda done, total=None, force=False: seen.append(done)
        reports.append((label, total, seen))

    with team.as_user(None) as ctx:
        service.reindex(ctx, "customer", progress=recording)
    assert reports == [("reindexing customer", 2, [2])]

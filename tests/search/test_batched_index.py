"""The index is written in batches, yet a search in the same transaction sees every change."""

from __future__ import annotations

from sqlalchemy import func, select

from kht import record_service as records
from kht.audit.deferred import BATCH
from kht.search import service
from kht.search.models import SearchDocument
from tests.search.conftest import KINDS


def _titles(ctx, q: str) -> list[str]:
    hits, _ = service.search(ctx, q)
    return [hit.title for hit in hits]


def test_a_search_finds_a_record_created_earlier_in_the_same_transaction(team):
    with team.as_user("admin") as ctx:
        records.create_record(ctx, KINDS["customer"], {"name": "清华同方威视"})
        assert _titles(ctx, "同方") == ["清华同方威视"]
        record = records.create_record(ctx, KINDS["lead"], {"name": "燕山石化"})
        records.update_record(ctx, KINDS["lead"], record, None, {"name": "燕山化工"})
        assert _titles(ctx, "燕山") == ["燕山化工"]
        records.delete_record(ctx, KINDS["lead"], record)
        assert _titles(ctx, "燕山") == []
    assert team.find("同方") == ["清华同方威视"]


def test_a_rolled_back_savepoint_leaves_no_document(team):
    with team.as_user("admin") as ctx:
        records.create_record(ctx, KINDS["customer"], {"name": "保留科技"})
        savepoint = ctx.session.begin_nested()
        records.create_record(ctx, KINDS["customer"], {"name": "撤销科技"})
        savepoint.rollback()
        assert _titles(ctx, "科技") == ["保留科技"]
    assert team.find("科技") == ["保留科技"]


def test_a_failed_transaction_leaves_no_document(team):
    try:
        with team.as_user("admin") as ctx:
            records.create_record(ctx, KINDS["customer"], {"name": "失败科技"})
            raise LookupError("rolled back")
    except LookupError:
        pass
    assert team.find("科技") == []
    with team.as_user("admin") as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(SearchDocument)) == 0


def test_more_changes_than_a_batch_all_reach_the_index(team):
    with team.as_user("admin") as ctx:
        for i in range(BATCH + 5):
            records.create_record(ctx, KINDS["customer"], {"name": f"批量客户{i:04d}"})
    with team.as_user("admin") as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(SearchDocument)) == BATCH + 5
        hits, total = service.search(ctx, "批量客户0504")
    assert total == 1
    assert hits[0].title == "批量客户0504"


def test_a_rename_then_a_hand_over_in_one_transaction_keeps_both(team):
    customer = team.create("customer", login="rep", name="老名字公司")
    with team.as_user("admin") as ctx:
        record = records.get_record(ctx, KINDS["customer"], customer)
        records.update_record(ctx, KINDS["customer"], record, None, {"name": "新名字公司"})
        record = records.get_record(ctx, KINDS["customer"], customer)
        records.update_record(
            ctx, KINDS["customer"], record, None, {"owner_id": team.users["other_rep"]}
        )
    assert team.find("新名字", login="other_rep") == ["新名字公司"]
    assert team.find("新名字", login="rep") == []
    assert team.find("老名字", login="admin") == []

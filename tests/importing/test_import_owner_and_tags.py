"""Importing owners (by login or name), source, category and tags; skipped rows name their match."""

from __future__ import annotations

from sqlalchemy import select

from kht.auth.models import User
from kht.customers.models import CustomerCategory
from kht.tags.service import tags_of
from tests.importing.conftest import csv_bytes, run, upload
from tests.importing.test_import_api import existing, uploaded
from tests.importing.test_import_ui import browser


def rename(world, login: str, name: str) -> None:
    with world.runtime.ctx() as ctx:
        ctx.session.scalar(select(User).where(User.login == login)).name = name


def category(world, name: str) -> int:
    with world.runtime.ctx() as ctx:
        row = CustomerCategory(name=name)
        ctx.session.add(row)
        ctx.session.flush()
        return row.id


def tags(world, kind: str, record_id: int) -> list[str]:
    with world.runtime.ctx() as ctx:
        return tags_of(ctx, kind, [record_id])[record_id]


def test_owner_source_category_and_tags_are_mapped_and_imported(world):
    rename(world, "rep", "张三")
    vip = category(world, "重点客户")
    rows = [
        ["客户名称", "负责人", "来源", "客户类别", "标签"],
        ["甲公司", "张三", "展会", "重点客户", "华东, 老客户"],
        ["乙公司", "mgr", "官网", "", "华东"],
    ]
    with world.client("mgr") as client:
        body = upload(client, "客户.csv", csv_bytes(rows)).json()
        assert body["mapping"] == {
            "客户名称": "name",
            "负责人": "owner_id",
            "来源": "source",
            "客户类别": "category_id",
            "标签": "tags",
        }
        job = run(client, body["id"]).json()
    assert job["result"]["created"] == 2, job
    first, second = world.customers()
    assert (first.owner_id, first.source, first.category_id) == (world.users["rep"], "展会", vip)
    assert (second.owner_id, second.source, second.category_id) == (
        world.users["mgr"],
        "官网",
        None,
    )
    assert tags(world, "customer", first.id) == ["华东", "老客户"]
    assert tags(world, "customer", second.id) == ["华东"]


def test_an_ambiguous_owner_name_is_a_row_error_naming_the_column(world):
    rename(world, "rep", "王伟")
    rename(world, "west", "王伟")
    rows = [["名称", "负责人"], ["甲公司", "王伟"], ["乙公司", "rep"]]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows)).json()
    assert job["result"]["failed"] == 1 and job["result"]["written"] is False
    [(row, column, value, message)] = job["result"]["first_errors"]
    assert (row, column, value) == (2, "负责人", "王伟")
    assert "several users" in message and "login" in message


def test_an_unknown_owner_or_category_is_a_row_error_naming_the_column(world):
    rows = [["名称", "负责人", "类别"], ["甲公司", "nobody", ""], ["乙公司", "", "不存在"]]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows), commit_valid=True).json()
    errors = {(row, column): message for row, column, _, message in job["result"]["first_errors"]}
    assert set(errors) == {(2, "负责人"), (3, "类别")}
    assert "nobody" in errors[(2, "负责人")] and "不存在" in errors[(3, "类别")]
    assert world.names() == []


def test_a_rep_without_assign_may_only_name_themselves_as_owner(world):
    from kht.auth.models import Role

    with world.runtime.ctx() as ctx:  # a rep allowed to import, but not to assign
        role = ctx.session.scalar(select(Role).where(Role.key == "sales_rep"))
        role.grants = {
            **role.grants,
            "customers": {"ops": ["view", "create", "edit", "import"], "scope": "own"},
        }
    rows = [["名称", "负责人"], ["甲公司", "rep"], ["乙公司", "mgr"]]
    with world.client("rep") as client:
        job = run(client, uploaded(client, rows), commit_valid=True).json()
    [(row, column, _, message)] = job["result"]["first_errors"]
    assert (row, column) == (3, "负责人") and "assign" in message
    assert world.names() == ["甲公司"]


def test_an_update_import_reassigns_and_adds_tags(world):
    acme = existing(world, name="Acme")
    rows = [["名称", "负责人", "标签"], ["acme", "rep", "重要"]]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows), dedupe="update").json()
    assert job["result"]["updated"] == 1, job
    [customer] = world.customers()
    assert customer.id == acme and customer.owner_id == world.users["rep"]
    assert tags(world, "customer", acme) == ["重要"]


def test_contacts_and_leads_take_owner_and_tags_too(world):
    rows = [["姓名", "负责人", "标签"], ["李四", "rep", "展会"]]
    with world.client("mgr") as client:
        import_id = upload(client, "l.csv", csv_bytes(rows), kind="lead").json()["id"]
        job = run(client, import_id).json()
    assert job["result"]["created"] == 1, job
    from kht.leads.models import Lead

    with world.runtime.ctx() as ctx:
        lead = ctx.session.scalar(select(Lead))
        assert lead.owner_id == world.users["rep"]
        assert tags_of(ctx, "lead", [lead.id])[lead.id] == ["展会"]


def test_a_skipped_duplicate_names_the_record_it_matched(world):
    acme = existing(world, name="Acme Ltd", phone="010-1")
    rows = [["名称", "电话"], ["ACME LTD", ""], ["New Co", ""], ["new co", ""]]
    with world.client("mgr") as client:
        import_id = uploaded(client, rows)
        preview = client.get(f"/api/v1/imports/{import_id}/preview").json()["rows"]
        assert preview[0]["matched"] == preview[0]["matched"] | {"id": acme, "name": "Acme Ltd"}
        assert preview[2]["matched"]["matched_row"] == 3  # an earlier row of the file
    with browser(world, "mgr") as client:
        preview_page = client.get(f"/import/{import_id}/preview").text
        assert f'href="/customers/{acme}"' in preview_page
    with world.client("mgr") as client:
        job = run(client, import_id).json()
    with browser(world, "mgr") as client:
        page = client.get(f"/jobs/{import_id}").text
    new_co = next(c.id for c in world.customers() if c.name == "New Co")
    assert job["result"]["duplicates"] == [
        {
            "row": 2,
            "id": acme,
            "name": "Acme Ltd",
            "url": f"/customers/{acme}",
            "matched_row": None,
        },
        {"row": 4, "id": new_co, "name": "New Co", "url": f"/customers/{new_co}", "matched_row": 3},
    ]
    assert f'href="/customers/{acme}"' in page and "Acme Ltd" in page

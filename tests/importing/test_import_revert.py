"""Reverting a committed import within 30 days: what it created goes to the recycle bin, what it
updated gets its old values back; refused where a record changed since, after 30 days, twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.customers.models import Customer
from kht.jobs.models import Job
from kht.tags.service import tags_of
from kht.testing import csrf_token
from tests.importing.conftest import run
from tests.importing.test_import_api import existing, uploaded
from tests.importing.test_import_ui import browser


def customer(world, customer_id: int) -> Customer:
    with world.runtime.ctx() as ctx:
        found = ctx.session.get(Customer, customer_id)
        ctx.session.expunge(found)
        return found


def imported(world, rows, login="mgr", **options) -> int:
    with world.client(login) as client:
        import_id = uploaded(client, rows)
        job = run(client, import_id, **options).json()
    assert job["result"]["written"] is True, job
    return import_id


def revert(world, import_id: int, login="mgr"):
    with world.client(login) as client:
        return client.post(f"/api/v1/imports/{import_id}/revert")


def edit(world, customer_id: int, **changes) -> None:
    from kht.customers.schemas import CustomerUpdate
    from kht.customers.service import update_customer

    with world.ctx_as("mgr") as ctx:
        version = ctx.session.get(Customer, customer_id).version
        update_customer(ctx, customer_id, CustomerUpdate(version=version, **changes))


def test_a_revert_bins_the_created_records_and_restores_the_updated_fields(world):
    acme = existing(world, name="Acme", email="old@acme.cn", address="北京")
    rows = [
        ["名称", "邮箱", "负责人", "标签"],
        ["ACME", "new@acme.cn", "rep", "重要"],
        ["Globex", "g@x.cn", "", "新"],
    ]
    import_id = imported(world, rows, dedupe="update")
    changed = customer(world, acme)
    assert (changed.name, changed.email, changed.owner_id) == (
        "ACME",
        "new@acme.cn",
        world.users["rep"],
    )

    answer = revert(world, import_id)

    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["revert"] == {"deleted": 1, "restored": 1}
    assert world.names() == ["Acme"]  # Globex is in the recycle bin
    back = customer(world, acme)
    assert (back.name, back.email, back.address) == ("Acme", "old@acme.cn", "北京")
    assert back.owner_id == world.users["mgr"]
    with world.runtime.ctx() as ctx:
        assert tags_of(ctx, "customer", [acme])[acme] == []
        globex = ctx.session.scalar(select(Customer).where(Customer.name == "Globex"))
        assert globex.deleted_at is not None
        audited = ctx.session.scalar(
            select(AuditEntry).where(AuditEntry.kind == "import", AuditEntry.record_id == import_id)
        )
    assert audited.action == "revert" and audited.user_id == world.users["mgr"]
    assert audited.changes == {"deleted": [None, 1], "restored": [None, 1]}


def test_a_revert_is_refused_naming_the_records_changed_since_and_undoes_nothing(world):
    import_id = imported(world, [["名称"], ["甲公司"], ["乙公司"]])
    first = next(c.id for c in world.customers() if c.name == "甲公司")
    edit(world, first, phone="010-1")

    answer = revert(world, import_id)

    assert answer.status_code == 409
    assert answer.json()["field"] == "records"
    assert (
        f"#{first} 甲公司" in answer.json()["message"] and "乙公司" not in answer.json()["message"]
    )
    assert world.names() == ["甲公司", "乙公司"]
    assert customer(world, first).phone == "010-1"


def test_a_later_import_touching_the_same_record_refuses_the_revert_of_the_first(world):
    first_import = imported(world, [["名称", "电话"], ["甲公司", "1"]])
    imported(world, [["名称", "电话"], ["甲公司", "2"]], dedupe="update")
    assert revert(world, first_import).status_code == 409


def test_a_revert_after_30_days_is_refused(world):
    import_id = imported(world, [["名称"], ["甲公司"]])
    with world.runtime.ctx() as ctx:
        job = ctx.session.get(Job, import_id)
        job.finished_at = ctx.now() - timedelta(days=30, minutes=1)

    answer = revert(world, import_id)

    assert answer.status_code == 409 and "30 days" in answer.json()["message"]
    assert world.names() == ["甲公司"]


def test_an_import_cannot_be_reverted_twice(world):
    import_id = imported(world, [["名称"], ["甲公司"]])
    assert revert(world, import_id).status_code == 200
    again = revert(world, import_id)
    assert again.status_code == 409 and "already been reverted" in again.json()["message"]


def test_a_dry_run_or_an_import_that_wrote_nothing_has_nothing_to_revert(world):
    with world.client("mgr") as client:
        import_id = uploaded(client, [["名称"], ["甲公司"]])
        assert run(client, import_id, dry_run=True).status_code == 200
        answer = client.post(f"/api/v1/imports/{import_id}/revert")
    assert answer.status_code == 409 and "nothing to revert" in answer.json()["message"]


def test_another_users_import_cannot_be_reverted(world):
    import_id = imported(world, [["名称"], ["甲公司"]], login="mgr")
    assert revert(world, import_id, login="west").status_code == 404
    assert world.names() == ["甲公司"]


def test_the_import_page_offers_the_revert_and_then_lists_it(world):
    import_id = imported(world, [["名称"], ["甲公司"]])
    with browser(world, "mgr") as client:
        page = client.get(f"/jobs/{import_id}").text
        assert 'id="revert-form"' in page
        done = client.post(
            f"/import/{import_id}/revert",
            data={"_csrf_token": csrf_token(client)},
            follow_redirects=True,
        )
        assert done.status_code == 200
        assert 'id="import-reverted"' in done.text and 'id="revert-form"' not in done.text
        refused = client.post(
            f"/import/{import_id}/revert", data={"_csrf_token": csrf_token(client)}
        )
    assert refused.status_code == 409 and 'id="revert-error"' in refused.text
    assert world.names() == []


def test_the_import_page_shows_why_a_revert_was_refused(world):
    import_id = imported(world, [["名称"], ["甲公司"]])
    edit(world, world.customers()[0].id, notes="changed by hand")
    with browser(world, "mgr") as client:
        refused = client.post(
            f"/import/{import_id}/revert", data={"_csrf_token": csrf_token(client)}
        )
    assert refused.status_code == 409
    assert 'id="revert-error"' in refused.text and "甲公司" in refused.text
    assert "导入后有 1 条记录被修改" in refused.text  # in the user's language


def test_a_revert_of_more_rows_than_one_query_takes_bins_them_all(world):
    rows = [["名称", "标签"], *([f"公司 {k}", "批量"] for k in range(1_200))]
    import_id = imported(world, rows)
    assert len(world.names()) == 1_200
    answer = revert(world, import_id)
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["revert"] == {"deleted": 1_200, "restored": 0}
    assert world.names() == []

"""Audit rows are buffered per transaction and written in batches, invisibly to readers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from kht import record_service as records
from kht.audit import service as audit
from kht.audit.deferred import BATCH
from kht.audit.models import AuditEntry
from kht.auth.principal import load_principal
from kht.customers.models import Customer
from kht.hookspecs import hookimpl
from kht.plugin_types import RecordKind
from kht.testing import add_user, runtime_of

CUSTOMER = RecordKind(
    kind="customer", model=Customer, module="customers", label_zh="客户", label_en="Customers"
)


class Failing:
    """A plugin whose listener refuses every record after the audit row was buffered."""

    @hookimpl(trylast=True)
    def kht_on_event(self, ctx: Any, event: Any) -> None:
        raise RuntimeError("listener failed")


@pytest.fixture
def office(kht_app):
    runtime = runtime_of(kht_app())
    return runtime, add_user(runtime, "admin", "administrator", department="HQ")


def _count(runtime, **where: Any) -> int:
    with runtime.ctx() as ctx:
        query = select(func.count()).select_from(AuditEntry).filter_by(**where)
        return ctx.session.scalar(query)


def test_history_shows_a_create_and_an_update_made_earlier_in_the_same_transaction(office):
    runtime, admin = office
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        record = records.create_record(ctx, CUSTOMER, {"name": "清华同方"})
        records.update_record(ctx, CUSTOMER, record, None, {"phone": "010-62780909"})
        entries = audit.history(ctx, "customer", record.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].changes == {"phone": ["", "010-62780909"]}
    assert entries[1].changes["name"] == [None, "清华同方"]
    assert entries[1].user_id == admin


def test_a_plain_query_of_the_audit_log_sees_the_waiting_rows(office):
    runtime, admin = office
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        record = records.create_record(ctx, CUSTOMER, {"name": "北京燕山"})
        query = select(AuditEntry.action).where(AuditEntry.record_id == record.id)
        assert list(ctx.session.scalars(query)) == ["create"]


def test_a_rolled_back_transaction_leaves_no_audit_rows(office):
    runtime, admin = office
    with pytest.raises(RuntimeError), runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        records.create_record(ctx, CUSTOMER, {"name": "回滚公司"})
        raise RuntimeError("changed my mind")
    assert _count(runtime) == 0


def test_a_rolled_back_savepoint_drops_its_rows_and_keeps_the_ones_before_it(office):
    runtime, admin = office
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        kept = records.create_record(ctx, CUSTOMER, {"name": "保留公司"}).id
        savepoint = ctx.session.begin_nested()
        records.create_record(ctx, CUSTOMER, {"name": "撤销公司"})
        savepoint.rollback()
        with ctx.session.begin_nested():
            inner = records.create_record(ctx, CUSTOMER, {"name": "内层公司"}).id
    with runtime.ctx() as ctx:
        rows = ctx.session.execute(select(AuditEntry.record_id, AuditEntry.changes))
        names = {record_id: changes["name"][1] for record_id, changes in rows}
    # (SQLite may give the inner record the id the rolled-back one had.)
    assert names == {kept: "保留公司", inner: "内层公司"}


def test_a_failing_listener_rolls_back_the_record_and_its_audit_row(office):
    runtime, admin = office
    with pytest.raises(RuntimeError, match="listener failed"), runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        ctx.plugins.pm.register(Failing(), name="failing_listener")
        try:
            records.create_record(ctx, CUSTOMER, {"name": "失败公司"})
        finally:
            ctx.plugins.pm.unregister(name="failing_listener")
    assert _count(runtime) == 0
    with runtime.ctx() as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_more_rows_than_a_batch_are_all_written_in_order(office):
    runtime, admin = office
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        ids = [
            records.create_record(ctx, CUSTOMER, {"name": f"批量公司{i}"}).id
            for i in range(BATCH + 3)
        ]
    with runtime.ctx() as ctx:
        rows = ctx.session.scalars(select(AuditEntry.record_id).order_by(AuditEntry.id))
        assert list(rows) == ids

"""Imports with a plugin enabled: its fields, validators and listeners apply to every row."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.customers.models import Customer
from kht.events import RecordCreated
from kht.hookspecs import hookimpl
from kht.testing import add_user, bearer, runtime_of
from tests.conftest import EXT_PLUGIN
from tests.importing.conftest import csv_bytes, run, upload

ROWS = [
    ["名称", "VIP 等级"],
    ["Acme", "gold"],
    ["spam and eggs", "silver"],
    ["explode", ""],
    ["Bad Level", "platinum"],
    ["Globex", ""],
]


@pytest.fixture
def plugged(kht_app):
    app = kht_app(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    runtime = runtime_of(app)
    add_user(runtime, "mgr", "sales_manager", department="Sales")
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "mgr"))
        yield client, runtime


def stored(runtime) -> list[tuple[str, dict]]:
    with runtime.ctx() as ctx:
        return [
            (c.name, c.ext) for c in ctx.session.scalars(select(Customer).order_by(Customer.id))
        ]


def visits(client) -> list[str]:
    return [item["note"] for item in client.get("/api/v1/ext_plugin/visits").json()["items"]]


def test_plugin_fields_validators_and_listeners_run_for_each_row(plugged):
    client, runtime = plugged
    body = upload(client, "c.csv", csv_bytes(ROWS)).json()
    assert body["mapping"]["VIP 等级"] == "ext.ext_plugin.vip_level"
    job = run(client, body["id"], commit_valid=True).json()
    assert job["result"] == job["result"] | {"created": 2, "failed": 3, "written": True}
    problems = {row: message for row, _, _, message in job["result"]["first_errors"]}
    assert "spam" in problems[3]
    assert "internal error (RuntimeError" in problems[4]
    assert "vip_level" in problems[5]
    assert stored(runtime) == [("Acme", {"ext_plugin": {"vip_level": "gold"}}), ("Globex", {})]
    # The listener's own writes were kept for good rows and undone with the failing one.
    assert visits(client) == ["welcome Acme", "welcome Globex"]


def test_all_or_nothing_also_undoes_the_listeners_writes(plugged):
    client, runtime = plugged
    body = upload(client, "c.csv", csv_bytes(ROWS)).json()
    job = run(client, body["id"]).json()
    assert job["result"]["written"] is False
    assert stored(runtime) == [] and visits(client) == []


def test_a_plugin_listener_sees_in_file_duplicates_one_row_at_a_time(plugged):
    client, runtime = plugged
    rows = [["名称"], ["Acme"], ["acme"], ["Initech"]]
    job = run(client, upload(client, "c.csv", csv_bytes(rows)).json()["id"]).json()
    assert job["result"] == job["result"] | {"created": 2, "skipped": 1}
    assert visits(client) == ["welcome Acme", "welcome Initech"]


class Boom:
    """A listener that refuses one record: the batch it is in is retried row by row."""

    @hookimpl
    def kht_on_event(self, ctx, event):
        if isinstance(event, RecordCreated) and event.values.get("name") == "boom":
            raise RuntimeError("boom")


def test_a_batch_refused_by_a_listener_is_retried_row_by_row(world):
    world.app.state.plugins.pm.register(Boom())
    rows = [["名称"], ["first"], ["boom"], ["last"]]
    with world.client("mgr") as client:
        job = run(
            client, upload(client, "c.csv", csv_bytes(rows)).json()["id"], commit_valid=True
        ).json()
    assert job["result"] == job["result"] | {"created": 2, "failed": 1, "written": True}
    assert job["result"]["first_errors"][0][0] == 3
    assert world.names() == ["first", "last"]
    with world.runtime.ctx() as ctx:
        audited = ctx.session.scalars(
            select(AuditEntry.record_id).where(AuditEntry.action == "create")
        ).all()
    assert sorted(audited) == sorted(c.id for c in world.customers())


def test_the_preview_applies_plugin_validators_and_fields(plugged):
    client, _ = plugged
    import_id = upload(client, "c.csv", csv_bytes(ROWS)).json()["id"]
    rows = client.get(f"/api/v1/imports/{import_id}/preview").json()["rows"]
    actions = {row["row"]: row["action"] for row in rows}
    assert actions == {2: "create", 3: "fail", 4: "create", 5: "fail", 6: "create"}

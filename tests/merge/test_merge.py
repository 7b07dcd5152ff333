"""Merging two customers (and two contacts): picked values, moved records, history, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from kht.actions.models import Action
from kht.contacts.models import Contact
from kht.customers.models import Customer, CustomerGroup, customer_group_members
from kht.db.custom_fields import CustomField
from kht.files import service as files
from kht.leads.models import Lead
from kht.lifecycle import service as lifecycle
from kht.lifecycle.models import StageChange
from kht.tags.models import RecordTag, Tag
from tests.merge.conftest import add_record


@pytest.fixture
def pair(team):
    """Two customers of the East team that are one company, with records hanging off both."""
    with team.ctx("admin") as ctx:
        ctx.session.add_all(
            [
                CustomField(
                    kind="customer",
                    name="level",
                    type="single_choice",
                    label_zh="级别",
                    label_en="Level",
                    choices=["A", "B"],
                ),
                CustomField(
                    kind="customer", name="budget", type="money", label_zh="预算", label_en="Budget"
                ),
            ]
        )
    survivor = team.customer(
        "上海华东电器集团有限公司",
        owner="rep1",
        phone="021-58881234",
        ext={"custom": {"level": "A", "budget": "100.00"}},
    )
    merged = team.customer(
        "上海华东电器有限公司",
        owner="rep2",
        phone="",
        email="info@hddq.cn",
        ext={"custom": {"level": "B", "budget": "250.00"}},
    )
    return survivor, merged


def attach_everything(team, customer_id: int, owner: str) -> dict[str, int]:
    """A contact, a lead, two actions, a tag, a group membership, a file and a stage move."""
    ids = {
        "contact": add_record(
            team, owner, "contact", Contact, "contacts", name="王经理", customer_id=customer_id
        ),
        "lead": add_record(
            team, owner, "lead", Lead, "leads", name="线索", customer_id=customer_id
        ),
        "action": add_record(
            team,
            owner,
            "action",
            Action,
            "actions",
            kind="customer",
            record_id=customer_id,
            customer_id=customer_id,
            subject="拜访",
        ),
    }
    ids["contact_action"] = add_record(
        team,
        owner,
        "action",
        Action,
        "actions",
        kind="contact",
        record_id=ids["contact"],
        customer_id=customer_id,
        subject="电话",
    )
    with team.ctx("admin") as ctx:
        tag = ctx.session.scalar(select(Tag).where(Tag.name == "重要")) or Tag(name="重要")
        group = ctx.session.scalar(select(CustomerGroup).where(CustomerGroup.name == "展会"))
        group = group or CustomerGroup(name="展会")
        ctx.session.add_all([tag, group])
        ctx.session.flush()
        ctx.session.add(RecordTag(tag_id=tag.id, kind="customer", record_id=customer_id))
        ctx.session.execute(
            insert(customer_group_members).values(group_id=group.id, customer_id=customer_id)
        )
        ids["file"] = files.upload(ctx, "customer", customer_id, "合同.pdf", b"%PDF-1.4").id
        lifecycle.change_stage(ctx, "customer", customer_id, "prospect", "展会")
    return ids


def merge(client, survivor: int, merged: int, choices=None, versions=(None, None)):
    body = {
        "survivor_id": survivor,
        "merged_id": merged,
        "version_survivor": versions[0]
        or client.get(f"/api/v1/customers/{survivor}").json()["version"],
        "version_merged": versions[1]
        or client.get(f"/api/v1/customers/{merged}").json()["version"],
        "choices": choices or {},
    }
    return client.post("/api/v1/customers/merge", json=body)


def test_picked_values_go_to_the_survivor_including_custom_fields_per_key(team, pair):
    survivor, merged = pair
    with team.client("east_mgr") as client:
        answer = merge(
            client,
            survivor,
            merged,
            {"name": "merged", "owner_id": "survivor", "ext.custom.budget": "merged"},
        )
        assert answer.status_code == 200, answer.text
        kept = client.get(f"/api/v1/customers/{survivor}").json()
    assert kept["name"] == "上海华东电器有限公司"
    assert kept["phone"] == "021-58881234"  # not picked: the survivor's value stays
    assert kept["email"] == "info@hddq.cn"  # not picked, survivor's was empty: filled in
    assert kept["owner_id"] == team.users["rep1"]
    assert kept["ext"] == {"custom": {"level": "A", "budget": "250.00"}}
    assert kept["version"] == answer.json()["version"]


def test_everything_attached_moves_to_the_survivor_without_duplicates(team, pair):
    survivor, merged = pair
    attach_everything(team, survivor, "rep1")
    moved = attach_everything(team, merged, "rep2")
    with team.ctx("admin") as ctx:  # a tag only the merged customer has
        tag = Tag(name="展会客户")
        ctx.session.add(tag)
        ctx.session.flush()
        ctx.session.add(RecordTag(tag_id=tag.id, kind="customer", record_id=merged))
    with team.client("east_mgr") as client:
        answer = merge(client, survivor, merged)
    assert answer.json()["moved"] == {
        "contacts": 1,
        "leads": 1,
        "actions": 2,
        "tags": 1,
        "groups": 0,
        "files": 1,
        "stage_changes": 1,
    }
    with team.ctx(None) as ctx:
        session = ctx.session
        assert session.get(Contact, moved["contact"]).customer_id == survivor
        assert session.get(Lead, moved["lead"]).customer_id == survivor
        action = session.get(Action, moved["action"])
        assert (action.kind, action.record_id, action.customer_id) == (
            "customer",
            survivor,
            survivor,
        )
        assert session.get(Action, moved["contact_action"]).customer_id == survivor
        tags = session.scalars(select(RecordTag).where(RecordTag.kind == "customer")).all()
        assert sorted(t.record_id for t in tags) == [survivor, survivor]
        members = session.execute(select(customer_group_members.c.customer_id)).scalars().all()
        assert members == [survivor]
        assert [f.id for f in files.list_files(_admin(team, ctx), "customer", survivor)] == [
            moved["file"],
            moved["file"] - 1,
        ]
        changes = session.scalars(
            select(StageChange.record_id).where(StageChange.kind == "customer")
        ).all()
        assert changes == [survivor, survivor]


def _admin(team, ctx):
    from kht.auth.principal import load_principal

    ctx.user = load_principal(ctx.session, team.users["admin"])
    return ctx


def test_the_merge_is_in_the_history_and_the_merged_customer_in_the_recycle_bin(team, pair):
    survivor, merged = pair
    contact = add_record(
        team, "rep2", "contact", Contact, "contacts", name="王经理", customer_id=merged
    )
    with team.client("east_mgr") as client:
        merge(client, survivor, merged)
        assert client.get(f"/api/v1/customers/{merged}").status_code == 404
        bin_ids = [c["id"] for c in client.get("/api/v1/customers?deleted=true").json()["items"]]
        assert merged in bin_ids
    merge_entry = team.audit("customer", survivor)[0]
    assert merge_entry.action == "merge"
    assert merge_entry.changes == {"merged_ids": [None, [merged]]}
    assert merge_entry.user_id == team.users["east_mgr"]
    assert team.audit("customer", merged)[0].action == "delete"
    assert [e.action for e in team.audit("customer", merged)][-1] == "create"  # still readable
    assert team.audit("contact", contact)[0].changes == {"customer_id": [merged, survivor]}


def test_a_stale_version_of_either_customer_is_a_conflict_and_changes_nothing(team, pair):
    survivor, merged = pair
    contact = add_record(team, "rep2", "contact", Contact, "contacts", name="x", customer_id=merged)
    with team.client("east_mgr") as client:
        client.patch(f"/api/v1/customers/{merged}", json={"version": 1, "notes": "changed"})
        stale = merge(client, survivor, merged, versions=(1, 1))
        assert stale.status_code == 409 and stale.json()["field"] == "version_merged"
        assert client.get(f"/api/v1/customers/{merged}").status_code == 200
    with team.ctx(None) as ctx:
        assert ctx.session.get(Contact, contact).customer_id == merged
        assert ctx.session.get(Customer, survivor).version == 1


def test_customers_out_of_scope_are_404_and_reps_may_not_merge(team, pair):
    survivor, merged = pair
    west = team.customer("west customer", owner="west_rep")
    with team.client("east_mgr") as client:
        assert merge(client, survivor, west, versions=(1, 1)).status_code == 404
    with team.client("rep1") as client:
        assert merge(client, survivor, merged, versions=(1, 1)).status_code == 403


def test_bad_merge_requests_are_422_naming_the_field(team, pair):
    survivor, merged = pair
    with team.client("admin") as client:
        itself = merge(client, survivor, survivor)
        assert itself.status_code == 422 and itself.json()["field"] == "merged_id"
        unknown = merge(client, survivor, merged, {"password": "merged"})
        assert unknown.status_code == 422 and unknown.json()["field"] == "choices.password"
        bad_pick = merge(client, survivor, merged, {"name": "both"})
        assert bad_pick.status_code == 422
        extra = client.post(
            "/api/v1/customers/merge",
            json={
                "survivor_id": survivor,
                "merged_id": merged,
                "version_survivor": 1,
                "version_merged": 1,
                "deleted_at": None,
            },
        )
        assert extra.status_code == 422 and extra.json()["field"] == "deleted_at"


def test_two_contacts_merge_like_customers(team):
    acme = team.customer("Acme", owner="rep1")
    keep = add_record(
        team,
        "rep1",
        "contact",
        Contact,
        "contacts",
        name="张伟",
        customer_id=acme,
        mobile="13800138000",
    )
    drop = add_record(
        team,
        "rep1",
        "contact",
        Contact,
        "contacts",
        name="张 伟",
        customer_id=acme,
        email="zw@acme.cn",
        title="采购经理",
    )
    lead = add_record(team, "rep1", "lead", Lead, "leads", name="线索", contact_id=drop)
    note = add_record(
        team,
        "rep1",
        "action",
        Action,
        "actions",
        kind="contact",
        record_id=drop,
        customer_id=acme,
        subject="电话",
    )
    with team.client("east_mgr") as client:
        answer = client.post(
            "/api/v1/contacts/merge",
            json={
                "survivor_id": keep,
                "merged_id": drop,
                "version_survivor": 1,
                "version_merged": 1,
                "choices": {"name": "survivor"},
            },
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["moved"]["leads"] == 1 and answer.json()["moved"]["actions"] == 1
    with team.ctx(None) as ctx:
        kept = ctx.session.get(Contact, keep)
        assert (kept.name, kept.email, kept.title, kept.mobile) == (
            "张伟",
            "zw@acme.cn",
            "采购经理",
            "13800138000",
        )
        assert ctx.session.get(Contact, drop).deleted_at is not None
        assert ctx.session.get(Lead, lead).contact_id == keep
        assert ctx.session.get(Action, note).record_id == keep
    assert team.audit("contact", keep)[0].action == "merge"

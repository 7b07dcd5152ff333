"""Converting a lead into a customer (+ contact), keeping its notes, fields and actions."""

from __future__ import annotations

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.leads.convert import convert_lead
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead
from tests.leads.listener_plugin import HEARD


def convert(client, lead, **body):
    return client.post(f"/api/v1/leads/{lead['id']}/convert", json={"version": 1, **body})


def test_conversion_makes_a_customer_and_a_contact_from_the_lead(office):
    lead = office.lead_of(
        "rep",
        name="王建国",
        company="清华同方威视技术股份有限公司",
        title="采购总监",
        phone="+86 139 0101 2345",
        email="wangjg@nuctech.cn",
        source="展会",
        notes="展会上交换了名片。",
    )
    with office.client("rep") as client:
        done = convert(client, lead)
        customer = client.get(f"/api/v1/customers/{done.json()['customer_id']}").json()
        contact = client.get(f"/api/v1/contacts/{done.json()['contact_id']}").json()
        history = client.get("/api/v1/audit", params={"kind": "lead", "record_id": lead["id"]})
    assert done.status_code == 200
    converted = done.json()["lead"]
    assert converted["status"] == "converted"
    assert converted["converted_at"] is not None
    assert (converted["customer_id"], converted["contact_id"]) == (customer["id"], contact["id"])
    assert (customer["name"], customer["kind"], customer["owner_id"]) == (
        "清华同方威视技术股份有限公司",
        "company",
        office.users["rep"],
    )
    assert customer["phone"] == "+86 139 0101 2345"
    assert customer["notes"].startswith(f"【来自线索 #{lead['id']} 王建国")
    assert customer["notes"].endswith("展会上交换了名片。")
    assert (contact["name"], contact["title"], contact["customer_id"]) == (
        "王建国",
        "采购总监",
        customer["id"],
    )
    assert (contact["mobile"], contact["phone"], contact["email"]) == (
        "+86 139 0101 2345",
        "",
        "wangjg@nuctech.cn",
    )
    assert history.json()[0]["changes"]["status"] == ["new", "converted"]


def test_a_person_without_company_becomes_a_person_customer_and_contact_is_optional(office):
    lead = office.lead_of("rep", name="张伟", phone="010-62780909")
    with office.client("rep") as client:
        done = convert(client, lead, create_contact=False).json()
        customer = client.get(f"/api/v1/customers/{done['customer_id']}").json()
    assert (customer["name"], customer["kind"]) == ("张伟", "person")
    assert done["contact_id"] is None


def test_a_lead_is_attached_to_an_existing_customer_keeping_its_notes(office):
    existing = office.customer_of("rep", "上海华东电器集团有限公司", notes="老客户。")
    lead = office.lead_of("rep", name="马晓东", company="上海华东电器", notes="要报价。")
    with office.client("rep") as client:
        done = convert(client, lead, customer_id=existing).json()
        customer = client.get(f"/api/v1/customers/{existing}").json()
        contacts = client.get(f"/api/v1/customers/{existing}/contacts").json()
        total = client.get("/api/v1/customers").json()["total"]
    assert done["customer_id"] == existing
    assert customer["notes"].startswith("老客户。\n\n【来自线索")
    assert customer["notes"].endswith("要报价。")
    assert [c["name"] for c in contacts] == ["马晓东"]
    assert total == 1


def test_a_customer_out_of_scope_cannot_be_the_target(office):
    theirs = office.customer_of("other_rep", "Northwind Traders Ltd.")
    lead = office.lead_of("rep", name="Laura")
    with office.client("rep") as client:
        response = convert(client, lead, customer_id=theirs)
        after = client.get(f"/api/v1/leads/{lead['id']}").json()
    assert (response.status_code, response.json()["field"]) == (422, "customer_id")
    assert after["status"] == "new"


def test_matching_custom_fields_are_copied(office):
    office.add_field("lead", "industry", "single_choice", choices=["medical", "energy"])
    office.add_field("lead", "budget", "money")
    office.add_field("lead", "wechat_group", "text")
    office.add_field("customer", "industry", "single_choice", choices=["medical"])
    office.add_field("customer", "budget", "number")  # same name, other type: not copied
    office.add_field("contact", "wechat_group", "text")
    lead = office.lead_of(
        "rep",
        name="A",
        company="Acme",
        ext={"custom": {"industry": "medical", "budget": "5000", "wechat_group": "华东客户群"}},
    )
    other = office.lead_of(
        "rep", name="B", company="Globex", ext={"custom": {"industry": "energy"}}
    )
    with office.client("rep") as client:
        done = convert(client, lead).json()
        customer = client.get(f"/api/v1/customers/{done['customer_id']}").json()
        contact = client.get(f"/api/v1/contacts/{done['contact_id']}").json()
        second = convert(client, other).json()  # energy is no choice of customers: left out
        globex = client.get(f"/api/v1/customers/{second['customer_id']}").json()
    assert customer["ext"] == {"custom": {"industry": "medical"}}
    assert contact["ext"] == {"custom": {"wechat_group": "华东客户群"}}
    assert globex["ext"] == {}


def test_the_leads_actions_move_to_the_customers_timeline(office):
    lead = office.lead_of("rep", name="A", company="Acme")
    with office.runtime.ctx() as ctx:
        office.as_user(ctx, "rep")
        action = log_action(
            ctx, ActionCreate(kind="lead", record_id=lead["id"], subject="首次电话沟通")
        )
        action_id = action.id
    with office.client("rep") as client:
        done = convert(client, lead).json()
        linked = client.get(f"/api/v1/actions/{action_id}").json()
    assert linked["customer_id"] == done["customer_id"]
    assert (linked["kind"], linked["record_id"]) == ("lead", lead["id"])


def test_lead_converted_is_fired_with_the_new_records(office):
    lead = office.lead_of("rep", name="A", company="Acme")
    with office.client("rep") as client:
        done = convert(client, lead, create_opportunity=True).json()
    [(event, wants_opportunity)] = HEARD
    assert (event.kind, event.record_id, event.user_id) == ("lead", lead["id"], office.users["rep"])
    assert (event.customer_id, event.contact_id) == (done["customer_id"], done["contact_id"])
    assert event.opportunity_id is None
    assert wants_opportunity is True


def test_the_opportunity_wish_is_not_left_behind_in_the_context(office):
    first = office.lead_of("rep", name="A", company="Acme")
    second = office.lead_of("rep", name="B", company="Globex")
    with office.runtime.ctx() as ctx:
        office.as_user(ctx, "rep")
        convert_lead(ctx, first["id"], 1, create_opportunity=True)
        assert "create_opportunity" not in ctx.extra
        convert_lead(ctx, second["id"], 1)
    assert [wish for _, wish in HEARD] == [True, False]


def test_a_converted_lead_cannot_be_converted_twice(office):
    lead = office.lead_of("rep", name="A", company="Acme")
    with office.client("rep") as client:
        first = convert(client, lead)
        again = client.post(f"/api/v1/leads/{lead['id']}/convert", json={"version": 2})
        customers = client.get("/api/v1/customers").json()["total"]
    assert first.status_code == 200
    assert again.status_code == 409
    assert "converted" in again.json()["message"]
    assert customers == 1
    assert len(HEARD) == 1


def test_discarded_or_stale_leads_are_not_converted(office):
    lead = office.lead_of("rep", name="A", company="Acme")
    with office.client("rep") as client:
        stale = client.post(f"/api/v1/leads/{lead['id']}/convert", json={"version": 9})
        client.post(f"/api/v1/leads/{lead['id']}/discard", json={"reason": "假线索"})
        discarded = client.post(f"/api/v1/leads/{lead['id']}/convert", json={"version": 2})
        customers = client.get("/api/v1/customers").json()["total"]
    assert stale.status_code == 409
    assert discarded.status_code == 409
    assert customers == 0


def test_a_failing_listener_rolls_the_whole_conversion_back(office):
    lead = office.lead_of("rep", name="explode", company="Acme")
    with office.client("rep") as client:
        response = convert(client, lead)
        after = client.get(f"/api/v1/leads/{lead['id']}").json()
        counts = (
            client.get("/api/v1/customers").json()["total"],
            client.get("/api/v1/contacts").json()["total"],
        )
    assert response.status_code == 500
    assert after["status"] == "new"
    assert counts == (0, 0)


def test_a_pool_lead_becomes_the_converters_customer(office):
    with office.runtime.ctx() as ctx:
        office.as_user(ctx, "boss")
        lead_id = create_lead(ctx, LeadCreate(name="X", company="Pool Co"), owner_id=None).id
    with office.client("rep") as client:
        done = client.post(f"/api/v1/leads/{lead_id}/convert", json={"version": 1}).json()
        customer = client.get(f"/api/v1/customers/{done['customer_id']}").json()
        contact = client.get(f"/api/v1/contacts/{done['contact_id']}").json()
    assert customer["owner_id"] == contact["owner_id"] == office.users["rep"]


def test_marketing_may_not_convert_without_customer_rights(office):
    lead = office.lead_of("mkt", name="A", company="Acme")
    with office.client("mkt") as client:
        response = convert(client, lead)
        after = client.get(f"/api/v1/leads/{lead['id']}").json()
    assert response.status_code == 403
    assert after["status"] == "new"

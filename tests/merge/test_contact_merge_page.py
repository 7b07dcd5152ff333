"""Contacts have the same duplicates list and compare-and-merge page as customers."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import add_user, csrf_token, log_in, runtime_of


def test_duplicate_contacts_are_listed_compared_and_merged(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    manager_id = add_user(runtime, "mgr", "sales_manager", department="Sales")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, manager_id)
        customer = create_customer(ctx, CustomerCreate(name="华东电器"))
        first = create_contact(
            ctx, ContactCreate(customer_id=customer.id, name="王建国", mobile="13901012345")
        )
        second = create_contact(
            ctx,
            ContactCreate(
                customer_id=customer.id,
                name="王建国",
                email="wang@huadong.example",
                mobile="139 0101 2345",
            ),
        )
        ids = (first.id, second.id)
    with TestClient(app) as client:
        log_in(client, "mgr")
        listed = client.get("/contacts/duplicates")
        assert listed.status_code == 200 and "重复的联系人" in listed.text
        assert f"/contacts/merge?survivor={ids[0]}&amp;merged={ids[1]}" in listed.text
        compare = client.get("/contacts/merge", params={"survivor": ids[0], "merged": ids[1]})
        assert compare.status_code == 200 and "wang@huadong.example" in compare.text
        merged = client.post(
            "/contacts/merge",
            data={
                "_csrf_token": csrf_token(client),
                "survivor_id": ids[0],
                "merged_id": ids[1],
                "version_survivor": 1,
                "version_merged": 1,
                "choice.email": "merged",
            },
            follow_redirects=False,
        )
        assert merged.status_code == 303 and merged.headers["location"] == f"/contacts/{ids[0]}"
        stale = client.post(
            "/contacts/merge",
            data={
                "_csrf_token": csrf_token(client),
                "survivor_id": ids[0],
                "merged_id": ids[1],
                "version_survivor": 1,
                "version_merged": 1,
            },
        )
        assert stale.status_code in (404, 409)

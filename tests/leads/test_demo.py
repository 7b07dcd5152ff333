"""Demo data: contacts at the demo customers and leads with look-alikes, loaded idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.contacts.models import Contact
from kht.contacts.plugin import DEMO_CONTACTS
from kht.customers.models import Customer
from kht.demo import load_demo
from kht.leads.duplicates import find_duplicates
from kht.leads.models import Lead
from kht.leads.plugin import DEMO_LEADS
from kht.testing import runtime_of


def test_demo_contacts_and_leads_load_once_and_show_duplicates(kht_app):
    runtime = runtime_of(kht_app())
    load_demo(runtime, size=0)
    load_demo(runtime, size=0)  # a second run adds nothing
    with runtime.ctx() as ctx:
        contacts = ctx.session.scalar(select(func.count()).select_from(Contact))
        leads = list(ctx.session.scalars(select(Lead)))
        wang = ctx.session.scalar(select(Contact).where(Contact.name == "王建国"))
        owner = ctx.session.scalar(select(Customer.owner_id).where(Customer.id == wang.customer_id))
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "admin").id)
        flagged = [lead for lead in leads if find_duplicates(ctx, lead)]
    assert contacts == sum(len(people) for people in DEMO_CONTACTS.values())
    assert len(leads) == len(DEMO_LEADS)
    assert wang.owner_id == owner  # created by the customer's rep
    assert {lead.source for lead in leads} >= {"展会", "官网", "电话", "referral"}
    assert any(lead.owner_id is None for lead in leads)
    assert len(flagged) >= 4

"""The demo's generated company: a realistic book of business around the demo's own today."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kht.actions.models import Action
from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.contacts.models import Contact
from kht.customers.models import Customer
from kht.customers.service import SPEC as CUSTOMERS
from kht.demo import load_demo
from kht.demo_company import generated_count, load_company
from kht.leads.models import Lead
from kht.record_service import visible
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.orders.models import Order, Payment
from kht.sales.quotas.models import Quota
from kht.sales.quotes.models import Quote, QuoteLine

TODAY = datetime(2031, 3, 15, 6, 0, tzinfo=UTC)  # a frozen "today" far from the real one


@pytest.fixture
def demo(kht_runtime):
    """A runtime with the demo accounts and the hand-made demo data, no generated company."""
    runtime = kht_runtime(["standard_product"])
    load_demo(runtime, size=0)
    return runtime


def _generate(runtime, size: int, login: str = "admin") -> int:
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
        ctx.clock = lambda: TODAY
        return load_company(ctx, size)


def _count(ctx, model, *where) -> int:
    return ctx.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_company_has_customers_with_contacts_leads_actions_and_a_pipeline(demo):
    assert _generate(demo, 200) == 200
    with demo.ctx() as ctx:
        generated = select(Customer.id).where(Customer.email.like("%.demo.example.com"))
        assert _count(ctx, Customer, Customer.id.in_(generated)) == 200
        assert _count(ctx, Contact, Contact.customer_id.in_(generated)) == 400
        assert _count(ctx, Action, Action.customer_id.in_(generated)) == 2000
        assert _count(ctx, Lead, Lead.email.like("%.demo.example.com")) == 100
        assert len(set(ctx.session.scalars(select(Lead.source)))) >= 4
        opportunities = Opportunity.customer_id.in_(generated)
        processes = ctx.session.scalars(select(Opportunity.process_id).where(opportunities))
        assert len(set(processes)) >= 2
        statuses = set(ctx.session.scalars(select(Opportunity.status).where(opportunities)))
        assert statuses == {"open", "won", "lost"}
        moves = select(OpportunityStageChange.opportunity_id).where(
            OpportunityStageChange.opportunity_id.in_(select(Opportunity.id).where(opportunities))
        )
        assert len(ctx.session.scalars(moves).all()) > _count(ctx, Opportunity, opportunities)
        won = _count(ctx, Opportunity, opportunities, Opportunity.status == "won")
        assert _count(ctx, Order, Order.customer_id.in_(generated)) == won
        assert (
            _count(ctx, Quote, Quote.customer_id.in_(generated), Quote.status == "accepted") == won
        )
        assert _count(ctx, QuoteLine) >= _count(ctx, Quote)
        assert _count(ctx, Payment) > 0
        assert _count(ctx, Quota) >= 9 * 4


def test_the_company_lives_in_the_year_before_the_demos_today(demo):
    _generate(demo, 100)
    generated = select(Customer.id).where(Customer.email.like("%.demo.example.com"))
    with demo.ctx() as ctx:
        created = ctx.session.execute(
            select(func.min(Customer.created_at), func.max(Customer.created_at)).where(
                Customer.email.like("%.demo.example.com")
            )
        ).one()
        due = ctx.session.execute(
            select(func.min(Action.due_at), func.max(Action.due_at)).where(
                Action.status == "planned", Action.customer_id.in_(generated)
            )
        ).one()
        closes = ctx.session.scalars(
            select(Opportunity.expected_close).where(
                Opportunity.status == "open", Opportunity.customer_id.in_(generated)
            )
        ).all()
        paid = ctx.session.scalar(
            select(func.max(Payment.received_on))
            .join(Order, Order.id == Payment.order_id)
            .where(Order.customer_id.in_(generated))
        )

    def utc(value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    assert TODAY - timedelta(days=366) <= utc(created[0]) <= utc(created[1]) <= TODAY
    assert TODAY - timedelta(days=8) <= utc(due[0]) and utc(due[1]) <= TODAY + timedelta(days=22)
    assert min(closes) >= date(2031, 1, 1)
    assert paid <= TODAY.date()


def test_a_second_run_adds_nothing_and_a_bigger_size_adds_only_the_difference(demo):
    _generate(demo, 80)
    assert _generate(demo, 80) == 0
    assert _generate(demo, 50) == 0
    assert _generate(demo, 120) == 40
    with demo.ctx() as ctx:
        assert generated_count(ctx) == 120
        names = ctx.session.execute(
            select(Customer.name, func.count()).group_by(Customer.name)
        ).all()
        numbers = ctx.session.execute(
            select(Quote.number, Quote.revision, func.count()).group_by(
                Quote.number, Quote.revision
            )
        ).all()
    assert all(count == 1 for _, count in names)
    assert all(count == 1 for *_, count in numbers)


def test_the_services_keep_working_after_the_generated_ids(demo):
    _generate(demo, 40)
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer

    with demo.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "qian.rep").id)
        made = create_customer(ctx, CustomerCreate(name="生成之后的新客户"))
        highest = ctx.session.scalar(select(func.max(Customer.id)))
    assert made.id == highest


def test_reps_see_their_own_customers_and_managers_their_teams(demo):
    _generate(demo, 200)
    seen = {}
    for login in ("qian.rep", "zhao.manager", "admin"):
        with demo.ctx() as ctx:
            ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
            query = visible(ctx, CUSTOMERS).with_only_columns(func.count())
            seen[login] = ctx.session.scalar(query)
    assert 0 < seen["qian.rep"] < seen["zhao.manager"] < seen["admin"]


def test_the_generated_customers_are_found_by_search(demo):
    _generate(demo, 30)
    from kht.search.models import SearchDocument

    with demo.ctx() as ctx:
        ids = ctx.session.scalars(
            select(Customer.id).where(Customer.email.like("%.demo.example.com"))
        ).all()
        indexed = _count(
            ctx,
            SearchDocument,
            SearchDocument.kind == "customer",
            SearchDocument.record_id.in_(ids),
        )
    assert indexed == 30

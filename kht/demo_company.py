"""The realistic company of `kht demo`: thousands of customers and a year of their history.

Built from kht/fakedata.py (the rows the benchmarks use) and inserted through the bulk paths
(kht/db/bulk.py) in the demo's transaction, with the values the services would give them; the
demo's "today" is the clock's, so charts and agendas show the current year. The two customer
custom fields go through their service and the search documents are rebuilt through the
search service, as the events of the services would have done.

Generated customers carry mail hosts under `demo.example.com`: they are counted to make a
second run add only what a bigger `--size` asks for, never duplicates.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from sqlalchemy import Connection, func, select

from kht import fakedata as fake
from kht.actions.models import Action
from kht.auth.models import Role, User
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import Customer
from kht.db.bulk import CHUNK, GENERATED_TABLES, fix_sequences, insert_rows
from kht.demo_scale import DEFAULT_SIZE
from kht.leads.models import Lead
from kht.products.models import Product
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.orders.models import Order, OrderLine, Payment, PaymentPlan
from kht.sales.processes.models import Process, ProcessStage
from kht.sales.quotes.models import Quote, QuoteLine

DEMO_HOST = "demo.example.com"
SALES_ROLES = ("sales_rep", "sales_manager")


def demo_mail(i: int) -> str:
    """The mail host of the i-th generated record: recognisable as the demo's."""
    return f"s{i % 997}.{DEMO_HOST}"


def generated_count(ctx: Ctx) -> int:
    """How many generated customers the database holds already."""
    query = select(func.count()).where(Customer.email.like(f"%.{DEMO_HOST}"))
    return ctx.session.scalar(query) or 0


def load_company(ctx: Ctx, size: int = DEFAULT_SIZE, seed: int = 1) -> int:
    """Bring the generated customers (and their history) up to `size`; returns how many were
    added (0 when there are enough). The acting user must be an administrator."""
    done = generated_count(ctx)
    todo = size - done
    if todo <= 0:
        return 0
    _custom_fields(ctx)
    rng = random.Random(seed * 7919 + done)  # a run that adds more draws fresh data
    connection = ctx.session.connection()
    owners = _sales_users(connection)
    span = fake.Span(ctx.now(), 365 * fake.DAY)
    ids = _insert_people(connection, rng, todo, owners, span)
    _insert_sales(connection, rng, ids["customers"], ctx)
    fix_sequences(connection, GENERATED_TABLES)
    _reindex(ctx, ids)
    return todo


def _custom_fields(ctx: Ctx) -> None:
    """The generated customers' 行业 and 员工人数 fields, added once through their service."""
    from kht.customfields.service import add_field, list_fields
    from kht.db.custom_fields import FieldDef

    have = {field.name for field in list_fields(ctx, "customer")}
    for spec in fake.CUSTOM_FIELDS:
        if spec["name"] not in have:
            add_field(ctx, "customer", FieldDef(**spec))


def _sales_users(connection: Connection) -> dict[int, int | None]:
    """Active reps and sales managers: user id -> department id."""
    query = (
        select(User.id, User.department_id)
        .join(Role, Role.id == User.role_id)
        .where(User.active, Role.key.in_(SALES_ROLES))
        .order_by(User.id)
    )
    found = {row.id: row.department_id for row in connection.execute(query)}
    if not found:
        raise RuntimeError("the demo's sales users must exist before its company is generated")
    return found


def _next_id(connection: Connection, model: Any) -> int:
    return (connection.scalar(select(func.max(model.id))) or 0) + 1


def _insert_people(
    connection: Connection,
    rng: random.Random,
    n: int,
    users: dict[int, int | None],
    span: fake.Span,
) -> dict[str, list[int]]:
    """Customers, two contacts each, n/2 leads and ten actions a customer; returns new ids."""
    seen = set(connection.scalars(select(Customer.name)))
    first = _next_id(connection, Customer)
    customers = list(
        fake.customer_rows(
            rng, n, list(users), first_id=first, span=span, mail=demo_mail, seen=seen
        )
    )
    insert_rows(connection, Customer, customers)
    owners = [(row["id"], row["owner_id"]) for row in customers]
    contacts = list(
        fake.contact_rows(
            rng, owners, first_id=_next_id(connection, Contact), span=span, mail=demo_mail
        )
    )
    insert_rows(connection, Contact, contacts)
    leads = list(
        fake.lead_rows(
            rng, n // 2, list(users), first_id=_next_id(connection, Lead), span=span, mail=demo_mail
        )
    )
    insert_rows(connection, Lead, leads)
    actions = fake.action_rows(rng, owners, first_id=_next_id(connection, Action), span=span)
    insert_rows(connection, Action, actions)
    return {
        "customers": [row["id"] for row in customers],
        "contacts": [row["id"] for row in contacts],
        "leads": [row["id"] for row in leads],
    }


def _pipelines(connection: Connection) -> list[fake.Pipeline]:
    """Every opportunity process with a won and a lost stage, its active stages in order."""
    s = ProcessStage
    pipelines = []
    of_opportunities = select(Process.id).where(Process.kind == "opportunity")
    for process_id in connection.scalars(of_opportunities.order_by(Process.id)):
        rows = connection.execute(
            select(s.id, s.key, s.name_zh, s.name_en, s.position, s.probability, s.outcome)
            .where(s.process_id == process_id, s.active)
            .order_by(s.position)
        )
        stages = [fake.Stage(*row) for row in rows]
        outcomes = {stage.outcome for stage in stages}
        if {"open", "won", "lost"} <= outcomes:
            pipelines.append(fake.Pipeline(process_id, stages))
    return pipelines


def _insert_sales(connection: Connection, rng: random.Random, customer_ids: list[int], ctx: Ctx):
    """An opportunity per owned new customer (with history), quotes for those that got far,
    orders with plans and payments for the won ones."""
    users = _sales_users(connection)
    owned = connection.execute(
        select(Customer.id, Customer.owner_id).where(
            Customer.id.in_(customer_ids), Customer.owner_id.is_not(None)
        )
    ).all()
    contacts = select(Contact.customer_id, func.min(Contact.id)).group_by(Contact.customer_id)
    first_contact = {row[0]: row[1] for row in connection.execute(contacts)}
    rows = fake.opportunity_rows(
        rng,
        [(row.id, row.owner_id) for row in owned],
        first_contact,
        users,
        list(users),
        _pipelines(connection),
        first_id=_next_id(connection, Opportunity),
        now=ctx.now(),
    )
    quoted = _insert_opportunities(connection, rows)
    won = _insert_quotes(connection, rng, quoted)
    _insert_orders(connection, rng, won, ctx)


def _insert_opportunities(connection: Connection, rows: Any) -> list[dict[str, Any]]:
    """Insert opportunities and their history; returns those that got as far as a quote."""
    history_id = _next_id(connection, OpportunityStageChange)
    quoted = []
    while pairs := list(itertools.islice(rows, CHUNK)):
        history = []
        for opportunity, stays in pairs:
            for stay in stays:
                history.append({"id": history_id, **stay})
                history_id += 1
            if opportunity["status"] != "open" or opportunity["probability"] >= 50:
                quoted.append(opportunity)
        insert_rows(connection, Opportunity, [o for o, _ in pairs])
        insert_rows(connection, OpportunityStageChange, history)
    return quoted


def _serials(connection: Connection, column: Any) -> dict[str, int]:
    """The highest number of each `<letter><year>-` prefix in use: generated ones follow."""
    highest: dict[str, int] = {}
    for number in connection.scalars(select(column)):
        prefix, _, tail = number.rpartition("-")
        if tail.isdigit():
            highest[f"{prefix}-"] = max(highest.get(f"{prefix}-", 0), int(tail))
    return highest


def _insert_quotes(
    connection: Connection, rng: random.Random, opportunities: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Quotes with one line for `opportunities`; returns (won opportunity, its quote line)."""
    products = [
        fake.Product(row.id, row.name, row.unit, row.list_price)
        for row in connection.execute(
            select(Product.id, Product.name, Product.unit, Product.list_price).where(Product.active)
        )
    ]
    made = list(
        fake.quote_rows(
            rng,
            opportunities,
            products,
            _serials(connection, Quote.number),
            first_id=_next_id(connection, Quote),
        )
    )
    insert_rows(connection, Quote, [quote for quote, _ in made])
    insert_rows(connection, QuoteLine, [line for _, line in made])
    by_id = {opportunity["id"]: opportunity for opportunity in opportunities}
    return [(by_id[q["opportunity_id"]], line) for q, line in made if q["status"] == "accepted"]


def _insert_orders(
    connection: Connection, rng: random.Random, won: list[tuple[dict, dict]], ctx: Ctx
) -> None:
    rows = list(
        fake.order_rows(
            rng,
            won,
            _serials(connection, Order.number),
            first_id=_next_id(connection, Order),
            now=ctx.now(),
        )
    )
    insert_rows(connection, Order, [r[0] for r in rows])
    insert_rows(connection, OrderLine, [r[1] for r in rows])
    insert_rows(connection, PaymentPlan, [r[2] for r in rows])
    insert_rows(connection, Payment, [r[3] for r in rows if r[3] is not None])


def _reindex(ctx: Ctx, ids: dict[str, list[int]]) -> None:
    """The search documents of the new customers, contacts and leads."""
    from kht.search.service import refresh

    kinds = {"customers": "customer", "contacts": "contact", "leads": "lead"}
    for key, kind in kinds.items():
        for start in range(0, len(ids[key]), CHUNK):
            refresh(ctx, kind, ids[key][start : start + CHUNK])


__all__ = ["DEFAULT_SIZE", "generated_count", "load_company"]

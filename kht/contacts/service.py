"""Contact business rules: the only code that creates, changes, moves or deletes contacts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import Select, select

from kht import record_service as records
from kht.auth.permissions import require
from kht.contacts.models import ATTITUDES, INFLUENCE, ROLES, Contact
from kht.contacts.schemas import ContactCreate, ContactOut, ContactUpdate
from kht.context import Ctx
from kht.customers import service as customers
from kht.customers.models import Customer
from kht.errors import NotFound, ValidationError
from kht.fields import builtin, common
from kht.lists.engine import Column
from kht.plugin_types import KindMenu, RecordKind

KIND = "contact"
MODULE = "contacts"
SPEC = RecordKind(
    kind=KIND,
    model=Contact,
    module=MODULE,
    label_zh="联系人",
    label_en="Contacts",
    # A customer's team sees its contacts.
    team_parents=(("customer", "customer_id"),),
)


# The built-in fields: their labels and types for pages, history and exports.
FIELDS = (
    builtin("name", "text", "姓名", "Name", required=True),
    builtin("customer_id", "number", "客户", "Customer", required=True),
    builtin("title", "text", "职务", "Title"),
    builtin("department", "text", "部门", "Department"),
    builtin("role", "single_choice", "角色", "Role", choices=ROLES),
    builtin("influence", "single_choice", "影响力", "Influence", choices=INFLUENCE),
    builtin("attitude", "single_choice", "态度", "Attitude", choices=ATTITUDES),
    *common("phone", "mobile", "email"),
    builtin("wechat", "text", "微信", "WeChat"),
    builtin("birthday", "date", "生日", "Birthday"),
    *common("owner_id", "notes"),
)


def _birthday_condition(op: str, value: Any) -> Any:
    # A plain DATE column: compare with a date, not with the midnight datetime the engine
    # builds for timestamp columns.
    column = Contact.birthday
    if op == "empty":
        return column.is_(None)
    if op == "not_empty":
        return column.is_not(None)
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError("birthday needs a date (YYYY-MM-DD)", "birthday") from None
    compare = {"eq": "__eq__", "gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__"}
    return getattr(column, compare[op])(day)


def _birthday_column(ctx: Ctx) -> list[Column]:
    # Declared as a date field; filtered as the plain date it is.
    return [
        Column(
            key="birthday",
            label_zh="生日",
            label_en="Birthday",
            type="date",
            expr=Contact.birthday,
            condition=_birthday_condition,
        )
    ]


def visible_customer(ctx: Ctx, customer_id: int) -> Customer:
    """The customer a contact is attached to: it must be in the caller's scope (else 422)."""
    customer = ctx.session.scalar(customers.scoped_query(ctx).where(Customer.id == customer_id))
    if customer is None:
        raise ValidationError(f"customer {customer_id} not found", "customer_id")
    return customer


def add_contact(
    ctx: Ctx, values: dict[str, Any], *, owner_id: Any = ..., check_customer: bool = True
) -> Contact:
    """Create a contact from field values (for other services, e.g. lead conversion).

    `check_customer=False` is for a caller that has just created or checked the customer
    itself; everyone else gets the scope check on `customer_id`.
    """
    require(ctx.user, MODULE, "create")
    values = customers.clean(dict(values))
    if check_customer:
        visible_customer(ctx, values["customer_id"])
    return records.create_record(ctx, SPEC, values, owner_id=owner_id)


def create_contact(ctx: Ctx, data: ContactCreate) -> Contact:
    """Create a contact at a visible customer, owned by the acting user."""
    return add_contact(ctx, records.changes_of(data))


def get_contact(ctx: Ctx, contact_id: int) -> Contact:
    """One contact in scope, or NotFound."""
    return records.get_record(ctx, SPEC, contact_id)


def list_contacts(ctx: Ctx, **options: Any) -> tuple[list[Contact], int]:
    """A page of contacts in scope, filtered and sorted, and the total count (the options of
    `record_service.page_of`: page, page_size, q, sort, filters, deleted)."""
    return records.page_of(ctx, SPEC, **options)


def contacts_of_customer(ctx: Ctx, customer_id: int) -> list[Contact]:
    """The contacts (in the caller's contact scope) of a customer in scope, else NotFound."""
    customers.get_customer(ctx, customer_id)
    require(ctx.user, MODULE, "view")
    query = records.visible(ctx, SPEC).where(Contact.customer_id == customer_id)
    return list(ctx.session.scalars(query.order_by(Contact.name, Contact.id)))


def contact_choices(ctx: Ctx, customer_id: int | None) -> list[tuple[int, str]]:
    """(id, name) of a customer's contacts the caller may see, for a form's contact picker.

    Through the contacts scope (the one choke point), so a link naming another team's
    customer lists nothing, exactly as a missing customer does; a role that may not view
    contacts gets no choices rather than an error on the whole form.
    """
    if not customer_id or ctx.user is None or not ctx.user.can(MODULE, "view"):
        return []
    query = records.visible(ctx, SPEC).where(Contact.customer_id == customer_id)
    rows = ctx.session.scalars(query.order_by(Contact.name, Contact.id))
    return [(contact.id, contact.name) for contact in rows]


def check_contact_of(ctx: Ctx, contact_id: int | None, customer_id: int) -> None:
    """A contact a record names must be one of its customer's that the caller may see (else
    422 naming contact_id, the same for another team's contact as for a missing one)."""
    if contact_id is None:
        return
    query = records.visible(ctx, SPEC).where(
        Contact.id == contact_id, Contact.customer_id == customer_id
    )
    if ctx.session.scalar(query.with_only_columns(Contact.id)) is None:
        raise ValidationError(
            f"contact {contact_id} is not a contact of customer {customer_id}", "contact_id"
        )


def update_contact(ctx: Ctx, contact_id: int, data: ContactUpdate) -> Contact:
    """Apply a partial update; a stale `version` raises Conflict and changes nothing."""
    contact = get_contact(ctx, contact_id)
    changes = customers.clean(records.changes_of(data))
    return records.update_record(ctx, SPEC, contact, data.version, changes)


def move_contact(ctx: Ctx, contact_id: int, customer_id: int, version: int) -> Contact:
    """Move a contact to another visible customer (422 naming customer_id otherwise).

    The move is an ordinary audited update of `customer_id`, so the contact's history (and
    the old customer's id in it) stays; a stale `version` raises Conflict.
    """
    contact = get_contact(ctx, contact_id)
    require(ctx.user, MODULE, "edit")
    visible_customer(ctx, customer_id)
    return records.update_record(ctx, SPEC, contact, version, {"customer_id": customer_id})


def delete_contact(ctx: Ctx, contact_id: int) -> None:
    """Move a contact to the recycle bin."""
    records.delete_record(ctx, SPEC, get_contact(ctx, contact_id))


def customer_names(ctx: Ctx, ids: set[int | None]) -> dict[int, str]:
    """Names of the given customers that the caller may see (others stay unnamed)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    query = customers.scoped_query(ctx).where(Customer.id.in_(wanted))
    rows = ctx.session.execute(query.with_only_columns(Customer.id, Customer.name))
    return {row.id: row.name for row in rows}


def find_contact(ctx: Ctx, contact_id: int) -> Contact | None:
    """A contact in scope, or None (for pages that show a link only when allowed)."""
    try:
        return get_contact(ctx, contact_id)
    except NotFound:
        return None


# With its functions the kind gets its API, pages, saved views, segments and bulk operations.
SPEC = msgspec.structs.replace(
    SPEC,
    plural="contacts",
    menu=KindMenu(section="customers", icon="person-lines-fill", order=25),
    fields=FIELDS,
    searchable=("name", "phone", "mobile", "email", "wechat", "title"),
    list_defaults=("name", "customer_id", "title", "role", "influence", "attitude")
    + ("mobile", "email"),
    more_columns=_birthday_column,
    create=create_contact,
    create_schema=ContactCreate,
    update=update_contact,
    update_schema=ContactUpdate,
    out_schema=ContactOut,
)


def attitudes_of(ctx: Ctx, customer_id: int | Iterable[int] | Select[Any]) -> list[str]:
    """The attitudes of a customer's live contacts (supportive, neutral, opposed, unknown),
    most recently updated first; of several customers' (ids or a query of ids, e.g. a
    group's `customers_below`) together. Read as the system, like
    kht.value.service.actions_of: a value model's score must not depend on who triggers its
    recomputation."""
    if isinstance(customer_id, int):
        whose = Contact.customer_id == customer_id
    else:
        ids = customer_id if isinstance(customer_id, Select) else list(customer_id)
        whose = Contact.customer_id.in_(ids)
    query = (
        select(Contact.attitude)
        .where(whose, Contact.deleted_at.is_(None))
        .order_by(Contact.updated_at.desc(), Contact.id.desc())
    )
    return list(ctx.session.scalars(query))

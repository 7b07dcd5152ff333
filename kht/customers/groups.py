"""Static customer groups: hand-picked lists of customers.

Who owns what. A group's name is shared vocabulary, like a tag's: one namespace, and
everyone who may view customers sees every group (so two teams segment alike). A group's
members are scoped like the customers themselves: a caller counts, adds and removes only
customers in their own scope, and an id outside it is refused like a missing one (404). The
group itself belongs to its creator: deleting it (which takes it off customers the caller
may not see) needs the `delete` right and the creator inside the caller's customers scope
(the creator, their manager, an administrator); anyone else who can see it gets 403.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, select

from kht.auth.permissions import require
from kht.auth.scope import owned_by_visible, restrict
from kht.context import Ctx
from kht.customers.models import Customer, CustomerGroup, customer_group_members
from kht.errors import Conflict, Forbidden, NotFound, ValidationError
from kht.lists.engine import Column

MODULE = "customers"


def _visible_customers(ctx: Ctx) -> Select[Any]:
    """Ids of live customers in the caller's scope (the scope's one choke point)."""
    live = select(Customer.id).where(Customer.deleted_at.is_(None))
    return restrict(live, ctx.user, Customer, MODULE)


def _in_scope(ctx: Ctx, customer_ids: list[int]) -> list[int]:
    """`customer_ids` without repeats, if all are in scope; else NotFound naming one."""
    wanted = list(dict.fromkeys(customer_ids))
    found = set(ctx.session.scalars(_visible_customers(ctx).where(Customer.id.in_(wanted))))
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"customer {missing[0]} not found", "customer_ids")
    return wanted


def list_groups(ctx: Ctx) -> list[tuple[CustomerGroup, int]]:
    """Every group with the number of its members the caller can see."""
    require(ctx.user, MODULE, "view")
    links = customer_group_members.c
    members = (
        select(links.group_id, func.count().label("n"))
        .where(links.customer_id.in_(_visible_customers(ctx)))
        .group_by(links.group_id)
        .subquery()
    )
    rows = ctx.session.execute(
        select(CustomerGroup, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.group_id == CustomerGroup.id)
        .order_by(CustomerGroup.name)
    )
    return [(group, count) for group, count in rows]


def create_group(ctx: Ctx, name: str) -> CustomerGroup:
    """A new group owned by the caller; names are shared, so a taken one is a Conflict."""
    require(ctx.user, MODULE, "edit")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError("a group name is 1 to 100 characters", "name")
    if ctx.session.scalar(select(CustomerGroup).where(CustomerGroup.name == name)):
        raise Conflict(f"group {name!r} already exists", "name")
    group = CustomerGroup(name=name, created_by_id=ctx.user_id)
    ctx.session.add(group)
    ctx.session.flush()
    return group


def get_group(ctx: Ctx, group_id: int) -> CustomerGroup:
    """A group (every group is visible to whoever may view customers), or NotFound."""
    require(ctx.user, MODULE, "view")
    group = ctx.session.get(CustomerGroup, group_id)
    if group is None:
        raise NotFound(f"group {group_id} not found", "group_id")
    return group


def _manages(ctx: Ctx, group_id: int) -> bool:
    """Whether the group's creator lies in the caller's customers scope (see the module)."""
    mine = owned_by_visible(ctx.user, CustomerGroup.created_by_id, MODULE)
    if ctx.user is not None and ctx.user.scope(MODULE) != "all":
        # A creator who has gone (SET NULL) leaves the group to administrators, not to all.
        mine = and_(mine, CustomerGroup.created_by_id.is_not(None))
    found = select(CustomerGroup.id).where(CustomerGroup.id == group_id, mine)
    return ctx.session.scalar(found) is not None


def delete_group(ctx: Ctx, group_id: int) -> None:
    """Delete a group: its creator, their manager or an administrator (else 403)."""
    require(ctx.user, MODULE, "delete")
    group = get_group(ctx, group_id)
    if not _manages(ctx, group_id):
        raise Forbidden("only the group's creator, their manager or an administrator may delete it")
    ctx.session.delete(group)
    ctx.session.flush()


def add_members(ctx: Ctx, group_id: int, customer_ids: list[int]) -> int:
    """Put customers in scope into a group (already-members are skipped). Returns added.

    An id out of scope is NotFound, as a missing one.
    """
    require(ctx.user, MODULE, "edit")
    get_group(ctx, group_id)
    customer_ids = _in_scope(ctx, customer_ids)
    present = set(
        ctx.session.scalars(
            select(customer_group_members.c.customer_id).where(
                customer_group_members.c.group_id == group_id,
                customer_group_members.c.customer_id.in_(customer_ids),
            )
        )
    )
    rows = [
        {"group_id": group_id, "customer_id": cid} for cid in customer_ids if cid not in present
    ]
    if rows:
        ctx.session.execute(insert(customer_group_members), rows)
    return len(rows)


def remove_members(ctx: Ctx, group_id: int, customer_ids: list[int]) -> int:
    """Take customers in scope out of a group. Returns removed; an id out of scope is
    NotFound, as a missing one (nobody takes another team's customers out of a group)."""
    require(ctx.user, MODULE, "edit")
    get_group(ctx, group_id)
    customer_ids = _in_scope(ctx, customer_ids)
    result = ctx.session.execute(
        delete(customer_group_members).where(
            customer_group_members.c.group_id == group_id,
            customer_group_members.c.customer_id.in_(customer_ids),
        )
    )
    return result.rowcount or 0


def group_column(model: type) -> Column:
    """A `group` pseudo-column: customers in a group (by id)."""

    def condition(op: str, value: object) -> object:
        ids = [int(v) for v in str(value).split(",") if v.strip().isdigit()]
        members = select(customer_group_members.c.customer_id).where(
            customer_group_members.c.group_id.in_(ids)
        )
        return model.id.in_(members) if op in ("eq", "in") else model.id.not_in(members)

    return Column(
        key="group",
        label_zh="客户组",
        label_en="Group",
        type="ref",
        sortable=False,
        condition=condition,
    )

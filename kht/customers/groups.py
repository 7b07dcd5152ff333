"""Static customer groups: hand-picked lists of customers."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.customers.models import CustomerGroup, customer_group_members
from kht.errors import Conflict, NotFound, ValidationError
from kht.lists.engine import Column

MODULE = "customers"


def list_groups(ctx: Ctx) -> list[tuple[CustomerGroup, int]]:
    """Every group with its member count."""
    require(ctx.user, MODULE, "view")
    members = (
        select(customer_group_members.c.group_id, func.count().label("n"))
        .group_by(customer_group_members.c.group_id)
        .subquery()
    )
    rows = ctx.session.execute(
        select(CustomerGroup, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.group_id == CustomerGroup.id)
        .order_by(CustomerGroup.name)
    )
    return [(group, count) for group, count in rows]


def create_group(ctx: Ctx, name: str) -> CustomerGroup:
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
    group = ctx.session.get(CustomerGroup, group_id)
    if group is None:
        raise NotFound(f"group {group_id} not found", "group_id")
    return group


def delete_group(ctx: Ctx, group_id: int) -> None:
    require(ctx.user, MODULE, "delete")
    ctx.session.delete(get_group(ctx, group_id))
    ctx.session.flush()


def add_members(ctx: Ctx, group_id: int, customer_ids: list[int]) -> int:
    """Put visible customers into a group (already-members are skipped). Returns added."""
    require(ctx.user, MODULE, "edit")
    get_group(ctx, group_id)
    present = set(
        ctx.session.scalars(
            select(customer_group_members.c.customer_id).where(
                customer_group_members.c.group_id == group_id,
                customer_group_members.c.customer_id.in_(customer_ids),
            )
        )
    )
    rows = [
        {"group_id": group_id, "customer_id": cid}
        for cid in dict.fromkeys(customer_ids)
        if cid not in present
    ]
    if rows:
        ctx.session.execute(insert(customer_group_members), rows)
    return len(rows)


def remove_members(ctx: Ctx, group_id: int, customer_ids: list[int]) -> int:
    require(ctx.user, MODULE, "edit")
    get_group(ctx, group_id)
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

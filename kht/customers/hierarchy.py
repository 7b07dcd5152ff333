"""The customer hierarchy: group company (集团) -> subsidiaries -> branches.

A customer may have a parent (`parent_id`); the customer at the top is its group
(`group_id`, kept here for every customer of a hierarchy, the group's own included, so a
report rolls up with one GROUP BY). A parent must be a live customer the user can see, not
the customer itself nor one below it (a cycle), and a hierarchy is at most `MAX_DEPTH`
levels deep; otherwise 422 naming `parent_id`.

The hierarchy never widens the scope: the tree, the "this group and below" filter and the
roll-ups read customers through the scoped query, so a rep sees of a group only the
companies their scope (or a record team) reaches.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import aliased

from kht import record_service as records
from kht.context import Ctx
from kht.customers.models import Customer
from kht.errors import ValidationError
from kht.lists.engine import Column

MAX_DEPTH = 5  # levels, the group itself included
FIELD = "parent_id"


def below(customer_id: Any) -> Select[tuple[int]]:
    """Ids of `customer_id` and every customer under it (unscoped: callers scope), as a
    recursive query along the indexed `parent_id` (at most MAX_DEPTH levels)."""
    tree = select(Customer.id).where(Customer.id == customer_id).cte("below", recursive=True)
    children = select(Customer.id).where(Customer.parent_id == tree.c.id)
    tree = tree.union_all(children)
    return select(tree.c.id)


def _ancestors(ctx: Ctx, customer_id: int) -> list[int]:
    """Ids above `customer_id`, nearest first (stops at a missing parent or a loop)."""
    found: list[int] = []
    parent = ctx.session.scalar(select(Customer.parent_id).where(Customer.id == customer_id))
    while parent is not None and parent not in found and len(found) <= MAX_DEPTH:
        found.append(parent)
        parent = ctx.session.scalar(select(Customer.parent_id).where(Customer.id == parent))
    return found


def _height(ctx: Ctx, customer_id: int) -> int:
    """Levels from `customer_id` down to its deepest descendant (1: no children)."""
    level, ids = 1, [customer_id]
    while True:
        ids = list(ctx.session.scalars(select(Customer.id).where(Customer.parent_id.in_(ids))))
        if not ids or level > MAX_DEPTH:
            return level
        level += 1


def check_parent(ctx: Ctx, customer_id: int | None, parent_id: int | None) -> None:
    """Refuse (422, field `parent_id`) a parent that is missing or out of scope, the
    customer itself or one below it, or one that would make the hierarchy too deep."""
    if parent_id is None:
        return
    if parent_id == customer_id:
        raise ValidationError("a customer cannot be its own parent", FIELD)
    visible = records.visible(ctx, records_spec()).where(Customer.id == parent_id)
    if ctx.session.scalar(visible.with_only_columns(Customer.id)) is None:
        raise ValidationError(f"customer {parent_id} not found", FIELD)
    if customer_id is not None and parent_id in ctx.session.scalars(below(customer_id)):
        raise ValidationError(f"customer {parent_id} is below this customer (a cycle)", FIELD)
    height = _height(ctx, customer_id) if customer_id is not None else 1
    if len(_ancestors(ctx, parent_id)) + 1 + height > MAX_DEPTH:
        raise ValidationError(f"a customer hierarchy has at most {MAX_DEPTH} levels", FIELD)


def _has_children(ctx: Ctx, customer_id: int) -> bool:
    found = select(Customer.id).where(Customer.parent_id == customer_id).limit(1)
    return ctx.session.scalar(found) is not None


def regroup(ctx: Ctx, customer: Customer, old_parent_id: int | None) -> None:
    """After `customer`'s parent changed: it and everything below it take the group at the
    top of its new line, and a former parent left alone is no group any more (derived data:
    no version bump, no audit row)."""
    ctx.session.flush()
    if customer.parent_id is None:
        group = customer.id if _has_children(ctx, customer.id) else None
    else:
        top = ctx.session.execute(
            select(Customer.group_id, Customer.id).where(Customer.id == customer.parent_id)
        ).one()
        group = top.group_id or top.id
        _set_group(ctx, select(Customer.id).where(Customer.id == top.id), group)
    _set_group(ctx, below(customer.id), group)
    if old_parent_id is not None and not _has_children(ctx, old_parent_id):
        alone = select(Customer.id).where(
            Customer.id == old_parent_id, Customer.parent_id.is_(None)
        )
        _set_group(ctx, alone, None)
    ctx.session.expire(customer, ["group_id"])


def _set_group(ctx: Ctx, ids: Select[tuple[int]], group: int | None) -> None:
    # Derived, not an edit by a user: no version bump, no audit row.
    ctx.session.execute(
        update(Customer)
        .where(Customer.id.in_(ids))
        .values(group_id=group)
        .execution_options(synchronize_session=False)
    )


class Node(msgspec.Struct, kw_only=True):
    """One customer of a tree as the 360 page and the API show it."""

    id: int
    name: str
    children: list[Node] = []


def tree(ctx: Ctx, customer_id: int) -> tuple[list[Node], Node]:
    """The visible line above `customer_id` (top first) and the visible tree below it.

    Only customers in the user's scope appear: a subsidiary out of scope is left out with
    everything under it (its branches are reached through it), and so is an ancestor.
    """
    spec = records_spec()
    customer = spec.get(ctx, customer_id)
    line = _ancestors(ctx, customer.id)
    shown = records.visible(ctx, spec).with_only_columns(Customer.id, Customer.name)
    above = {row.id: row.name for row in ctx.session.execute(shown.where(Customer.id.in_(line)))}
    path = [Node(id=i, name=above[i]) for i in reversed(line) if i in above]
    rows = ctx.session.execute(
        shown.add_columns(Customer.parent_id)
        .where(Customer.id.in_(below(customer.id)), Customer.id != customer.id)
        .order_by(Customer.name)
    ).all()
    root = Node(id=customer.id, name=customer.name)
    nodes = {customer.id: root}
    for row in rows:
        nodes[row.id] = Node(id=row.id, name=row.name)
    for row in rows:
        parent = nodes.get(row.parent_id)
        if parent is not None:
            parent.children.append(nodes[row.id])
    return path, root


def group_tree_column() -> Column:
    """The list filter "this group and below" (`group_tree:eq:<customer id>`)."""

    def condition(op: str, value: Any) -> Any:
        text = str(value[0] if isinstance(value, list) and value else value or "").strip()
        if not text.isdigit():
            raise ValidationError("group_tree needs a customer id", "group_tree")
        return Customer.id.in_(below(int(text)))

    return Column(
        key="group_tree",
        label_zh="集团及下属",
        label_en="Group and below",
        type="ref",
        sortable=False,
        condition=condition,
    )


def group_of(customer_column: Any) -> Any:
    """The group (top customer) of the customer in `customer_column`, or the customer itself
    outside any hierarchy: what a report of orders or actions rolls up by."""
    # An alias: a label subquery naming the group reads `customers` too, and must not be
    # correlated with this one.
    member = aliased(Customer)
    return (
        select(func.coalesce(member.group_id, member.id))
        .where(member.id == customer_column)
        .correlate_except(member)  # the record's table belongs to the outermost query
        .scalar_subquery()
    )


def customer_group_column(customer_column: Any) -> Column:
    """A list column (and report dimension) of a kind that names a customer: that
    customer's group, so orders or actions roll up to the group company."""
    return Column(
        key="customer_group_id",
        label_zh="客户所属集团",
        label_en="Customer's group",
        type="ref",
        expr=group_of(customer_column),
    )


def records_spec() -> Any:
    from kht.customers.service import SPEC

    return SPEC


__all__ = [
    "MAX_DEPTH",
    "Node",
    "below",
    "check_parent",
    "customer_group_column",
    "group_of",
    "group_tree_column",
    "regroup",
    "tree",
]

"""The core's assigning actions: the owner by a fixed user, in turn or by rule (territory
or field rules in the list filter grammar), and a customer's static groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import select

from kht.context import Ctx
from kht.errors import ActionFailed, NotFound, ValidationError
from kht.events import RecordUpdated
from kht.plugin_types import RecordKind
from kht.web.i18n import N_

Gettext = Callable[[str], str]


class AssignRule(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # List filters (`address:contains:上海`, `ext.custom.region:eq:east`); all must hold.
    when: Annotated[list[str], msgspec.Meta(min_length=1, max_length=20)]
    user_id: int


class AssignParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # fixed: `user_id`; round_robin: in turn among `user_ids`; by_rule: the first of
    # `rules` whose filters the record meets, else `user_id` when given, else unchanged.
    mode: Literal["fixed", "round_robin", "by_rule"] = "fixed"
    user_id: int | None = None
    user_ids: list[int] = []
    rules: Annotated[list[AssignRule], msgspec.Meta(max_length=100)] = []


def active_users(ctx: Ctx, ids: list[int], field: str) -> None:
    """A 422 naming `field` unless every id is an active user."""
    from kht.auth.models import User

    wanted = set(ids)
    found = set(ctx.session.scalars(select(User.id).where(User.id.in_(wanted), User.active)))
    missing = sorted(wanted - found)
    if missing:
        raise ValidationError(f"no active user {missing[0]}", field)


def _check_rules(ctx: Ctx, spec: RecordKind, rules: list[AssignRule]) -> None:
    from kht.automation.engine import filtered, parse_conditions

    if not rules:
        raise ValidationError("assigning by rule needs at least one rule", "rules")
    for position, item in enumerate(rules):
        try:
            # Compiling the filters checks fields, operators and values without a query.
            filtered(ctx, spec, select(spec.model.id), parse_conditions(item.when))
        except ValidationError as exc:
            raise ValidationError(exc.message, f"rules[{position}].when") from None
        active_users(ctx, [item.user_id], f"rules[{position}].user_id")


def check_assign(ctx: Ctx, spec: RecordKind, params: AssignParams) -> None:
    if not spec.owned:
        raise ValidationError(f"a {spec.kind} has no owner to assign", "mode")
    if params.mode == "fixed":
        if params.user_id is None:
            raise ValidationError("name the new owner", "user_id")
        active_users(ctx, [params.user_id], "user_id")
    elif params.mode == "round_robin":
        if not params.user_ids:
            raise ValidationError("round robin needs at least one user", "user_ids")
        active_users(ctx, params.user_ids, "user_ids")
    else:
        _check_rules(ctx, spec, params.rules)
        if params.user_id is not None:
            active_users(ctx, [params.user_id], "user_id")


def _by_rule(ctx: Ctx, spec: RecordKind, record: Any, params: AssignParams) -> int | None:
    """The user of the first rule the record meets (read through the rule author's scope,
    like the rule's own conditions), else the fallback `user_id`."""
    from kht import record_service as records
    from kht.automation.engine import filtered, parse_conditions

    base = records.visible(ctx, spec).with_only_columns(spec.model.id)
    for item in params.rules:
        query = filtered(ctx, spec, base, parse_conditions(item.when))
        if ctx.session.scalar(query.where(spec.model.id == record.id)) is not None:
            return item.user_id
    return params.user_id


def run_assign(ctx: Ctx, spec: RecordKind, record: Any, params: AssignParams, run: Any) -> str:
    from kht.automation.engine import next_in_turn
    from kht.value.service import assign_by_rule

    if params.mode == "fixed":
        owner = params.user_id
    elif params.mode == "round_robin":
        owner = next_in_turn(ctx, run.rule_id, params.user_ids)
    else:
        owner = _by_rule(ctx, spec, record, params)
        if owner is None:
            return "no assignment rule matched"
    try:
        assign_by_rule(ctx, spec.kind, record.id, owner, f"automation:{run.rule_id}")
    except ValidationError as exc:  # the user has left since the rule was saved
        raise ActionFailed(exc.message) from None
    return f"owner {owner}"


def describe_assign(params: AssignParams, gettext: Gettext) -> str:
    if params.mode == "round_robin":
        return gettext(N_("Assign the owner in turn among %(count)s users")) % {
            "count": len(params.user_ids)
        }
    if params.mode == "by_rule":
        return gettext(N_("Assign the owner by %(count)s rules")) % {"count": len(params.rules)}
    return gettext(N_("Assign the owner to user %(id)s")) % {"id": params.user_id}


# ------------------------------------------------------------------------------- groups


class GroupParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # Static customer groups (kht.customers.groups) by id.
    add_to: Annotated[list[int], msgspec.Meta(max_length=50)] = []
    remove_from: Annotated[list[int], msgspec.Meta(max_length=50)] = []


def _group_names(ctx: Ctx, ids: list[int]) -> dict[int, str]:
    from kht.customers.models import CustomerGroup

    rows = ctx.session.execute(
        select(CustomerGroup.id, CustomerGroup.name).where(CustomerGroup.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


def check_group(ctx: Ctx, spec: RecordKind, params: GroupParams) -> None:
    if not params.add_to and not params.remove_from:
        raise ValidationError("name a group to add to or remove from", "add_to")
    for field in ("add_to", "remove_from"):
        ids = getattr(params, field)
        missing = sorted(set(ids) - set(_group_names(ctx, ids)))
        if missing:
            raise ValidationError(f"no customer group {missing[0]}", field)
    both = set(params.add_to) & set(params.remove_from)
    if both:
        raise ValidationError(f"group {min(both)} is both added and removed", "remove_from")


def _groups_of(ctx: Ctx, customer_id: int) -> list[str]:
    from kht.customers.models import CustomerGroup, customer_group_members

    links = customer_group_members.c
    query = (
        select(CustomerGroup.name)
        .join(customer_group_members, links.group_id == CustomerGroup.id)
        .where(links.customer_id == customer_id)
        .order_by(CustomerGroup.name)
    )
    return list(ctx.session.scalars(query))


def run_group(ctx: Ctx, spec: RecordKind, record: Any, params: GroupParams, run: Any) -> str:
    # Through the groups' service as the rule's author (their customers scope, their
    # `edit` right); a group deleted since the rule was saved ends the run with the reason.
    from kht.customers import groups

    before = _groups_of(ctx, record.id)
    try:
        for group_id in params.add_to:
            groups.add_members(ctx, group_id, [record.id])
        for group_id in params.remove_from:
            groups.remove_members(ctx, group_id, [record.id])
    except NotFound as exc:
        raise ActionFailed(exc.message) from None
    after = _groups_of(ctx, record.id)
    if after == before:
        return "groups unchanged"
    # Audited and seen by other rules like a tag change, naming the rule.
    ctx.fire(
        RecordUpdated(
            kind=spec.kind,
            record_id=record.id,
            user_id=ctx.user_id,
            changes={"groups": [before, after], "rule": [None, f"automation:{run.rule_id}"]},
        )
    )
    return f"groups {', '.join(after) or '-'}"


def describe_group(params: GroupParams, gettext: Gettext) -> str:
    parts = []
    if params.add_to:
        ids = ", ".join(str(i) for i in params.add_to)
        parts.append(gettext(N_("add to groups %(groups)s")) % {"groups": ids})
    if params.remove_from:
        ids = ", ".join(str(i) for i in params.remove_from)
        parts.append(gettext(N_("remove from groups %(groups)s")) % {"groups": ids})
    return "; ".join(parts) or gettext(N_("Groups"))

"""Finding duplicate customers and contacts, and merging two records into one.

A merge keeps the survivor, gives it the field values the user picked (custom fields too),
moves everything attached to the other record onto it (contacts, leads, actions, tags, group
memberships, files, stage history), records `RecordsMerged` on the survivor (the audit log
keeps it) and sends the other record to the recycle bin, its own history intact.

Plugins that keep rows pointing at customers or contacts (opportunities, orders, tickets...)
re-point them in their `kht_on_event` listener for `RecordsMerged`, which is fired inside the
merge's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kht import record_service as records
from kht.auth.permissions import require
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import Customer
from kht.customers.service import SPEC as CUSTOMER
from kht.errors import Conflict, ValidationError
from kht.events import RecordsMerged
from kht.fields import fields_for
from kht.merge import moves
from kht.merge.duplicates import Candidate, find_pairs
from kht.merge.schemas import DuplicateOut, MergeOut, RecordBrief
from kht.plugin_types import RecordKind
from kht.records import record_kinds
from kht.records.schemas import out_of

CONTACT = RecordKind(
    kind="contact", model=Contact, module="contacts", label_zh="联系人", label_en="Contacts"
)
EMPTY = (None, "", [], {})


@dataclass(frozen=True)
class Mergeable:
    """What merging one kind of record involves: the fields to pick and the rows to move."""

    spec: RecordKind
    fields: tuple[str, ...]
    move: Callable[[Ctx, int, int], dict[str, int]]


CUSTOMERS = Mergeable(
    spec=CUSTOMER,
    fields=(
        "name",
        "kind",
        "phone",
        "email",
        "website",
        "address",
        "notes",
        "source",
        "category_id",
        "owner_id",
    ),
    move=moves.move_customer_rows,
)
CONTACTS = Mergeable(
    spec=CONTACT,
    fields=(
        "name",
        "customer_id",
        "title",
        "department",
        "role",
        "influence",
        "attitude",
        "phone",
        "mobile",
        "email",
        "wechat",
        "birthday",
        "notes",
        "owner_id",
    ),
    move=moves.move_contact_rows,
)


def _contact_spec(ctx: Ctx) -> RecordKind:
    """The contact kind as its module declares it (the built-in description until it does)."""
    return record_kinds(ctx).get("contact") or CONTACT


# ---- duplicates --------------------------------------------------------------------------------


def _brief(record: Any, phone: str) -> RecordBrief:
    return out_of(RecordBrief, record, phone=phone)


def _duplicates(
    rows: list[Any], candidates: list[Candidate], limit: int, phone: Callable[[Any], str]
) -> list[DuplicateOut]:
    by_id = {row.id: row for row in rows}
    return [
        DuplicateOut(
            a=_brief(by_id[pair.a_id], phone(by_id[pair.a_id])),
            b=_brief(by_id[pair.b_id], phone(by_id[pair.b_id])),
            reasons=pair.reasons,
            score=pair.score,
        )
        for pair in find_pairs(candidates, limit)
    ]


def find_duplicate_customers(ctx: Ctx, limit: int = 100) -> list[DuplicateOut]:
    """Likely duplicate pairs among the customers in scope (same phone or email, or names
    equal once normalised or at least 90% alike), the strongest first."""
    require(ctx.user, CUSTOMER.module, "view")
    c = Customer
    query = records.visible(ctx, CUSTOMER).with_only_columns(
        c.id, c.name, c.phone, c.email, c.owner_id, c.version
    )
    rows = ctx.session.execute(query).all()
    candidates = [
        Candidate(id=r.id, name=r.name, phones=(r.phone,), emails=(r.email,)) for r in rows
    ]
    return _duplicates(rows, candidates, limit, lambda r: r.phone)


def find_duplicate_contacts(ctx: Ctx, limit: int = 100) -> list[DuplicateOut]:
    """Likely duplicate contacts in scope: same phone, mobile or email, or nearly the same
    name at the same customer."""
    spec = _contact_spec(ctx)
    require(ctx.user, spec.module, "view")
    c = Contact
    query = records.visible(ctx, spec).with_only_columns(
        c.id, c.name, c.phone, c.mobile, c.email, c.owner_id, c.version, c.customer_id
    )
    rows = ctx.session.execute(query).all()
    candidates = [
        Candidate(
            id=r.id,
            name=r.name,
            phones=(r.phone, r.mobile),
            emails=(r.email,),
            group=r.customer_id,
        )
        for r in rows
    ]
    return _duplicates(rows, candidates, limit, lambda r: r.mobile or r.phone)


# ---- merging -----------------------------------------------------------------------------------


def pick(choices: dict[str, str], key: str, survivor_value: Any, merged_value: Any) -> str:
    """The user's choice, else the survivor's value unless it is empty and the other is not."""
    if key in choices:
        return choices[key]
    return "merged" if survivor_value in EMPTY and merged_value not in EMPTY else "survivor"


def _check_choices(ctx: Ctx, mergeable: Mergeable, choices: dict[str, str]) -> None:
    known = set(mergeable.fields) | {f.key for f in fields_for(ctx, mergeable.spec.kind)}
    for key, value in choices.items():
        if key not in known:
            raise ValidationError(f"{key} is not a field that can be merged", f"choices.{key}")
        if value not in ("survivor", "merged"):
            raise ValidationError('a choice is "survivor" or "merged"', f"choices.{key}")


def merged_values(
    ctx: Ctx, mergeable: Mergeable, survivor: Any, merged: Any, choices: dict[str, str]
) -> dict[str, Any]:
    """The changes the survivor takes: picked built-in fields and custom fields (per key)."""
    changes = {}
    for name in mergeable.fields:
        mine, theirs = getattr(survivor, name), getattr(merged, name)
        if pick(choices, name, mine, theirs) == "merged" and mine != theirs:
            changes[name] = theirs
    ext: dict[str, dict[str, Any]] = {}
    for field in fields_for(ctx, mergeable.spec.kind):
        mine = (survivor.ext or {}).get(field.namespace, {}).get(field.name)
        theirs = (merged.ext or {}).get(field.namespace, {}).get(field.name)
        if pick(choices, field.key, mine, theirs) == "merged" and mine != theirs:
            ext.setdefault(field.namespace, {})[field.name] = theirs
    if ext:
        changes["ext"] = ext
    # The latest contact with either record is the survivor's latest contact.
    mine, theirs = (getattr(r, "last_contact_at", None) for r in (survivor, merged))
    if theirs is not None and (mine is None or theirs > mine):
        changes["last_contact_at"] = theirs
    return changes


def _load_pair(
    ctx: Ctx, spec: RecordKind, ids: tuple[int, int], versions: tuple[int, int]
) -> tuple[Any, Any]:
    if ids[0] == ids[1]:
        raise ValidationError("a record cannot be merged into itself", "merged_id")
    require(ctx.user, spec.module, "edit")
    require(ctx.user, spec.module, "delete")
    survivor = records.get_record(ctx, spec, ids[0])
    merged = records.get_record(ctx, spec, ids[1])
    for record, version, key in (
        (survivor, versions[0], "version_survivor"),
        (merged, versions[1], "version_merged"),
    ):
        if record.version != version:
            raise Conflict(f"{spec.kind} {record.id} was changed by someone else; reload it", key)
    return survivor, merged


def _merge(
    ctx: Ctx,
    mergeable: Mergeable,
    spec: RecordKind,
    ids: tuple[int, int],
    choices: dict[str, str],
    versions: tuple[int, int],
) -> MergeOut:
    survivor, merged = _load_pair(ctx, spec, ids, versions)
    _check_choices(ctx, mergeable, choices)
    changes = merged_values(ctx, mergeable, survivor, merged, choices)
    records.update_record(ctx, spec, survivor, None, changes)
    moved = mergeable.move(ctx, survivor.id, merged.id)
    ctx.fire(
        RecordsMerged(
            kind=spec.kind, record_id=survivor.id, user_id=ctx.user_id, merged_ids=(merged.id,)
        )
    )
    records.delete_record(ctx, spec, merged)
    ctx.session.refresh(survivor)
    return MergeOut(
        survivor_id=survivor.id, merged_id=merged.id, version=survivor.version, moved=moved
    )


def merge_customers(
    ctx: Ctx,
    survivor_id: int,
    merged_id: int,
    choices: dict[str, str],
    version_survivor: int,
    version_merged: int,
) -> MergeOut:
    """Merge customer `merged_id` into `survivor_id` (both in scope; edit and delete rights).

    `choices` maps a field (`name`, ..., `ext.<namespace>.<field>`) to "survivor" or
    "merged"; a field left out keeps the survivor's value unless that one is empty. Picked
    values go to the survivor; contacts, leads, actions, tags, group memberships, files and
    stage history move to it; the merged customer goes to the recycle bin. A stale version
    is a Conflict naming `version_survivor` or `version_merged`; an id out of scope is
    NotFound; an unknown field or choice is a ValidationError naming `choices.<field>`.
    """
    return _merge(
        ctx,
        CUSTOMERS,
        CUSTOMER,
        (survivor_id, merged_id),
        choices,
        (version_survivor, version_merged),
    )


def merge_contacts(
    ctx: Ctx,
    survivor_id: int,
    merged_id: int,
    choices: dict[str, str],
    version_survivor: int,
    version_merged: int,
) -> MergeOut:
    """Merge contact `merged_id` into `survivor_id`, like customers: picked values, then
    leads, actions, tags, files and stage history move to the survivor."""
    return _merge(
        ctx,
        CONTACTS,
        _contact_spec(ctx),
        (survivor_id, merged_id),
        choices,
        (version_survivor, version_merged),
    )


def compare(ctx: Ctx, survivor_id: int, merged_id: int, kind: str = "customer") -> tuple[Any, Any]:
    """Two customers (or contacts) in scope, for the side-by-side merge page."""
    spec = _contact_spec(ctx) if kind == "contact" else CUSTOMER
    return (
        records.get_record(ctx, spec, survivor_id),
        records.get_record(ctx, spec, merged_id),
    )


__all__ = [
    "CONTACTS",
    "CUSTOMERS",
    "compare",
    "find_duplicate_contacts",
    "find_duplicate_customers",
    "merge_contacts",
    "merge_customers",
    "merged_values",
]

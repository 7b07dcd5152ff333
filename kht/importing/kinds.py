"""What can be imported: per record kind, its columns, its services and its natural keys.

A kind is an `ImportKind`: the `RecordKind`, the built-in columns a file may fill, a
`prepare` step (the service's own checks turning a row into create values), the `create` and
`update` service calls, and the natural keys that find an existing record (dedupe). The
core declares customers (through kht.customers.service), contacts and leads (through
kht.record_service). Plugins add or replace kinds with a `kht_register_import_kinds()` hook
returning a list of ImportKind (used when the hookspec exists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import String, func, select

from kht import record_service as records
from kht.auth.scope import restrict
from kht.context import Ctx
from kht.db.custom_fields import FieldDef
from kht.emails import clean_email
from kht.errors import NotFound, ValidationError
from kht.fields import fields_for
from kht.normalise import phone_digits_sql, phone_forms, phone_key
from kht.plugin_types import RecordKind
from kht.records.schemas import out_of


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """A field a file column can be mapped to (built-in, or a custom field `ext.ns.name`)."""

    key: str
    label_zh: str
    label_en: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    # Other names people give the column (匹配 auto-mapping), and labels of choice values.
    aliases: tuple[str, ...] = ()
    choice_labels: dict[str, str] = {}
    custom: FieldDef | None = None

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


Prepare = Callable[[Ctx, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ImportKind:
    """An importable record kind: columns, service calls and natural dedupe keys."""

    spec: RecordKind
    built_in: tuple[Target, ...]
    prepare: Prepare
    create: Callable[[Ctx, dict[str, Any]], Any]
    update: Callable[[Ctx, Any, dict[str, Any]], Any]
    dedupe: tuple[str, ...] = ("name",)
    # Resolvers for `ref` targets: (ctx, text) -> id, e.g. a customer's name to its id.
    resolvers: dict[str, Callable[[Ctx, str], int]] = field(default_factory=dict)
    # True when `create` is exactly `prepare` + record_service.create_record: new rows may
    # then be written in batches (executemany) with the same checks and events per row.
    bulk: bool = True

    @property
    def kind(self) -> str:
        return self.spec.kind

    def targets(self, ctx: Ctx) -> list[Target]:
        """Built-in targets, then every active custom field of the kind."""
        return [*self.built_in, *(custom_target(f) for f in fields_for(ctx, self.kind))]


def custom_target(definition: FieldDef) -> Target:
    return out_of(
        Target,
        definition,
        choices=definition.choice_keys,
        aliases=(definition.name,),
        custom=definition,
    )


# ------------------------------------------------------------------------ natural keys


PHONE_KEYS = ("phone", "mobile")


def normalise_key(name: str, value: Any) -> str:
    """A natural key as compared: phones by kht.normalise.phone_key (the duplicate finders'
    rule), names and emails trimmed, lower case."""
    if name in PHONE_KEYS:
        return phone_key(str(value or "")) or ""
    return " ".join(str(value or "").strip().lower().split())


def key_sql(name: str, column: Any) -> Any:
    """The indexed SQL form of a natural key column (migration 0009): phones without
    separators, other keys trimmed and lower case."""
    if name in PHONE_KEYS:
        return phone_digits_sql(column)
    return func.lower(func.trim(column))


def key_forms(name: str, key: str) -> set[str]:
    """The values of `key_sql` under which a record with this normalised key is stored."""
    return phone_forms(key) if name in PHONE_KEYS else {key}


# ---------------------------------------------------------------------- shared helpers


def text_target(
    key: str, zh: str, en: str, *aliases: str, required: bool = False, type: str = "text"
) -> Target:
    """A column read as text, or as `type` (`ref`: a name or id, `date`, `email`)."""
    return Target(key=key, label_zh=zh, label_en=en, aliases=aliases, required=required, type=type)


def ref_target(key: str, zh: str, en: str, *aliases: str) -> Target:
    """A column naming another record, by its name (the kind's resolver) or its id."""
    return text_target(key, zh, en, *aliases, type="ref")


def email_target(key: str, zh: str, en: str, *aliases: str) -> Target:
    """A text column checked as an email address (the services' rule for forms and the API)."""
    return text_target(key, zh, en, *aliases, type="email")


def choice_target(key: str, zh: str, en: str, labels: dict[str, str], *aliases: str) -> Target:
    choices = tuple(dict.fromkeys(labels.values()))
    return Target(
        key=key,
        label_zh=zh,
        label_en=en,
        type="choice",
        choices=choices,
        choice_labels=labels,
        aliases=aliases,
    )


def plain_checks(
    spec: RecordKind, targets: tuple[Target, ...], values: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    """Checks for kinds without an input Struct: lengths from the table, choices, required text.

    `partial` (updates) skips the required check: a field left out keeps its value.
    """
    table = spec.model.__table__
    cleaned: dict[str, Any] = {}
    for target in targets:
        if target.key not in values:
            continue
        value = values[target.key]
        column_type = table.c[target.key].type
        if isinstance(value, str):
            value = value.strip()
            limit = column_type.length if isinstance(column_type, String) else None
            if limit and len(value) > limit:
                raise ValidationError(f"{target.key} is longer than {limit} characters", target.key)
        if target.type == "email" and isinstance(value, str):
            value = clean_email(value, target.key)
        if target.choices and value not in target.choices:
            raise ValidationError(
                f"{target.key} must be one of: {', '.join(target.choices)}", target.key
            )
        cleaned[target.key] = value
    for target in targets:
        if target.required and not partial and not cleaned.get(target.key):
            raise ValidationError(f"{target.key} is required", target.key)
    if "ext" in values:
        cleaned["ext"] = values["ext"]
    return cleaned


def plain_prepare(spec: RecordKind, targets: tuple[Target, ...]) -> Prepare:
    """A `prepare` step made of `plain_checks`."""
    return lambda ctx, values: plain_checks(spec, targets, values, partial=False)


def generic_create(spec: RecordKind) -> Callable[[Ctx, dict[str, Any]], Any]:
    """Create through kht.record_service (values already prepared)."""
    return lambda ctx, values: records.create_record(ctx, spec, values)


def generic_update(
    spec: RecordKind, targets: tuple[Target, ...]
) -> Callable[[Ctx, Any, dict[str, Any]], Any]:
    """Update through kht.record_service after the plain checks."""

    def update(ctx: Ctx, record: Any, values: dict[str, Any]) -> Any:
        changes = plain_checks(spec, targets, values, partial=True)
        return records.update_record(ctx, spec, record, record.version, changes)

    return update


def generic_kind(
    spec: RecordKind,
    built_in: tuple[Target, ...],
    dedupe: tuple[str, ...],
    prepare: Prepare | None = None,
    **more: Any,
) -> ImportKind:
    """An import through kht.record_service: `built_in` columns, checked by `plain_checks`
    unless the kind gives its own `prepare`; `more` are ImportKind's other fields."""
    return ImportKind(
        spec=spec,
        built_in=built_in,
        prepare=prepare or plain_prepare(spec, built_in),
        create=generic_create(spec),
        update=generic_update(spec, built_in),
        dedupe=dedupe,
        **more,
    )


def customer_by_name(ctx: Ctx, text: str) -> int:
    """The id of the one live customer in scope named `text` (for contacts' customer column)."""
    from kht.customers.models import Customer

    query = restrict(
        select(Customer.id).where(Customer.deleted_at.is_(None), Customer.name == text.strip()),
        ctx.user,
        Customer,
        "customers",
    )
    ids = list(ctx.session.scalars(query.limit(2)))
    if not ids:
        raise NotFound(f"no customer named {text!r}", "customer_id")
    if len(ids) > 1:
        raise ValidationError(f"several customers are named {text!r}", "customer_id")
    return ids[0]


__all__ = [
    "ImportKind",
    "Target",
    "custom_target",
    "customer_by_name",
    "generic_create",
    "generic_update",
    "key_sql",
    "normalise_key",
    "plain_checks",
    "plain_prepare",
]

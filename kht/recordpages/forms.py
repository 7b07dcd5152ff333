"""A record kind's form read from its declaration: which inputs, and the values they sent."""

from __future__ import annotations

import typing
from typing import Any

import msgspec

from kht.contacts.ui import ext_from_form, text
from kht.context import Ctx
from kht.fields import fields_for
from kht.plugin_types import RecordKind

TEXT_TYPES = frozenset({"text", "long_text", "phone", "email", "url"})


def schema_keys(schema: Any) -> set[str]:
    """The field names an input Struct accepts."""
    return {field.name for field in msgspec.structs.fields(schema)} if schema else set()


def form_fields(spec: RecordKind) -> list[Any]:
    """The built-in fields the form shows, in order: RecordPages.form_fields, by default
    every declared field a change may carry (the update schema's; what only a new record
    sets, like a contact's customer, is the kind's own input)."""
    by_name = {field.name: field for field in spec.fields}
    pages = spec.pages
    if pages and pages.form_fields:
        accepted = schema_keys(spec.create_schema) | schema_keys(spec.update_schema)
        return [by_name[name] for name in pages.form_fields if name in accepted]
    editable = schema_keys(spec.update_schema)
    return [field for field in spec.fields if field.name in editable]


def title_field(spec: RecordKind) -> str:
    """The field a record is called by in headings and links: `name`, else the first
    declared field (a ticket's subject)."""
    names = [field.name for field in spec.fields]
    return "name" if "name" in names or not names else names[0]


def detail_fields(spec: RecordKind) -> list[Any]:
    """The built-in fields the detail page lists, in order: RecordPages.detail_fields, by
    default every declared field but those in the heading (name, badge, subtitle)."""
    by_name = {field.name: field for field in spec.fields}
    pages = spec.pages
    if pages and pages.detail_fields:
        return [by_name[name] for name in pages.detail_fields if name in by_name]
    heading = {title_field(spec), pages.badge if pages else "", pages.subtitle if pages else ""}
    return [field for field in spec.fields if field.name not in heading]


def _value(field: Any, raw: str) -> Any:
    if field.type in TEXT_TYPES:
        return raw
    if field.type == "boolean":
        return raw in ("1", "on", "true", "yes")
    if raw == "":
        return None
    if field.type in ("number", "user") and raw.isdigit():
        return int(raw)
    return raw


def _nullable(schema: Any) -> set[str]:
    """The fields of `schema` that may be set to None (a reference the form clears)."""
    return {
        field.name
        for field in msgspec.structs.fields(schema)
        if type(None) in typing.get_args(field.type)
    }


def submitted(ctx: Ctx, spec: RecordKind, data: dict[str, Any], schema: Any) -> dict[str, Any]:
    """The values a form sent for `schema` (the create or the update Struct), custom fields
    included. An input left empty is left out (the schema's default applies, an edit keeps
    the value) unless the field may be None: then emptying it clears it (a contact). A
    field the form did not send is left out too, so a kind's own inputs (a customer picker)
    simply add to the declared ones."""
    accepted = schema_keys(schema)
    nullable = _nullable(schema) if schema else set()
    shown = {field.name for field in form_fields(spec)}
    found: dict[str, Any] = {}
    for field in spec.fields:
        # An unticked checkbox sends nothing: a boolean on the form is then false.
        sent = field.name in data or (field.type == "boolean" and field.name in shown)
        if field.name not in accepted or not sent:
            continue
        value = _value(field, text(data, field.name))
        if value is None and (field.name not in nullable or field.type == "single_choice"):
            continue  # the schema's default (a new record) or unchanged (an edit)
        found[field.name] = value
    if "ext" in accepted:
        found["ext"] = ext_from_form(fields_for(ctx, spec.kind), data)
    return found


def record_values(spec: RecordKind, record: Any) -> dict[str, Any]:
    """A record's values as the edit form starts with them."""
    values = {field.name: getattr(record, field.name, None) for field in form_fields(spec)}
    return {**values, "ext": record.ext or {}, "version": record.version}


def new_values(spec: RecordKind) -> dict[str, Any]:
    """What a new record's form starts with: the create schema's defaults."""
    if spec.create_schema is None:
        return {}
    return {
        field.name: field.default
        for field in msgspec.structs.fields(spec.create_schema)
        if field.default is not msgspec.NODEFAULT
    }

"""The generated settings form: its inputs derived from the Struct's field types, and the
submitted form read back into the values `kht.settings.service.save_settings` takes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import inspect as mi

from kht.context import Ctx
from kht.errors import ValidationError
from kht.plugin_types import SettingField, SettingsDef

_SCALARS = (mi.IntType, mi.FloatType, mi.DecimalType, mi.StrType, mi.LiteralType)


@dataclass
class Input:
    """One field of the form: how it is drawn (`kind`) and what it shows, as text.

    kinds: number, decimal, text, checkbox, select, multi (check boxes), lines (one value a
    line), keyed (one input per key; `item` is the kind of each), json."""

    name: str
    kind: str
    spec: SettingField
    optional: bool = False
    item: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)
    bounds: dict[str, Any] = field(default_factory=dict)
    value: Any = ""


def _options(ctx: Ctx, given: Any, typed: Any) -> list[tuple[str, str]]:
    if given is None and isinstance(typed, mi.LiteralType):
        given = [(v, str(v)) for v in typed.values]
    found = given(ctx) if callable(given) else given or []
    return [(str(value), label) for value, label in found]


def _optional(typed: Any) -> tuple[Any, bool]:
    if isinstance(typed, mi.UnionType):
        rest = [t for t in typed.types if not isinstance(t, mi.NoneType)]
        if len(rest) == 1:
            return rest[0], True
    return typed, False


def _scalar_kind(typed: Any, has_choices: bool) -> str:
    if has_choices or isinstance(typed, mi.LiteralType):
        return "select"
    if isinstance(typed, mi.IntType):
        return "number"
    if isinstance(typed, mi.FloatType | mi.DecimalType):
        return "decimal"
    return "text"


def _bounds(typed: Any) -> dict[str, Any]:
    names = {"ge": "min", "le": "max", "max_length": "maxlength"}
    return {
        html: getattr(typed, k) for k, html in names.items() if getattr(typed, k, None) is not None
    }


def _kind(typed: Any, spec: SettingField) -> tuple[str, str]:
    """(kind, item kind) of a field's type; json for what the form has no input for."""
    if spec.widget == "json":
        return "json", ""
    if isinstance(typed, mi.BoolType):
        return "checkbox", ""
    if isinstance(typed, _SCALARS):
        return _scalar_kind(typed, spec.choices is not None), ""
    if isinstance(typed, mi.ListType) and isinstance(typed.item_type, _SCALARS):
        choices = spec.choices is not None or isinstance(typed.item_type, mi.LiteralType)
        return ("multi" if choices else "lines"), ""
    if isinstance(typed, mi.DictType) and spec.keys is not None:
        value, _ = _optional(typed.value_type)
        if isinstance(value, _SCALARS):
            return "keyed", _scalar_kind(value, spec.choices is not None)
    return "json", ""


def _shown(kind: str, value: Any) -> Any:
    """A stored value (builtins) as the form shows it: text, or lists/dicts of text."""
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    if kind == "checkbox":
        return bool(value)
    if kind == "multi":
        return [str(v) for v in value]
    if kind == "lines":
        return "\n".join(str(v) for v in value)
    if kind == "keyed":
        return {str(k): str(v) for k, v in value.items() if v is not None}
    return "" if value is None else str(value)


def inputs(ctx: Ctx, spec: SettingsDef, value: Any) -> list[Input]:
    """The form's inputs, in the Struct's field order, showing `value` (the Struct)."""
    stored = msgspec.to_builtins(value)
    found = []
    for info in mi.type_info(spec.schema).fields:
        extra = spec.fields[info.name]
        typed, optional = _optional(info.type)
        kind, item = _kind(typed, extra)
        element = typed.value_type if kind == "keyed" else getattr(typed, "item_type", typed)
        entry = Input(name=info.name, kind=kind, spec=extra, optional=optional, item=item)
        entry.options = _options(ctx, extra.choices, _optional(element)[0])
        entry.keys = _options(ctx, extra.keys, None) if kind == "keyed" else []
        entry.bounds = _bounds(_optional(element)[0])
        entry.value = _shown(kind, stored.get(info.name))
        found.append(entry)
    return found


def _many(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if str(v).strip()]


def _one(data: dict[str, Any], key: str) -> str:
    values = _many(data, key)
    return values[-1] if values else ""


def _scalar(kind: str, text: str, optional: bool) -> Any:
    if text == "" and optional:
        return None
    return text.replace(",", "") if kind in ("number", "decimal") else text


def _read(entry: Input, data: dict[str, Any]) -> Any:
    name = entry.name
    if entry.kind == "checkbox":
        return bool(_many(data, name))
    if entry.kind == "multi":
        return _many(data, name)
    if entry.kind == "lines":
        return [line.strip() for line in _one(data, name).splitlines() if line.strip()]
    if entry.kind == "keyed":
        found = {key: _one(data, f"{name}.{key}") for key, _ in entry.keys}
        return {key: _scalar(entry.item, text, False) for key, text in found.items() if text}
    if entry.kind == "json":
        try:
            return json.loads(_one(data, name) or "null")
        except json.JSONDecodeError:
            raise ValidationError("not valid JSON", name) from None
    return _scalar(entry.kind, _one(data, name), entry.optional)


def submitted(entries: list[Input], data: dict[str, Any]) -> dict[str, Any]:
    """The submitted form as values for the Struct (text converted by the service). A field
    the form did not send at all keeps its default; an unticked box or list is sent as
    nothing, so those are read as empty."""
    ticked = ("checkbox", "multi", "keyed")
    return {
        entry.name: _read(entry, data)
        for entry in entries
        if entry.kind in ticked or entry.name in data
    }


def keep_submitted(entries: list[Input], data: dict[str, Any]) -> None:
    """Show what was submitted again (after a refusal), as it was typed."""
    for entry in entries:
        if entry.kind == "checkbox":
            entry.value = bool(_many(data, entry.name))
        elif entry.kind == "multi":
            entry.value = _many(data, entry.name)
        elif entry.kind == "keyed":
            entry.value = {key: _one(data, f"{entry.name}.{key}") for key, _ in entry.keys}
        else:
            entry.value = (
                data.get(entry.name, "")
                if entry.kind in ("json", "lines")
                else _one(data, entry.name)
            )


def version_of(data: dict[str, Any]) -> int:
    """The version the form was shown with (its hidden field)."""
    text = _one(data, "version")
    if not text.isdigit():
        raise ValidationError("the form lost its version; reload the page", "version")
    return int(text)

"""The one settings store: every module's and plugin's settings, declared once.

A module declares its settings with `kht_register_settings` (`SettingsDef`: a msgspec Struct
with defaults, labels, who may change them). This module is the only reader and writer of
the `settings` table: `get_settings` gives the values (the defaults until a save, kept for
the request), `save_settings` checks the permission, the version (a stale one is a 409), the
Struct's bounds and the declaration's own rules (a 422 naming the field), writes, audits the
change (field: [old, new]) and drops the kept copy. The API (`kht.settings.api`) and the
generated page (`kht.settings.views`) call these functions and nothing else.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from sqlalchemy import select

from kht.audit.service import record_action
from kht.context import Ctx
from kht.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PluginError,
    ValidationError,
)
from kht.plugin_types import SettingsDef
from kht.settings.models import StoredSettings

KIND = "settings"  # audit rows: kind "settings", record id the owner's row
_KEPT = "kht.settings:"  # ctx.extra key prefix: (value, version) read this request
_PATH = re.compile(r"at `\$\.?([^`]*)`")
_UNKNOWN = re.compile(r"unknown field `([^`]*)`")


def declared(ctx: Ctx) -> dict[str, SettingsDef]:
    """Every declaration of the enabled plugins and core modules, by owner."""
    found: dict[str, SettingsDef] = {}
    for batch in ctx.hook.kht_register_settings():
        for item in batch or []:
            if item.owner in found:
                raise PluginError(f"settings {item.owner!r} are declared twice")
            _check_declaration(item)
            found[item.owner] = item
    return found


def _check_declaration(item: SettingsDef) -> None:
    names = set(item.schema.__struct_fields__)
    missing = sorted(names - set(item.fields))
    if missing:
        raise PluginError(f"settings {item.owner!r}: no SettingField for {', '.join(missing)}")


def definition(ctx: Ctx, owner: str) -> SettingsDef:
    """The declaration of `owner`, or NotFound."""
    found = declared(ctx).get(owner)
    if found is None:
        raise NotFound(f"no settings {owner!r}", "owner")
    return found


def can_manage(ctx: Ctx, owner: str | SettingsDef) -> bool:
    """Whether the acting user may read and change `owner`'s settings."""
    spec = definition(ctx, owner) if isinstance(owner, str) else owner
    user = ctx.user
    return user is not None and any(user.can(m, spec.operation) for m in spec.modules)


def link_for(ctx: Ctx, owner: str) -> str:
    """The URL of `owner`'s settings page for a user who may change them, else "" (pages
    pass it as `settings_url` to the core's `settings/link.html`)."""
    return f"/admin/settings/{owner}" if can_manage(ctx, owner) else ""


def _require_manager(ctx: Ctx, spec: SettingsDef) -> None:
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    if not can_manage(ctx, spec):
        raise Forbidden(f"you may not change the settings {spec.owner!r}")


def manageable(ctx: Ctx) -> list[SettingsDef]:
    """The declarations the acting user may change, in owner order."""
    return [spec for _, spec in sorted(declared(ctx).items()) if can_manage(ctx, spec)]


def error_field(message: str) -> str:
    """The field a msgspec validation message names (`weights.recency`, `campaigns[0].x`)."""
    path = _PATH.search(message)
    unknown = _UNKNOWN.search(message)
    prefix = path.group(1) if path else ""
    if unknown:
        return f"{prefix}.{unknown.group(1)}" if prefix else unknown.group(1)
    return prefix or "settings"


def convert(spec: SettingsDef, values: Any, strict: bool = True) -> Any:
    """`values` (a dict) as `spec`'s Struct; a bad value is a 422 naming its field."""
    if isinstance(values, spec.schema):
        return values
    if not isinstance(values, dict):
        raise ValidationError("the settings must be an object", "settings")
    try:
        return msgspec.convert(values, spec.schema, strict=strict)
    except msgspec.ValidationError as exc:
        raise ValidationError(str(exc), error_field(str(exc))) from None


def _from_store(spec: SettingsDef, stored: dict[str, Any]) -> Any:
    """Stored values as the Struct: a field the Struct no longer has is dropped, and one that
    no longer fits its bounds falls back to its default (the page then shows the default)."""
    known = {k: v for k, v in stored.items() if k in spec.schema.__struct_fields__}
    try:
        return msgspec.convert(known, spec.schema)
    except msgspec.ValidationError:
        kept = {}
        for key, value in known.items():
            try:
                msgspec.convert({key: value}, spec.schema)
                kept[key] = value
            except msgspec.ValidationError:
                continue
        return msgspec.convert(kept, spec.schema)


def _row(ctx: Ctx, owner: str) -> StoredSettings | None:
    return ctx.session.scalar(select(StoredSettings).where(StoredSettings.owner == owner))


def _load(ctx: Ctx, spec: SettingsDef) -> tuple[Any, int]:
    kept = ctx.extra.get(_KEPT + spec.owner)
    if kept is None:
        row = _row(ctx, spec.owner)
        kept = (_from_store(spec, row.value), row.version) if row else (spec.schema(), 0)
        ctx.extra[_KEPT + spec.owner] = kept
    return kept


def forget(ctx: Ctx, owner: str) -> None:
    """Drop the values kept for this request (after a rollback)."""
    ctx.extra.pop(_KEPT + owner, None)


def get_settings(ctx: Ctx, owner: str) -> Any:
    """`owner`'s settings as its Struct (the defaults until saved), read once per request.

    No permission check: a module reads its own settings for anyone it serves."""
    return _load(ctx, definition(ctx, owner))[0]


def read_settings(ctx: Ctx, owner: str) -> tuple[Any, int]:
    """The settings and their version (0 before the first save), for those who may change
    them."""
    spec = definition(ctx, owner)
    _require_manager(ctx, spec)
    return _load(ctx, spec)


def _changes(old: Any, new: Any) -> dict[str, list[Any]]:
    before, after = msgspec.to_builtins(old), msgspec.to_builtins(new)
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def save_settings(ctx: Ctx, owner: str, values: Any, version: int) -> tuple[Any, int]:
    """Check and store `owner`'s settings (a Struct or a dict of its fields); the saved value
    and its new version.

    `version` is the one read (0 before the first save): another is a 409. Bad values are a
    422 naming the field; the change is audited as `settings` / `update` with each changed
    field's old and new value."""
    spec = definition(ctx, owner)
    _require_manager(ctx, spec)
    value = convert(spec, values)
    if spec.check is not None:
        value = spec.check(ctx, value) or value
    old, current = _load(ctx, spec)
    if version != current:
        raise Conflict("the settings were changed by someone else; reload them", "version")
    row = _row(ctx, owner) or StoredSettings(owner=owner, version=0)
    row.value, row.version, row.updated_by_id = msgspec.to_builtins(value), current + 1, ctx.user_id
    ctx.session.add(row)
    ctx.session.flush()
    record_action(ctx, KIND, row.id, "update", _changes(old, value))
    ctx.extra[_KEPT + owner] = (value, row.version)
    if spec.saved is not None:
        spec.saved(ctx, value)
    return value, row.version


def update_settings(ctx: Ctx, owner: str, **changes: Any) -> Any:
    """Change some fields of `owner`'s settings (at their current version), keep the rest;
    the saved value. For demo data, commands and tests: the page and the API send the
    version they read."""
    value, version = read_settings(ctx, owner)
    return save_settings(ctx, owner, msgspec.structs.replace(value, **changes), version)[0]
